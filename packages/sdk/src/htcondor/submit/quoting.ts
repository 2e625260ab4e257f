/**
 * Quoting rules of `arguments` and `environment` (HTCondor's ArgList and Env classes, condor_arglist.cpp, env.cpp).
 *
 * Two layers exist. The *V2 raw* form is what the job ad stores (`Arguments = "a 'b c'"`): arguments separated by
 * whitespace, single quotes group, and a doubled single quote inside quotes is a literal quote. The *V2 quoted* form
 * is what a submit file holds: the raw form wrapped in double quotes, where a doubled double quote is a literal one.
 * The legacy *V1* form (no surrounding double quotes) splits on whitespace only and cannot express spaces.
 */

import { BsaasError } from "../../errors.js";

/** Why a value could not be split; `index` is the 0-based position in the input where the problem starts. */
export class SubmitQuotingError extends BsaasError {
  readonly index: number;
  constructor(message: string, index: number) {
    super("SUBMIT_QUOTING", message, {
      hint: "Write arguments as \"a 'b c' d\": double quotes around the whole value, single quotes group words.",
    });
    this.index = index;
  }
}

const isArgSpace = (ch: string) => ch === " " || ch === "\t" || ch === "\n" || ch === "\r";

/** Appends one argument to a V2 raw string, quoting only the characters that need it (like HTCondor's append_arg). */
export function appendArgV2Raw(result: string, arg: string): string {
  let out = result.length > 0 ? `${result} ` : result;
  if (arg.length === 0) return `${out}''`;
  for (const ch of arg) {
    if (isArgSpace(ch) || ch === "'") {
      // Join with a quoted section that ends right here instead of opening a new one, as HTCondor does.
      if (out.endsWith("'")) out = out.slice(0, -1);
      else out += "'";
      if (ch === "'") out += "'";
      out += `${ch}'`;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Joins arguments into the V2 raw form stored in the job ad's `Arguments`. */
export function joinArgsV2Raw(args: readonly string[]): string {
  let out = "";
  for (const arg of args) out = appendArgV2Raw(out, arg);
  return out;
}

/** Splits a V2 raw string (the content of `Arguments`, or of a quoted `arguments` value) into arguments. */
export function splitArgsV2Raw(raw: string): string[] {
  const args: string[] = [];
  let buf = "";
  let inToken = false;
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i] as string;
    if (ch === "'") {
      const start = i++;
      inToken = true;
      for (;;) {
        if (i >= raw.length)
          throw new SubmitQuotingError("unbalanced single quote: a quote opened here is never closed", start);
        if (raw[i] === "'") {
          if (raw[i + 1] === "'") {
            buf += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        buf += raw[i++];
      }
    } else if (isArgSpace(ch)) {
      i++;
      if (inToken) {
        args.push(buf);
        buf = "";
        inToken = false;
      }
    } else {
      inToken = true;
      buf += ch;
      i++;
    }
  }
  if (inToken) args.push(buf);
  return args;
}

/** True when a submit value uses the V2 quoted syntax (its first non-space character is a double quote). */
export function isV2Quoted(value: string): boolean {
  return /^\s*"/.test(value);
}

/**
 * Removes the V2 double-quote layer: `"a ""b"" c"` becomes `a "b" c`. Throws {@link SubmitQuotingError} for a missing
 * closing quote or text after it.
 */
export function v2QuotedToRaw(value: string): string {
  let i = 0;
  while (i < value.length && /\s/.test(value[i] as string)) i++;
  const open = i;
  if (value[i] !== '"') throw new SubmitQuotingError("expected a double-quoted value", i);
  i++;
  let raw = "";
  let closed = -1;
  while (i < value.length) {
    const ch = value[i] as string;
    if (ch === '"') {
      if (value[i + 1] === '"') {
        raw += '"';
        i += 2;
        continue;
      }
      closed = i++;
      break;
    }
    raw += ch;
    i++;
  }
  if (closed < 0) {
    throw new SubmitQuotingError(
      'unterminated double quote: the value starts with " but has no closing " (write "" for a literal quote)',
      open,
    );
  }
  while (i < value.length && /\s/.test(value[i] as string)) i++;
  if (i < value.length) {
    throw new SubmitQuotingError(
      `unexpected text after the closing double quote: ${JSON.stringify(value.slice(closed))}; ` +
        'to put a double quote inside the value, repeat it ("")',
      closed,
    );
  }
  return raw;
}

/** Wraps a V2 raw string in double quotes, doubling any double quote inside. */
export function v2RawToQuoted(raw: string): string {
  return `"${raw.replaceAll('"', '""')}"`;
}

/**
 * Removes V1 "wacking": in V1 syntax a double quote must be written `\"`; a bare double quote is an error.
 * Returns the V1 raw string.
 */
export function v1WackedToRaw(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '"') {
      throw new SubmitQuotingError(
        `found an unescaped double quote in old-style arguments: ${value.slice(i)}`,
        i,
      );
    }
    if (ch === "\\" && value[i + 1] === '"') {
      out += '"';
      i++;
    } else {
      out += ch;
    }
  }
  return out;
}

/** Splits V1 raw arguments: on whitespace only, no quoting. */
export function splitArgsV1Raw(raw: string): string[] {
  return raw.split(/[ \t\r\n]+/).filter((part) => part.length > 0);
}

/** The arguments of a submit `arguments` value, and which syntax it used. */
export interface ParsedArguments {
  args: string[];
  syntax: "v1" | "v2";
}

/** Parses an `arguments` submit value in either syntax (V2 when it starts with a double quote). */
export function parseArgumentsValue(value: string): ParsedArguments {
  if (isV2Quoted(value)) {
    const raw = v2QuotedToRaw(value);
    const start = value.indexOf('"') + 1;
    try {
      return { args: splitArgsV2Raw(raw), syntax: "v2" };
    } catch (error) {
      if (error instanceof SubmitQuotingError)
        throw new SubmitQuotingError(error.message, start + rawIndexToQuoted(raw, error.index));
      throw error;
    }
  }
  return { args: splitArgsV1Raw(v1WackedToRaw(value)), syntax: "v1" };
}

/** Maps an index in a raw string back to the quoted text (each `"` in raw took two characters). */
function rawIndexToQuoted(raw: string, index: number): number {
  let extra = 0;
  for (let i = 0; i < index && i < raw.length; i++) if (raw[i] === '"') extra++;
  return index + extra;
}

/**
 * Quotes one argument for a submit file in the readable way: left alone when it has no whitespace or single quote,
 * otherwise wrapped in single quotes as a whole (`'b c'`, `'it''s'`). Splitting gives the same argument back as
 * HTCondor's own quoting (which quotes each special character on its own: `b' 'c`).
 */
export function quoteArgReadable(arg: string): string {
  if (arg === "") return "''";
  if (!/[\s']/.test(arg)) return arg;
  return `'${arg.replaceAll("'", "''")}'`;
}

/** Formats arguments as the V2 quoted submit value: `["a", "b c"]` becomes `"a 'b c'"`. */
export function formatArgumentsValue(args: readonly string[]): string {
  return v2RawToQuoted(args.map(quoteArgReadable).join(" "));
}

/** Marker HTCondor uses for an environment entry without `=` that holds an unexpanded `$$(...)` macro. */
export const NO_ENVIRONMENT_VALUE = "\u0001\u0002\u0003\u0004\u0005\u0006";

/** Splits one `NAME=value` environment entry. Returns undefined (with a reason) when it is not valid. */
export function splitEnvEntry(entry: string): { name: string; value: string } | { error: string } {
  const eq = entry.indexOf("=");
  if (eq < 0) {
    if (entry.includes("$$")) return { name: entry, value: NO_ENVIRONMENT_VALUE };
    return { error: `missing '=' after environment variable '${entry}'` };
  }
  if (eq === 0) return { error: `missing variable name in '${entry}'` };
  return { name: entry.slice(0, eq), value: entry.slice(eq + 1) };
}

/** Parses the V2 raw environment form (`A=1 B='x y'`) into ordered entries (a later duplicate replaces the value). */
export function parseEnvironmentV2Raw(raw: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of splitArgsV2Raw(raw)) {
    if (entry.length === 0) continue;
    const parsed = splitEnvEntry(entry);
    if ("error" in parsed) throw new SubmitQuotingError(parsed.error, Math.max(0, raw.indexOf(entry)));
    env.set(parsed.name, parsed.value);
  }
  return env;
}

const PERMITTED_V1_DELIMS = "!#$%&*+,-/:;<>?@^`|~\u001f";

/** Parses the legacy V1 environment form: entries separated by `;` (or by a leading delimiter character). */
export function parseEnvironmentV1(value: string, defaultDelim = ";"): Map<string, string> {
  const env = new Map<string, string>();
  if (value.length === 0) return env;
  let delim = defaultDelim;
  let text = value;
  const first = value[0] as string;
  if (first === delim) text = value.slice(1);
  else if (PERMITTED_V1_DELIMS.includes(first)) {
    delim = first;
    text = value.slice(1);
  }
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /[ \t\n\r]/.test(text[i] as string)) i++;
    let entry = "";
    while (i < text.length) {
      const ch = text[i] as string;
      i++;
      if (ch === "\n" || ch === delim) break;
      entry += ch;
    }
    if (entry.length > 0) {
      const parsed = splitEnvEntry(entry);
      if ("error" in parsed) throw new SubmitQuotingError(parsed.error, Math.max(0, value.indexOf(entry)));
      env.set(parsed.name, parsed.value);
    }
  }
  return env;
}

/** The entries of a submit `environment` value, and which syntax it used. */
export interface ParsedEnvironment {
  env: Map<string, string>;
  syntax: "v1" | "v2";
}

/** Parses an `environment` submit value in either syntax (V2 when it starts with a double quote). */
export function parseEnvironmentValue(value: string): ParsedEnvironment {
  if (isV2Quoted(value)) {
    const raw = v2QuotedToRaw(value);
    const start = value.indexOf('"') + 1;
    try {
      return { env: parseEnvironmentV2Raw(raw), syntax: "v2" };
    } catch (error) {
      if (error instanceof SubmitQuotingError)
        throw new SubmitQuotingError(error.message, start + rawIndexToQuoted(raw, error.index));
      throw error;
    }
  }
  return { env: parseEnvironmentV1(value), syntax: "v1" };
}

/** Joins environment entries into the V2 raw form stored in the job ad's `Environment`. */
export function joinEnvironmentV2Raw(entries: Iterable<readonly [string, string]>): string {
  let out = "";
  for (const [name, value] of entries) {
    out = appendArgV2Raw(out, value === NO_ENVIRONMENT_VALUE ? name : `${name}=${value}`);
  }
  return out;
}

/** Formats environment entries as the V2 quoted submit value: `{A: "1", B: "x y"}` becomes `"A=1 B='x y'"`. */
export function formatEnvironmentValue(entries: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [name, value] of entries) {
    // Quote only the value when the name is plain, so the entry reads NAME='value with spaces'.
    parts.push(
      /[\s']/.test(name)
        ? quoteArgReadable(`${name}=${value}`)
        : `${name}=${value === "" ? "" : quoteArgReadable(value)}`,
    );
  }
  return v2RawToQuoted(parts.join(" "));
}
