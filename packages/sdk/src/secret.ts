const REDACTED = "[redacted]";

/**
 * A secret value (password, token, signing key) read from a cluster file or the environment.
 *
 * The value is held in a private field and never appears in `JSON.stringify`, `String()`, template literals or
 * `console.log`/`util.inspect` output: all of them print `[redacted]`. Call {@link Secret.reveal} at the one place the
 * value is really needed (an HTTP header, a file written 0600).
 *
 * @example
 * const s = new Secret(process.env.MARATHON_PASSWORD ?? "");
 * JSON.stringify({ s }); // '{"s":"[redacted]"}'
 * s.reveal();            // the value
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself. Never log or print what this returns. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${REDACTED})`;
  }
}
