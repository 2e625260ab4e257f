/**
 * IDTOKENS made by the SDK itself, with no HTCondor tool on the deploying machine.
 *
 * How HTCondor 23.9.6 signs a token (src/condor_io/condor_auth_passwd.cpp `generate_token` and
 * `setup_shared_keys`, src/condor_utils/store_cred.cpp `read_password_from_filename`), confirmed by experiment
 * against `condor_token_create` and a collector in the provisioned rootfs:
 * 1. The key file `SEC_PASSWORD_DIRECTORY/<kid>` is "scrambled": every byte XORed with DE AD BE EF (repeating).
 *    HTCondor reads it up to the first NUL byte, unscrambles it, and then uses it as a C string again (so it ends
 *    at the first NUL of the unscrambled bytes too).
 * 2. For the key id `POOL` the password is used twice, concatenated (`pw || pw`, a relic of the PASSWORD method);
 *    any other key id (a named key in the same directory) is used once.
 * 3. The JWT key is HKDF-SHA256(input = that, salt = "htcondor", info = "master jwt", 32 bytes).
 * 4. The token is a JWT signed HS256 with header {"alg":"HS256","kid":<key id>} and claims iat, iss (TRUST_DOMAIN),
 *    sub (user@domain), jti (random), optional exp, and optional scope = "condor:/READ condor:/ADVERTISE_STARTD ..."
 *    limiting the authorization levels the token may be used for.
 *
 * A signing key, as this module passes it around, is the content of that key file, exactly as HTCondor reads it;
 * {@link createSigningKey} makes keys whose file content is printable ASCII, so they can be written as text.
 *
 * Only a daemon that has the key can check a token, so only the central manager needs it: the other instances carry
 * just their token (read with `read_secure_file`: owned by the daemons' uid, mode 0600) and are reached through
 * sessions HTCondor hands out via the collector (claim ids, the admin session used by condor_drain/condor_off).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { Secret } from "../../secret.js";
import { CondorSigningKeyError, CondorTokenError } from "./errors.js";
import type { CondorRole } from "./model.js";

/** HTCondor authorization levels a token's scope can name. */
export const TOKEN_AUTHORIZATIONS = [
  "READ",
  "WRITE",
  "DAEMON",
  "ADMINISTRATOR",
  "NEGOTIATOR",
  "OWNER",
  "CONFIG",
  "ADVERTISE_STARTD",
  "ADVERTISE_SCHEDD",
  "ADVERTISE_MASTER",
] as const;
export type TokenAuthorization = (typeof TOKEN_AUTHORIZATIONS)[number];

const SCRAMBLE = [0xde, 0xad, 0xbe, 0xef] as const;
const SCOPE_PREFIX = "condor:/";

/** XORs bytes with DE AD BE EF, HTCondor's "simple_scramble" (its own inverse). */
export function scrambleBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = (bytes[i] ?? 0) ^ (SCRAMBLE[i % 4] ?? 0);
  return out;
}

/** A key file's bytes from its Secret form (a string of byte values 0-255). */
export function signingKeyFileBytes(key: Secret): Uint8Array {
  const s = key.reveal();
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0xff) {
      throw new CondorSigningKeyError(
        "A signing key holds the bytes of an HTCondor key file; this one contains characters beyond a byte.",
      );
    }
  }
  return Uint8Array.from(Buffer.from(s, "latin1"));
}

/** The key file content of an existing key file (for example one HTCondor made), as a signing key. */
export function readSigningKeyFile(bytes: Uint8Array): Secret {
  return new Secret(Buffer.from(bytes).toString("latin1"));
}

/**
 * A new random signing key: 64 characters of base64url (384 bits) as the key file's content. Printable ASCII never
 * contains a NUL and never unscrambles to one, so HTCondor reads the whole key.
 */
export function createSigningKey(): Secret {
  return new Secret(randomBytes(48).toString("base64url"));
}

/**
 * The key file that makes a pool password (as typed to `condor_store_cred add -c`) HTCondor's POOL key: the
 * password scrambled. The pool password is also the IDTOKENS signing key for key id POOL.
 */
export function signingKeyFromPoolPassword(password: Secret): Secret {
  const bytes = Buffer.from(password.reveal(), "utf8");
  if (bytes.length === 0) throw new CondorSigningKeyError("The pool password is empty.");
  if (bytes.includes(0)) throw new CondorSigningKeyError("The pool password contains a NUL character.");
  return readSigningKeyFile(scrambleBytes(bytes));
}

/** The password HTCondor derives from a key file (truncated at NULs as HTCondor does). */
function effectivePassword(fileBytes: Uint8Array): Uint8Array {
  let n = fileBytes.indexOf(0);
  if (n < 0) n = fileBytes.length;
  const pw = scrambleBytes(fileBytes.subarray(0, n));
  let m = pw.indexOf(0);
  if (m < 0) m = pw.length;
  return pw.subarray(0, m);
}

/** HKDF-derived JWT key for a key file and key id, exactly as HTCondor computes it. */
export function deriveTokenKey(signingKey: Secret, keyId = "POOL"): Uint8Array {
  const pw = effectivePassword(signingKeyFileBytes(signingKey));
  if (pw.length === 0) {
    throw new CondorSigningKeyError(
      "The signing key is empty as HTCondor reads it (it starts with a NUL byte after unscrambling).",
    );
  }
  const ikm = keyId === "POOL" ? Buffer.concat([pw, pw]) : Buffer.from(pw);
  return new Uint8Array(hkdfSync("sha256", ikm, Buffer.from("htcondor"), Buffer.from("master jwt"), 32));
}

/** Options of {@link mintToken}. */
export interface MintTokenOptions {
  /** The pool's signing key (key file content), e.g. from {@link createSigningKey}. */
  signingKey: Secret;
  /** Key id (`kid`): the key's file name in SEC_PASSWORD_DIRECTORY; default POOL. */
  keyId?: string;
  /** The issuer: the pool's TRUST_DOMAIN. Daemons only offer a token to a server of the same trust domain. */
  issuer: string;
  /** The identity, `user@domain` (conventionally `<name>@<trust domain>`). */
  subject: string;
  /** The only authorization levels the token may be used for (its `scope`). At least one. */
  authorizations: readonly TokenAuthorization[];
  /** Lifetime from `issuedAt`, in seconds; default: no expiry (like condor_token_create without -lifetime). */
  lifetimeSeconds?: number;
  /** Issue time, Unix seconds; default now. */
  issuedAt?: number;
  /** Token id (`jti`); default 32 random hex digits. */
  id?: string;
}

const WORD = /^[^\s,]+$/;

function b64url(s: string | Uint8Array): string {
  return Buffer.from(s).toString("base64url");
}

/**
 * Mints an IDTOKEN signed with the pool's key, accepted by HTCondor daemons of that trust domain. The token is a
 * {@link Secret}: write it to a file in SEC_TOKEN_DIRECTORY, never print it.
 */
export function mintToken(options: MintTokenOptions): Secret {
  const keyId = options.keyId ?? "POOL";
  if (!/^[A-Za-z0-9_.-]+$/.test(keyId))
    throw new CondorTokenError(`key id ${JSON.stringify(keyId)} is not a file name`);
  if (!WORD.test(options.issuer))
    throw new CondorTokenError("the issuer must be one word (the pool's TRUST_DOMAIN)");
  if (!/^[^\s@,]+@[^\s@,]+$/.test(options.subject)) {
    throw new CondorTokenError(`the subject must be user@domain, got ${JSON.stringify(options.subject)}`);
  }
  if (options.authorizations.length === 0) {
    throw new CondorTokenError(
      "a token needs at least one authorization (a token without scope may do anything)",
    );
  }
  for (const a of options.authorizations) {
    if (!(TOKEN_AUTHORIZATIONS as readonly string[]).includes(a)) {
      throw new CondorTokenError(
        `unknown authorization ${JSON.stringify(a)} (known: ${TOKEN_AUTHORIZATIONS.join(", ")})`,
      );
    }
  }
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  if (!Number.isInteger(iat) || iat < 0)
    throw new CondorTokenError("issuedAt must be a whole number of seconds");
  const claims: Record<string, string | number> = {};
  if (options.lifetimeSeconds !== undefined) {
    if (!Number.isInteger(options.lifetimeSeconds) || options.lifetimeSeconds < 0) {
      throw new CondorTokenError("lifetimeSeconds must be a whole number of seconds, 0 or more");
    }
    claims.exp = iat + options.lifetimeSeconds;
  }
  claims.iat = iat;
  claims.iss = options.issuer;
  claims.jti = options.id ?? randomBytes(16).toString("hex");
  claims.scope = [...new Set(options.authorizations)].map((a) => SCOPE_PREFIX + a).join(" ");
  claims.sub = options.subject;
  const header = b64url(JSON.stringify({ alg: "HS256", kid: keyId }));
  const payload = b64url(JSON.stringify(claims));
  const key = deriveTokenKey(options.signingKey, keyId);
  const signature = createHmac("sha256", key).update(`${header}.${payload}`).digest("base64url");
  return new Secret(`${header}.${payload}.${signature}`);
}

/** The claims of an IDTOKEN. */
export interface TokenClaims {
  algorithm: string;
  keyId: string;
  issuer: string;
  subject: string;
  /** The scope's authorization levels; empty when the token has no scope (then it is limited only by ALLOW lists). */
  authorizations: string[];
  issuedAt: number | undefined;
  expiresAt: number | undefined;
  id: string | undefined;
  /** Every claim of the payload. */
  payload: Record<string, unknown>;
}

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new CondorTokenError(`the ${what} is not base64url-encoded JSON`);
}

function tokenText(token: Secret | string): string {
  const text = (typeof token === "string" ? token : token.reveal()).trim();
  // token files may hold comments and blank lines; HTCondor takes the first token line
  const line = text
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  return line ?? "";
}

/** Decodes a token without checking its signature (for diagnostics; never trust the result). */
export function decodeToken(token: Secret | string): TokenClaims {
  const parts = tokenText(token).split(".");
  if (parts.length !== 3)
    throw new CondorTokenError("a token has three dot-separated parts (header.payload.signature)");
  const header = decodePart(parts[0] ?? "", "header");
  const payload = decodePart(parts[1] ?? "", "payload");
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const num = (v: unknown) => (typeof v === "number" ? v : undefined);
  const scope = str(payload.scope);
  return {
    algorithm: str(header.alg) ?? "",
    keyId: str(header.kid) ?? "",
    issuer: str(payload.iss) ?? "",
    subject: str(payload.sub) ?? "",
    authorizations: scope
      ? scope
          .split(/\s+/)
          .filter((s) => s.startsWith(SCOPE_PREFIX))
          .map((s) => s.slice(SCOPE_PREFIX.length))
      : [],
    issuedAt: num(payload.iat),
    expiresAt: num(payload.exp),
    id: str(payload.jti),
    payload,
  };
}

/** Options of {@link verifyToken}. */
export interface VerifyTokenOptions {
  /** Unix seconds to check expiry against; default now. */
  now?: number;
  /** Require this issuer (the server's TRUST_DOMAIN). */
  issuer?: string;
}

const HMAC_ALGORITHMS: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/**
 * Checks a token the way an HTCondor server does: a known key id, an HMAC signature made with the key derived from
 * `signingKey`, not expired; and, when asked, the issuer. Returns the claims, or throws {@link CondorTokenError}
 * saying what failed. Works for tokens made by `condor_token_create` as well as by {@link mintToken}.
 */
export function verifyToken(
  token: Secret | string,
  signingKey: Secret,
  options: VerifyTokenOptions = {},
): TokenClaims {
  const text = tokenText(token);
  const claims = decodeToken(text);
  const hash = HMAC_ALGORITHMS[claims.algorithm];
  if (!hash)
    throw new CondorTokenError(
      `unsupported algorithm ${JSON.stringify(claims.algorithm)} (HTCondor signs HS256)`,
    );
  if (!claims.keyId) throw new CondorTokenError("the token has no key id (kid); HTCondor rejects it");
  const [header = "", payload = "", signature = ""] = text.split(".");
  const expected = createHmac(hash, deriveTokenKey(signingKey, claims.keyId))
    .update(`${header}.${payload}`)
    .digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new CondorTokenError(`the signature does not match key ${claims.keyId} (signed with another key?)`);
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (claims.expiresAt !== undefined && now > claims.expiresAt) {
    throw new CondorTokenError(`the token expired ${now - claims.expiresAt} s ago`);
  }
  if (options.issuer !== undefined && claims.issuer !== options.issuer) {
    throw new CondorTokenError(`the issuer is ${claims.issuer}, not ${options.issuer}`);
  }
  if (!claims.subject) throw new CondorTokenError("the token has no subject");
  return claims;
}

/** Roles a token can be minted for: the daemon roles and an administrator identity for tools. */
export type TokenRole = CondorRole | "admin";

/*
 * Found by running a pool (central manager, submit node, executor behind CCB, each its own condor_master with only
 * its token) in the 23.9.6 rootfs, submitting a job and draining the executor; every level below was needed, and
 * the logs showed no PERMISSION DENIED:
 * - daemons of one master talk to each other over the master's family session (condor@child), so no token needs
 *   DAEMON for that;
 * - the schedd claims and activates slots with the claim's own security session (match password), not its token,
 *   and asks the collector's CCB at READ; the startd registers with CCB at ADVERTISE_STARTD (CCB_REGISTER accepts
 *   the ADVERTISE_* levels as well as DAEMON);
 * - condor_drain and condor_off -peaceful need ADMINISTRATOR on the startd and master, and READ to find them.
 */
const ROLE_AUTHORIZATIONS: Record<TokenRole, readonly TokenAuthorization[]> = {
  execute: ["READ", "ADVERTISE_STARTD", "ADVERTISE_MASTER"],
  submit: ["READ", "ADVERTISE_SCHEDD", "ADVERTISE_MASTER"],
  "central-manager": ["READ", "NEGOTIATOR", "ADVERTISE_MASTER"],
  personal: ["READ", "NEGOTIATOR", "ADVERTISE_MASTER", "ADVERTISE_STARTD", "ADVERTISE_SCHEDD"],
  admin: ["READ", "ADMINISTRATOR"],
};

/** The narrowest set of authorizations a token for `role` needs (see the table's comments for why each is there). */
export function roleAuthorizations(role: TokenRole): TokenAuthorization[] {
  const a = ROLE_AUTHORIZATIONS[role];
  if (!a) throw new CondorTokenError(`unknown role ${JSON.stringify(role)}`);
  return [...a];
}
