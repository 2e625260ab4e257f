import { createHmac } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret } from "../../secret.js";
import { CondorSigningKeyError, CondorTokenError } from "./errors.js";
import {
  createSigningKey,
  decodeToken,
  deriveTokenKey,
  mintToken,
  readSigningKeyFile,
  roleAuthorizations,
  scrambleBytes,
  signingKeyFileBytes,
  signingKeyFromPoolPassword,
  verifyToken,
} from "./tokens.js";

// Recorded from the 23.9.6 rootfs: `condor_token_create -identity alice@pool.example -authz READ
// -authz ADVERTISE_STARTD -lifetime 3600` with a POOL key file holding "testkey-ABCdef0123456789" scrambled, and
// `condor_token_create -identity bob@pool.example -key SITEB` with a SITEB key file holding "otherkey-XYZ".
const CONDOR_POOL_TOKEN =
  "eyJhbGciOiJIUzI1NiIsImtpZCI6IlBPT0wifQ.eyJleHAiOjE3OTU1NTk3NjIsImlhdCI6MTc5NTU1NjE2MiwiaXNzIjoicG9vbC5leGFtcGxlIiwianRpIjoiZGIxY2UwYzA3MWNlNzNhMzFmZTY3NzJkNjk5NTMzNWIiLCJzY29wZSI6ImNvbmRvcjpcL1JFQUQgY29uZG9yOlwvQURWRVJUSVNFX1NUQVJURCIsInN1YiI6ImFsaWNlQHBvb2wuZXhhbXBsZSJ9.gxDa26Yp68SAqF7RpvaAT4FUOGXcgjU4OSCAXr3cbh4";
const CONDOR_NAMED_TOKEN =
  "eyJhbGciOiJIUzI1NiIsImtpZCI6IlNJVEVCIn0.eyJpYXQiOjE3OTU1NTYxNzEsImlzcyI6InBvb2wuZXhhbXBsZSIsImp0aSI6ImFjZTJlMDUzZWI0N2Y1YTM1MWQ4NmUzNTBkZDMwZjUzIiwic3ViIjoiYm9iQHBvb2wuZXhhbXBsZSJ9.vQjN5Zm9VRPhiJBz3Ez7k8Wsj6KIb_cs8GekZK1XUpY";

const keyFile = (password: string) => readSigningKeyFile(scrambleBytes(Buffer.from(password)));

describe("signing keys", () => {
  it("creates random printable keys that HTCondor reads whole", () => {
    const a = createSigningKey();
    const b = createSigningKey();
    expect(a.reveal()).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(a.reveal()).not.toBe(b.reveal());
    // no NUL in the file, and none after unscrambling: the whole key counts
    const bytes = signingKeyFileBytes(a);
    expect(bytes.includes(0)).toBe(false);
    expect(scrambleBytes(bytes).includes(0)).toBe(false);
  });

  it("never prints the key", () => {
    const key = createSigningKey();
    expect(JSON.stringify({ key })).toBe('{"key":"[redacted]"}');
    expect(inspect(key)).not.toContain(key.reveal());
  });

  it("scrambles with DE AD BE EF and is its own inverse", () => {
    expect([...scrambleBytes(Uint8Array.from([0, 0, 0, 0, 0x41]))]).toEqual([
      0xde,
      0xad,
      0xbe,
      0xef,
      0x41 ^ 0xde,
    ]);
    const data = Uint8Array.from([1, 2, 3, 250, 7]);
    expect([...scrambleBytes(scrambleBytes(data))]).toEqual([...data]);
  });

  it("turns a pool password into the POOL key file condor_store_cred would write", () => {
    const file = signingKeyFromPoolPassword(new Secret("s3cret"));
    expect([...signingKeyFileBytes(file)]).toEqual([...scrambleBytes(Buffer.from("s3cret"))]);
    expect(() => signingKeyFromPoolPassword(new Secret(""))).toThrow(CondorSigningKeyError);
  });

  it("derives the JWT key like HTCondor: the POOL password doubled, named keys once", () => {
    const pool = deriveTokenKey(keyFile("abc"), "POOL");
    const named = deriveTokenKey(keyFile("abc"), "OTHER");
    expect(Buffer.from(pool)).not.toEqual(Buffer.from(named));
    expect(Buffer.from(deriveTokenKey(keyFile("abcabc"), "OTHER"))).toEqual(Buffer.from(pool));
  });

  it("stops at a NUL the way HTCondor's C strings do", () => {
    const withNul = readSigningKeyFile(
      Uint8Array.from([...scrambleBytes(Buffer.from("abc")), 0, 0x41, 0x42]),
    );
    expect(Buffer.from(deriveTokenKey(withNul))).toEqual(Buffer.from(deriveTokenKey(keyFile("abc"))));
    expect(() => deriveTokenKey(readSigningKeyFile(Uint8Array.from([0, 1])))).toThrow(CondorSigningKeyError);
    expect(() => signingKeyFileBytes(new Secret("ключ"))).toThrow(CondorSigningKeyError);
  });
});

describe("tokens made by condor_token_create (recorded vectors)", () => {
  it("verifies a POOL token and reads its claims", () => {
    const claims = verifyToken(CONDOR_POOL_TOKEN, keyFile("testkey-ABCdef0123456789"), { now: 1795556200 });
    expect(claims).toMatchObject({
      algorithm: "HS256",
      keyId: "POOL",
      issuer: "pool.example",
      subject: "alice@pool.example",
      authorizations: ["READ", "ADVERTISE_STARTD"],
      issuedAt: 1795556162,
      expiresAt: 1795559762,
    });
  });

  it("verifies a token signed with a named key", () => {
    const claims = verifyToken(CONDOR_NAMED_TOKEN, keyFile("otherkey-XYZ"), { now: 1795556200 });
    expect(claims).toMatchObject({ keyId: "SITEB", subject: "bob@pool.example", authorizations: [] });
  });

  it("refuses a wrong key, an expired token and another issuer", () => {
    expect(() => verifyToken(CONDOR_POOL_TOKEN, keyFile("other"), { now: 1795556200 })).toThrow(/signature/);
    expect(() =>
      verifyToken(CONDOR_POOL_TOKEN, keyFile("testkey-ABCdef0123456789"), { now: 1795559763 }),
    ).toThrow(/expired/);
    expect(() =>
      verifyToken(CONDOR_POOL_TOKEN, keyFile("testkey-ABCdef0123456789"), { now: 1795556200, issuer: "x" }),
    ).toThrow(/issuer/);
  });

  it("rejects garbage with a reason", () => {
    expect(() => decodeToken("a.b")).toThrow(CondorTokenError);
    expect(() => decodeToken("!!.e30.x")).toThrow(/header/);
  });
});

describe("mintToken", () => {
  const signingKey = createSigningKey();

  it("mints a token its own verifier accepts, with HTCondor's claims", () => {
    const token = mintToken({
      signingKey,
      issuer: "pool.example",
      subject: "exec1@pool.example",
      authorizations: roleAuthorizations("execute"),
      issuedAt: 1_700_000_000,
      lifetimeSeconds: 600,
      id: "00112233445566778899aabbccddeeff",
    });
    expect(String(token)).toBe("[redacted]");
    const [header = ""] = token.reveal().split(".");
    expect(JSON.parse(Buffer.from(header, "base64url").toString())).toEqual({ alg: "HS256", kid: "POOL" });
    const claims = verifyToken(token, signingKey, { now: 1_700_000_100, issuer: "pool.example" });
    expect(claims.payload).toEqual({
      exp: 1_700_000_600,
      iat: 1_700_000_000,
      iss: "pool.example",
      jti: "00112233445566778899aabbccddeeff",
      scope: "condor:/READ condor:/ADVERTISE_STARTD condor:/ADVERTISE_MASTER",
      sub: "exec1@pool.example",
    });
  });

  it("signs named keys without doubling, matching condor_token_create", () => {
    // Re-sign the recorded SITEB claims: the signature must come out as HTCondor's.
    const recorded = decodeToken(CONDOR_NAMED_TOKEN);
    const [h = "", p = "", sig = ""] = CONDOR_NAMED_TOKEN.split(".");
    const ours = createHmac("sha256", deriveTokenKey(keyFile("otherkey-XYZ"), recorded.keyId))
      .update(`${h}.${p}`)
      .digest("base64url");
    expect(ours).toBe(sig);
  });

  it("validates its input", () => {
    const base = {
      signingKey,
      issuer: "pool.example",
      subject: "a@pool.example",
      authorizations: ["READ"] as const,
    };
    expect(() => mintToken({ ...base, subject: "nobody" })).toThrow(/user@domain/);
    expect(() => mintToken({ ...base, authorizations: [] })).toThrow(/at least one/);
    expect(() => mintToken({ ...base, issuer: "two words" })).toThrow(/issuer/);
    expect(() => mintToken({ ...base, keyId: "../x" })).toThrow(/key id/);
    // @ts-expect-error not an HTCondor authorization level
    expect(() => mintToken({ ...base, authorizations: ["ROOT"] })).toThrow(/unknown authorization/);
  });

  it("gives each role the narrowest authorizations", () => {
    expect(roleAuthorizations("execute")).toEqual(["READ", "ADVERTISE_STARTD", "ADVERTISE_MASTER"]);
    expect(roleAuthorizations("submit")).toEqual(["READ", "ADVERTISE_SCHEDD", "ADVERTISE_MASTER"]);
    expect(roleAuthorizations("central-manager")).toEqual(["READ", "NEGOTIATOR", "ADVERTISE_MASTER"]);
    expect(roleAuthorizations("admin")).toEqual(["READ", "ADMINISTRATOR"]);
    for (const role of ["execute", "submit", "central-manager", "admin"] as const) {
      expect(roleAuthorizations(role)).not.toContain("DAEMON");
    }
  });
});
