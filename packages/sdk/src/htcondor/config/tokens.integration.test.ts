// IDTOKENS minted by the SDK against the real HTCondor 23.9.6 of the provisioned rootfs (BSAAS_HTCONDOR_ROOTFS):
// condor_token_list decodes them, condor_token_create's tokens verify with the SDK, and a condor_collector started
// from a generated configuration accepts the SDK's tokens, enforces their authorizations, and refuses tokens signed
// with another key or issued by another trust domain. Without the rootfs these tests fail and say how to provision.
import { chownSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freeLoopbackPort,
  RootfsDaemon,
  requireCondorRootfs,
  rootfsUser,
  runInRootfs,
  Scratch,
  waitFor,
} from "../../../test/support/rootfs.js";
import type { Secret } from "../../secret.js";
import { renderCondorConfig } from "./render.js";
import { secretFiles, writeSecretFiles } from "./secrets.js";
import { createSigningKey, decodeToken, mintToken, roleAuthorizations, verifyToken } from "./tokens.js";

const TD = "tokens.bsaas.test";
let rootfs: string;
let scratch: Scratch;
let collector: RootfsDaemon | undefined;
let port: number;
const signingKey = createSigningKey();

/** Writes a token into its own directory (inside the rootfs) and returns a client config that uses only it. */
function clientWith(name: string, token: Secret): string {
  const dir = join(scratch.inside, "clients", name);
  writeSecretFiles(
    [
      {
        path: join(dir, "tokens.d", "token"),
        content: token,
        encoding: "utf8",
        mode: 0o600,
        description: name,
      },
    ],
    { root: rootfs },
  );
  mkdirSync(scratch.host(join(dir, "no-keys")), { recursive: true, mode: 0o700 });
  return scratch.write(
    `client-${name}.conf`,
    [
      "include : /etc/condor/condor_config",
      "LOCAL_CONFIG_DIR =",
      `COLLECTOR_HOST = 127.0.0.1:${port}`,
      `SEC_TOKEN_DIRECTORY = ${dir}/tokens.d`,
      // no signing key here, so the client cannot mint its own token; and no FS, which would work locally
      `SEC_PASSWORD_DIRECTORY = ${dir}/no-keys`,
      "SEC_CLIENT_AUTHENTICATION_METHODS = IDTOKENS",
      "USE_SHARED_PORT = False",
      "",
    ].join("\n"),
  );
}

/** condor_ping's table: authorization level -> identity it was granted as, or "FAIL". */
async function ping(clientConfig: string, levels: string[]): Promise<Record<string, string>> {
  const r = await runInRootfs(
    rootfs,
    ["condor_ping", "-type", "collector", "-addr", `<127.0.0.1:${port}>`, "-table", ...levels],
    { env: { CONDOR_CONFIG: clientConfig } },
  );
  const out: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const cols = line.trim().split(/\s+/);
    const level = cols[0] ?? "";
    if (!levels.includes(level)) continue;
    out[level] = cols[4] === "ALLOW" ? `${cols[1]} ${cols[5]}` : "FAIL";
  }
  return out;
}

const token = (
  subject: string,
  options: { key?: Secret; issuer?: string; role?: "execute" | "admin" } = {},
) =>
  mintToken({
    signingKey: options.key ?? signingKey,
    issuer: options.issuer ?? TD,
    subject,
    authorizations: roleAuthorizations(options.role ?? "execute"),
  });

beforeAll(async () => {
  rootfs = requireCondorRootfs();
  scratch = new Scratch(rootfs, "tokens");
  port = await freeLoopbackPort();
  const condor = rootfsUser(rootfs, "condor");
  const localDir = join(scratch.inside, "cm");
  for (const sub of ["", "log", "spool", "lock", "run", "execute"]) {
    mkdirSync(scratch.host(join(localDir, sub)), { recursive: true });
    chownSync(scratch.host(join(localDir, sub)), condor.uid, condor.gid);
  }
  const input = {
    role: "central-manager",
    centralManager: `127.0.0.1:${port}`,
    localDir,
    sharedPort: { enabled: false },
    network: { bindAddress: "127.0.0.1" },
    security: { mode: "idtokens", trustDomain: TD, signingKey },
  } as const;
  writeSecretFiles(secretFiles(input), { root: rootfs });
  const config = scratch.write("collector.conf", renderCondorConfig(input));
  collector = new RootfsDaemon(
    rootfs,
    ["condor_collector", "-f", "-p", String(port)],
    { CONDOR_CONFIG: config },
    false,
  );
  const admin = clientWith("admin-ready", token(`admin@${TD}`, { role: "admin" }));
  await waitFor(
    `the collector on 127.0.0.1:${port} to answer an authenticated READ`,
    async () => (await ping(admin, ["READ"])).READ === `IDTOKENS admin@${TD}`,
    60_000,
  );
}, 90_000);

afterAll(async () => {
  await collector?.stop();
  scratch?.remove();
});

describe("SDK tokens and HTCondor's token tools", () => {
  it("condor_token_list decodes a minted token", async () => {
    const t = mintToken({
      signingKey,
      issuer: TD,
      subject: `exec1@${TD}`,
      authorizations: ["READ", "ADVERTISE_STARTD"],
      lifetimeSeconds: 3600,
    });
    const client = clientWith("list", t);
    const dir = join(scratch.inside, "clients", "list", "tokens.d");
    const r = await runInRootfs(rootfs, ["condor_token_list", "-dir", dir], {
      env: { CONDOR_CONFIG: client },
    });
    expect(r.code).toBe(0);
    const payload = /Payload: (\{.*\}) File:/.exec(r.stdout)?.[1] ?? "";
    expect(JSON.parse(payload)).toMatchObject({
      iss: TD,
      sub: `exec1@${TD}`,
      scope: "condor:/READ condor:/ADVERTISE_STARTD",
      jti: decodeToken(t).id,
    });
    expect(r.stdout).toContain('Header: {"alg":"HS256","kid":"POOL"}');
  });

  it("verifies tokens condor_token_create makes with the SDK's key (POOL and a named key)", async () => {
    const keys = join(scratch.inside, "create", "passwords.d");
    writeSecretFiles(
      [
        {
          path: join(keys, "POOL"),
          content: signingKey,
          encoding: "binary",
          mode: 0o600,
          description: "key",
        },
        {
          path: join(keys, "SITEB"),
          content: createSigningKey(),
          encoding: "binary",
          mode: 0o600,
          description: "key",
        },
      ],
      { root: rootfs },
    );
    const config = scratch.write(
      "create.conf",
      `include : /etc/condor/condor_config\nLOCAL_CONFIG_DIR =\nSEC_PASSWORD_DIRECTORY = ${keys}\nTRUST_DOMAIN = ${TD}\n`,
    );
    const r = await runInRootfs(
      rootfs,
      [
        "condor_token_create",
        "-identity",
        `carol@${TD}`,
        "-authz",
        "READ",
        "-authz",
        "ADVERTISE_SCHEDD",
        "-lifetime",
        "600",
      ],
      { env: { CONDOR_CONFIG: config } },
    );
    expect(r.code).toBe(0);
    const claims = verifyToken(r.stdout.trim(), signingKey, { issuer: TD });
    expect(claims).toMatchObject({
      keyId: "POOL",
      subject: `carol@${TD}`,
      authorizations: ["READ", "ADVERTISE_SCHEDD"],
    });
    expect(() => verifyToken(r.stdout.trim(), createSigningKey())).toThrow(/signature/);

    const named = await runInRootfs(
      rootfs,
      ["condor_token_create", "-identity", `dave@${TD}`, "-key", "SITEB"],
      {
        env: { CONDOR_CONFIG: config },
      },
    );
    expect(named.code).toBe(0);
    // signed with SITEB, not with the POOL key
    expect(decodeToken(named.stdout.trim()).keyId).toBe("SITEB");
    expect(() => verifyToken(named.stdout.trim(), signingKey)).toThrow(/signature/);
  });
});

describe("a collector with IDTOKENS required", () => {
  it("accepts a minted token for exactly the authorizations it carries", async () => {
    const client = clientWith("exec-good", token(`exec1@${TD}`));
    expect(
      await ping(client, [
        "READ",
        "ADVERTISE_STARTD",
        "ADVERTISE_MASTER",
        "WRITE",
        "DAEMON",
        "ADMINISTRATOR",
      ]),
    ).toEqual({
      READ: `IDTOKENS exec1@${TD}`,
      ADVERTISE_STARTD: `IDTOKENS exec1@${TD}`,
      ADVERTISE_MASTER: `IDTOKENS exec1@${TD}`,
      WRITE: "FAIL",
      DAEMON: "FAIL",
      ADMINISTRATOR: "FAIL",
    });
  });

  it("refuses a token signed with another key, and one issued by another trust domain", async () => {
    const wrongKey = clientWith("exec-wrong-key", token(`exec1@${TD}`, { key: createSigningKey() }));
    expect(await ping(wrongKey, ["READ", "ADVERTISE_STARTD"])).toEqual({
      READ: "FAIL",
      ADVERTISE_STARTD: "FAIL",
    });
    const otherDomain = clientWith(
      "exec-other-td",
      token("exec1@elsewhere.test", { issuer: "elsewhere.test" }),
    );
    expect(await ping(otherDomain, ["READ"])).toEqual({ READ: "FAIL" });
  });

  it("takes a startd ad advertised with the execute token, not with a forged one", async () => {
    const adFile = (name: string) =>
      scratch.write(
        `${name}.ad`,
        [
          'MyType = "Machine"',
          `Name = "${name}"`,
          'Machine = "fake.bsaas.test"',
          'MyAddress = "<127.0.0.1:9?noUDP>"',
          'StartdIpAddr = "<127.0.0.1:9?noUDP>"',
          "Cpus = 1",
          "Memory = 64",
          'State = "Unclaimed"',
          'Activity = "Idle"',
          "",
        ].join("\n"),
      );
    const good = clientWith("adv-good", token(`exec2@${TD}`));
    const forged = clientWith("adv-forged", token(`exec3@${TD}`, { key: createSigningKey() }));
    const admin = clientWith("admin", token(`admin@${TD}`, { role: "admin" }));
    await runInRootfs(rootfs, ["condor_advertise", "UPDATE_STARTD_AD", adFile("slot1@forged")], {
      env: { CONDOR_CONFIG: forged },
    });
    const ok = await runInRootfs(rootfs, ["condor_advertise", "UPDATE_STARTD_AD", adFile("slot1@good")], {
      env: { CONDOR_CONFIG: good },
    });
    expect(ok.code).toBe(0);
    let names: string[] = [];
    await waitFor("the advertised ad in condor_status", async () => {
      const r = await runInRootfs(rootfs, ["condor_status", "-af", "Name"], {
        env: { CONDOR_CONFIG: admin },
      });
      names = r.stdout.split("\n").filter((l) => l !== "");
      return names.includes("slot1@good");
    });
    expect(names).not.toContain("slot1@forged");
  });
});
