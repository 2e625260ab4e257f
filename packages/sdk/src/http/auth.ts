import { Secret } from "../secret.js";

/** A secret value: a {@link Secret} (preferred: it never prints) or a plain string. */
export type SecretValue = Secret | string;

/** Credentials sent with every request. */
export type HttpAuth =
  | { type: "none" }
  | { type: "basic"; username: string; password: SecretValue }
  /** DC/OS ACS token, sent as `Authorization: token=<t>`. */
  | { type: "dcos"; token: SecretValue }
  | { type: "bearer"; token: SecretValue };

const reveal = (value: SecretValue) => (value instanceof Secret ? value.reveal() : value);

/** The `Authorization` header for the credentials, or undefined for none. */
export function authorizationHeader(auth: HttpAuth | undefined): string | undefined {
  if (!auth) return undefined;
  switch (auth.type) {
    case "none":
      return undefined;
    case "basic":
      return `Basic ${Buffer.from(`${auth.username}:${reveal(auth.password)}`).toString("base64")}`;
    case "dcos":
      return `token=${reveal(auth.token)}`;
    case "bearer":
      return `Bearer ${reveal(auth.token)}`;
  }
}
