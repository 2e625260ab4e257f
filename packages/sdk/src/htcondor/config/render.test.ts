import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Secret } from "../../secret.js";
import { CondorConfigInputError } from "./errors.js";
import type { CondorConfigInput } from "./model.js";
import { parseCondorConfig } from "./parser.js";
import { buildConfigPlan, condorEnvironment, renderCondorConfig } from "./render.js";
import { secretFiles, writeSecretFiles } from "./secrets.js";
import {
  createSigningKey,
  mintToken,
  roleAuthorizations,
  scrambleBytes,
  signingKeyFileBytes,
} from "./tokens.js";

const SYSTEM = "RELEASE_DIR = /usr\nETC = /etc/condor\n";
/** Reads a generated file back, with a stand-in system configuration for the include. */
const readBack = (text: string) =>
  parseCondorConfig(text, {
    file: "generated.conf",
    read: (p) => (p === "/etc/condor/condor_config" ? SYSTEM : undefined),
    defaults: { FULL_HOSTNAME: "node.example", UID_DOMAIN: "node.example" },
  });

function inputError(input: unknown): CondorConfigInputError {
  try {
    renderCondorConfig(input as CondorConfigInput);
  } catch (e) {
    if (e instanceof CondorConfigInputError) return e;
    throw e;
  }
  throw new Error("expected a CondorConfigInputError");
}

const execute: CondorConfigInput = {
  role: "execute",
  centralManager: "cm.example.org:9618",
  name: "exec1",
  security: { mode: "idtokens", trustDomain: "pool.example" },
};

describe("renderCondorConfig per role", () => {
  it("central manager: role, its own address, the collector's ALLOW lists", () => {
    const text = renderCondorConfig({ role: "central-manager", centralManager: "cm.example.org" });
    const c = readBack(text);
    expect(text).toMatch(/^# HTCondor configuration for a central-manager instance/);
    expect(text).toContain("include : /etc/condor/condor_config\n");
    expect(text).toContain("use ROLE : CentralManager\n");
    expect(c.get("DAEMON_LIST")).toBe("MASTER COLLECTOR NEGOTIATOR");
    expect(c.get("CONDOR_HOST")).toBe("cm.example.org");
    expect(c.get("COLLECTOR_HOST")).toBe("cm.example.org");
    expect(c.get("TRUST_DOMAIN")).toBe("cm.example.org");
    expect(c.get("ALLOW_ADVERTISE_STARTD")).toBe("*@cm.example.org condor@node.example");
    expect(c.get("ALLOW_ADMINISTRATOR")).toBe("*@cm.example.org condor@node.example");
    expect(c.get("MAXJOBRETIREMENTTIME")).toBeUndefined();
  });

  it("central manager on a non-default shared port: COLLECTOR_HOST without ?sock=, SHARED_PORT_PORT", () => {
    const c = readBack(
      renderCondorConfig({
        role: "central-manager",
        centralManager: "10.0.0.1:11000?sock=collector",
        sharedPort: { port: 11000 },
      }),
    );
    expect(c.get("COLLECTOR_HOST")).toBe("10.0.0.1:11000");
    expect(c.get("SHARED_PORT_PORT")).toBe("11000");
    expect(
      inputError({ role: "central-manager", centralManager: "10.0.0.1:11000", sharedPort: { port: 12000 } })
        .field,
    ).toBe("centralManager");
  });

  it("submit: schedd name, collector address as given, FS submitters may WRITE", () => {
    const c = readBack(
      renderCondorConfig({
        role: "submit",
        centralManager: "cm.example.org:11000?sock=collector",
        name: "ap1",
        security: { mode: "idtokens", trustDomain: "pool.example" },
      }),
    );
    expect(c.get("DAEMON_LIST")).toBe("MASTER SCHEDD");
    expect(c.get("SCHEDD_NAME")).toBe("ap1");
    expect(c.get("MASTER_NAME")).toBe("ap1");
    expect(c.get("STARTD_NAME")).toBeUndefined();
    expect(c.get("COLLECTOR_HOST")).toBe("cm.example.org:11000?sock=collector");
    expect(c.get("ALLOW_WRITE")).toBe("*@node.example *@pool.example");
    expect(c.get("ALLOW_NEGOTIATOR")).toBe("*@pool.example condor@node.example");
  });

  it("execute: partitionable slot, resources, site, retirement, CCB and NAT knobs", () => {
    const text = renderCondorConfig({
      ...execute,
      localDir: "/var/lib/bsaas/exec1",
      sharedPort: { port: 31001 },
      ccb: "collector",
      privateNetworkName: "site-a",
      tcpForwardingHost: "203.0.113.5",
      network: {
        noDns: true,
        defaultDomainName: "pool.local",
        bindAddress: "10.1.2.3",
        lowPort: 31024,
        highPort: 32048,
      },
      resources: { cpus: 4, memoryMb: 8192, diskMb: 1000 },
      site: "INFN-BARI",
      startdAttrs: { HasDocker: "True" },
      container: true,
      sandboxCompat: true,
      raw: { NEGOTIATOR_INTERVAL: "5", "STARTD.UPDATE_INTERVAL": "30" },
    });
    expect(text).toContain("use FEATURE : PartitionableSlot(1, 100%)\n");
    const c = readBack(text);
    const get = (n: string) => c.get(n);
    expect(get("DAEMON_LIST")).toBe("MASTER STARTD");
    expect([get("NUM_SLOTS_TYPE_1"), get("SLOT_TYPE_1_PARTITIONABLE"), get("SLOT_TYPE_1")]).toEqual([
      "1",
      "true",
      "100%",
    ]);
    expect([get("NUM_CPUS"), get("MEMORY"), get("DISK")]).toEqual(["4", "8192", "1024000"]);
    expect([get("Site"), get("IsContainer"), get("HasDocker")]).toEqual(['"INFN-BARI"', "True", "True"]);
    expect(get("STARTD_ATTRS")).toBe("Site IsContainer HasDocker");
    expect(get("MAXJOBRETIREMENTTIME")).toBe(String(7 * 24 * 3600));
    expect([get("LOG"), get("EXECUTE"), get("SPOOL"), get("LOCK"), get("RUN")]).toEqual(
      ["log", "execute", "spool", "lock", "run"].map((d) => `/var/lib/bsaas/exec1/${d}`),
    );
    expect(get("CCB_ADDRESS")).toBe("cm.example.org:9618");
    expect([get("PRIVATE_NETWORK_NAME"), get("TCP_FORWARDING_HOST")]).toEqual(["site-a", "203.0.113.5"]);
    expect([get("NO_DNS"), get("DEFAULT_DOMAIN_NAME"), get("NETWORK_INTERFACE")]).toEqual([
      "True",
      "pool.local",
      "10.1.2.3",
    ]);
    expect([get("LOWPORT"), get("HIGHPORT"), get("SHARED_PORT_PORT")]).toEqual(["31024", "32048", "31001"]);
    expect([get("MOUNT_UNDER_SCRATCH"), get("USE_PID_NAMESPACES"), get("ENABLE_KERNEL_TUNING")]).toEqual([
      "",
      "False",
      "False",
    ]);
    expect(c.get("UPDATE_INTERVAL", { subsystem: "startd" })).toBe("30");
    expect(get("SEC_TOKEN_DIRECTORY")).toBe("/var/lib/bsaas/exec1/tokens.d");
    expect(get("SEC_PASSWORD_DIRECTORY")).toBe("/var/lib/bsaas/exec1/passwords.d");
  });

  it("execute with an explicit CCB broker", () => {
    expect(
      readBack(renderCondorConfig({ ...execute, ccbAddress: "broker.example:9618" })).get("CCB_ADDRESS"),
    ).toBe("broker.example:9618");
    expect(readBack(renderCondorConfig({ ...execute, ccb: { address: "b2:1" } })).get("CCB_ADDRESS")).toBe(
      "b2:1",
    );
  });

  it("execute with static slots and a custom retirement", () => {
    const text = renderCondorConfig({
      ...execute,
      resources: { partitionable: false },
      retirement: { maxJobRetirementSeconds: 3600 },
    });
    expect(text).toContain("use FEATURE : StaticSlots\n");
    const c = readBack(text);
    expect(c.get("SLOT_TYPE_1_PARTITIONABLE")).toBe("false");
    expect(c.get("MAXJOBRETIREMENTTIME")).toBe("3600");
  });

  it("personal: every daemon, 127.0.0.1, no centralManager allowed", () => {
    const c = readBack(renderCondorConfig({ role: "personal", name: "me" }));
    expect(c.get("DAEMON_LIST")).toBe("MASTER COLLECTOR NEGOTIATOR STARTD SCHEDD");
    expect(c.get("CONDOR_HOST")).toBe("127.0.0.1");
    expect(c.get("TRUST_DOMAIN")).toBe("127.0.0.1");
    expect([c.get("STARTD_NAME"), c.get("SCHEDD_NAME")]).toEqual(["me", "me"]);
    expect(inputError({ role: "personal", centralManager: "x" }).field).toBe("centralManager");
  });

  it("skips or keeps the system config's local config dirs, and can leave the include out", () => {
    expect(renderCondorConfig(execute)).toMatch(/\nLOCAL_CONFIG_DIR =\nLOCAL_CONFIG_FILE =\n/);
    const keep = renderCondorConfig({
      ...execute,
      systemConfigDirs: "read",
      includeSystemConfig: "/opt/condor/etc/condor_config",
    });
    expect(keep).not.toContain("LOCAL_CONFIG_DIR");
    expect(keep).toContain("include : /opt/condor/etc/condor_config\n");
    expect(renderCondorConfig({ ...execute, includeSystemConfig: false })).not.toContain("include :");
  });
});

describe("security", () => {
  it("IDTOKENS is the default, authenticated, encrypted, no anonymous READ", () => {
    const c = readBack(renderCondorConfig({ role: "execute", centralManager: "cm.example.org" }));
    expect(c.get("SEC_DEFAULT_AUTHENTICATION_METHODS")).toBe("IDTOKENS, FS");
    for (const k of ["AUTHENTICATION", "ENCRYPTION", "INTEGRITY"]) {
      expect(c.get(`SEC_DEFAULT_${k}`)).toBe("REQUIRED");
      expect(c.get(`SEC_READ_${k}`)).toBe("REQUIRED");
    }
    expect(c.get("SEC_READ_AUTHENTICATION_METHODS")).not.toContain("ANONYMOUS");
    expect(c.get("ALLOW_READ")).toBe("*@cm.example.org *@node.example");
  });

  it("narrows ALLOW lists to the given identities and can allow anonymous READ", () => {
    const c = readBack(
      renderCondorConfig({
        role: "central-manager",
        centralManager: "cm.example.org",
        security: {
          mode: "idtokens",
          trustDomain: "pool.example",
          identities: {
            centralManager: ["cm@pool.example"],
            execute: ["exec*@pool.example"],
            submit: ["ap@pool.example"],
            admin: ["ops@pool.example"],
          },
          anonymousRead: true,
        },
      }),
    );
    expect(c.get("ALLOW_ADVERTISE_STARTD")).toBe("exec*@pool.example condor@node.example");
    expect(c.get("ALLOW_ADVERTISE_SCHEDD")).toBe("ap@pool.example condor@node.example");
    expect(c.get("ALLOW_ADVERTISE_MASTER")).toBe(
      "cm@pool.example ap@pool.example exec*@pool.example condor@node.example",
    );
    expect(c.get("ALLOW_NEGOTIATOR")).toBe("cm@pool.example condor@node.example");
    expect(c.get("ALLOW_ADMINISTRATOR")).toBe("ops@pool.example cm@pool.example condor@node.example");
    expect(c.get("ALLOW_READ")).toBe("*");
    expect(c.get("SEC_READ_AUTHENTICATION")).toBe("OPTIONAL");
    expect(c.get("SEC_CLIENT_AUTHENTICATION_METHODS")).toBe("IDTOKENS, FS, ANONYMOUS");
  });

  it("pool password: PASSWORD method, condor_pool identities, SEC_PASSWORD_FILE", () => {
    const password = new Secret("not-in-the-file");
    const input: CondorConfigInput = {
      role: "central-manager",
      centralManager: "cm.example.org",
      localDir: "/srv/cm",
      security: { mode: "pool-password", password },
    };
    const text = renderCondorConfig(input);
    expect(text).not.toContain("not-in-the-file");
    const c = readBack(text);
    expect(c.get("SEC_DEFAULT_AUTHENTICATION_METHODS")).toBe("PASSWORD, FS");
    expect(c.get("SEC_PASSWORD_FILE")).toBe("/srv/cm/passwords.d/POOL");
    expect(c.get("ALLOW_DAEMON")).toBe("condor_pool@* condor@node.example");
    const [file] = secretFiles(input);
    expect(file?.path).toBe("/srv/cm/passwords.d/POOL");
    expect([...signingKeyFileBytes(file?.content ?? new Secret(""))]).toEqual([
      ...scrambleBytes(Buffer.from("not-in-the-file")),
    ]);
  });

  it("none: everything allowed, with a warning in the file", () => {
    const text = renderCondorConfig({ ...execute, security: { mode: "none" } });
    expect(text).toContain("WARNING: no authentication");
    const c = readBack(text);
    expect(c.get("ALLOW_ADMINISTRATOR")).toBe("*");
    expect(c.get("SEC_DEFAULT_AUTHENTICATION")).toBe("OPTIONAL");
  });

  it("never writes a secret into the file or the environment", () => {
    const signingKey = createSigningKey();
    const token = mintToken({
      signingKey,
      issuer: "pool.example",
      subject: "x@pool.example",
      authorizations: ["READ"],
    });
    const input: CondorConfigInput = {
      ...execute,
      localDir: "/srv/x",
      security: { mode: "idtokens", trustDomain: "pool.example", signingKey, token },
    };
    const text = renderCondorConfig(input);
    const env = JSON.stringify(condorEnvironment(input));
    for (const s of [signingKey.reveal(), token.reveal()]) {
      expect(text).not.toContain(s);
      expect(env).not.toContain(s);
    }
  });
});

describe("condorEnvironment", () => {
  const full: CondorConfigInput = {
    ...execute,
    localDir: "/srv/exec1",
    ccb: "collector",
    site: "here",
    resources: { cpus: 2 },
    sandboxCompat: true,
    raw: { "STARTD.UPDATE_INTERVAL": "30" },
  };

  it("expands metaknobs and resolves self references; no include or LOCAL_CONFIG_*", () => {
    const env = condorEnvironment(full);
    expect(env._CONDOR_DAEMON_LIST).toBe("MASTER STARTD");
    expect(env._CONDOR_SLOT_TYPE_1).toBe("100%");
    expect(env._CONDOR_NUM_SLOTS_TYPE_1).toBe("1");
    expect(env._CONDOR_SLOT_TYPE_1_PARTITIONABLE).toBe("true");
    expect(env["_CONDOR_STARTD.UPDATE_INTERVAL"]).toBe("30");
    expect(env._CONDOR_LOG).toBe("$(LOCAL_DIR)/log");
    expect(env._CONDOR_MOUNT_UNDER_SCRATCH).toBe("");
    expect(Object.keys(env).some((k) => /LOCAL_CONFIG/.test(k))).toBe(false);
    for (const [k, v] of Object.entries(env)) {
      expect(k).toMatch(/^_CONDOR_[A-Za-z0-9_./]+$/);
      expect(v).not.toContain(`$(${k.slice(8)})`);
    }
  });

  it("gives the same values as the file form for every knob the file sets", () => {
    const fileForm = readBack(renderCondorConfig(full));
    const envForm = parseCondorConfig(SYSTEM, {
      env: condorEnvironment(full),
      defaults: { FULL_HOSTNAME: "node.example", UID_DOMAIN: "node.example" },
    });
    const names = fileForm.names().filter((n) => !/^(LOCAL_CONFIG_|RELEASE_DIR$|ETC$)/.test(n));
    expect(names.length).toBeGreaterThan(30);
    for (const n of names) {
      for (const subsystem of [undefined, "STARTD", "MASTER"]) {
        expect({ n, subsystem, v: envForm.get(n, { subsystem }) }).toEqual({
          n,
          subsystem,
          v: fileForm.get(n, { subsystem }),
        });
      }
    }
  });
});

describe("input validation", () => {
  it("names the offending field", () => {
    expect(inputError({ role: "execute" }).field).toBe("centralManager");
    expect(inputError({ centralManager: "x" }).field).toBe("role");
    expect(inputError({ ...execute, role: "worker" }).field).toBe("role");
    expect(inputError({ ...execute, centralManager: "cm:99999" }).field).toBe("centralManager");
    expect(inputError({ ...execute, centralManager: "bad host:1" }).field).toBe("centralManager");
    expect(inputError({ ...execute, network: { lowPort: 2000, highPort: 1000 } }).field).toBe(
      "network.highPort",
    );
    expect(inputError({ ...execute, network: { lowPort: 2000 } }).field).toBe("network.highPort");
    expect(inputError({ ...execute, network: { noDns: true } }).field).toBe("network.defaultDomainName");
    expect(inputError({ ...execute, site: 'a"b' }).field).toBe("site");
    expect(inputError({ ...execute, raw: { "BAD-NAME": "x" } }).field).toBe("raw.BAD-NAME");
    expect(inputError({ ...execute, raw: { OK: "line\nbreak" } }).field).toBe("raw.OK");
    expect(inputError({ ...execute, raw: { OK: "C:\\" } }).field).toBe("raw.OK");
    expect(inputError({ ...execute, localDir: "relative/dir" }).field).toBe("localDir");
    expect(inputError({ ...execute, security: { mode: "idtokens", token: "plain" } }).field).toBe(
      "security.token",
    );
    expect(inputError({ ...execute, security: { mode: "pool-password" } }).field).toBe("security.password");
    expect(inputError({ role: "submit", centralManager: "cm", site: "x" }).field).toBe("site");
    expect(inputError({ ...execute, startdAttrs: { Site: '"x"' } }).field).toBe("startdAttrs.Site");
    expect(inputError({ role: "central-manager", centralManager: "$(IP_ADDRESS)" }).field).toBe(
      "security.trustDomain",
    );
    expect(inputError({ ...execute, bogus: 1 }).message).toMatch(/bogus/);
    expect(inputError({ ...execute, ccb: "collector", ccbAddress: "broker:9618" }).field).toBe("ccbAddress");
  });

  it("lists every problem in one error", () => {
    const e = inputError({ role: "execute", network: { lowPort: 0 }, site: "" });
    expect(e.issues.length).toBeGreaterThanOrEqual(3);
    expect(e.message).toMatch(/^Invalid HTCondor role configuration \(\d+ problems\):\n/);
    expect(e.code).toBe("HTCONDOR_CONFIG_INVALID");
  });

  it("exposes the plan both renderers share", () => {
    const plan = buildConfigPlan(execute);
    expect(plan.filter((i) => i.kind === "use")).toEqual([
      { kind: "use", category: "ROLE", template: "Execute" },
      { kind: "use", category: "FEATURE", template: "PartitionableSlot(1, 100%)" },
    ]);
  });
});

describe("secret files", () => {
  it("lists the signing key and the token, and writes them 0600", () => {
    const signingKey = createSigningKey();
    const token = mintToken({
      signingKey,
      issuer: "pool.example",
      subject: "exec1@pool.example",
      authorizations: roleAuthorizations("execute"),
    });
    const dir = mkdtempSync(join(tmpdir(), "bsaas-secrets-"));
    try {
      const files = secretFiles({
        ...execute,
        localDir: "/srv/exec1",
        security: { mode: "idtokens", trustDomain: "pool.example", signingKey, token, tokenFile: "exec1" },
      });
      expect(files.map((f) => [f.path, f.encoding, f.mode])).toEqual([
        ["/srv/exec1/passwords.d/POOL", "binary", 0o600],
        ["/srv/exec1/tokens.d/exec1", "utf8", 0o600],
      ]);
      expect(JSON.stringify(files)).not.toContain(signingKey.reveal());
      const written = writeSecretFiles(files, { root: dir });
      expect(written).toEqual([
        join(dir, "srv/exec1/passwords.d/POOL"),
        join(dir, "srv/exec1/tokens.d/exec1"),
      ]);
      for (const p of written) expect(statSync(p).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, "srv/exec1/tokens.d")).mode & 0o777).toBe(0o700);
      expect(readFileSync(written[0] ?? "", "latin1")).toBe(signingKey.reveal());
      expect(readFileSync(written[1] ?? "", "utf8")).toBe(token.reveal());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("needs literal directories to know where to write", () => {
    const token = new Secret("t");
    expect(() =>
      secretFiles({
        ...execute,
        security: { mode: "idtokens", trustDomain: "p", token, tokenDirectory: "$(ETC)/t" },
      }),
    ).toThrow(CondorConfigInputError);
    expect(secretFiles(execute)).toEqual([]);
    expect(
      secretFiles({ ...execute, security: { mode: "idtokens", trustDomain: "p", token } })[0]?.path,
    ).toBe("/etc/condor/tokens.d/bsaas");
  });
});
