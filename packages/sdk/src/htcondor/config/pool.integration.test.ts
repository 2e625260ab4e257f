// A whole pool from generated configurations, with the narrowest tokens roleAuthorizations() gives: a central
// manager (the only holder of the signing key), a submit node and an executor on another "private network" behind
// the collector's CCB, each its own condor_master in the provisioned 23.9.6 rootfs. A job submitted as the bsaas user
// must run, and the administrator token must be able to drain the executor. This is the evidence for the
// authorization sets in tokens.ts. (Only the central manager can check a token, since only it has the key; the
// keyless nodes are reached with sessions HTCondor hands out through the collector: claim ids for the schedd, the
// admin session for condor_drain.) Without the rootfs the test fails and says how to provision it.
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
import type { CondorConfigInput } from "./model.js";
import { renderCondorConfig } from "./render.js";
import { secretFiles, writeSecretFiles } from "./secrets.js";
import { createSigningKey, mintToken, roleAuthorizations, type TokenRole } from "./tokens.js";

const TD = "pool.bsaas.test";
let rootfs: string;
let scratch: Scratch;
const masters: RootfsDaemon[] = [];
const configs: Record<string, string> = {};
let adminClient: string;
let cmPort: number;
let jobDir: string;
const signingKey = createSigningKey();

const FAST = {
  NEGOTIATOR_INTERVAL: "2",
  NEGOTIATOR_CYCLE_DELAY: "2",
  SCHEDD_INTERVAL: "2",
  UPDATE_INTERVAL: "2",
  MASTER_UPDATE_INTERVAL: "5",
  STARTER_UPDATE_INTERVAL: "2",
};

function mint(role: TokenRole, name: string) {
  return mintToken({
    signingKey,
    issuer: TD,
    subject: `${name}@${TD}`,
    authorizations: roleAuthorizations(role),
  });
}

function startInstance(name: string, input: CondorConfigInput): void {
  const condor = rootfsUser(rootfs, "condor");
  const localDir = join(scratch.inside, name);
  for (const sub of ["", "log", "spool", "execute", "lock", "run"]) {
    mkdirSync(scratch.host(join(localDir, sub)), { recursive: true });
    chownSync(scratch.host(join(localDir, sub)), condor.uid, condor.gid);
  }
  const full = { ...input, localDir } as CondorConfigInput;
  writeSecretFiles(secretFiles(full), { root: rootfs });
  configs[name] = scratch.write(`${name}.conf`, renderCondorConfig(full));
  masters.push(
    new RootfsDaemon(rootfs, ["condor_master", "-f"], { CONDOR_CONFIG: configs[name] ?? "" }, true),
  );
}

function logs(): string {
  const out: string[] = [];
  for (const name of ["cm", "ap", "ep"]) {
    for (const log of ["MasterLog", "CollectorLog", "NegotiatorLog", "SchedLog", "StartLog", "ShadowLog"]) {
      try {
        const lines = readFileSync(scratch.host(join(scratch.inside, name, "log", log)), "utf8").split("\n");
        const bad = lines.filter((l) => /ERROR|DENIED|not authorized|FAILED/i.test(l)).slice(-8);
        if (bad.length > 0) out.push(`--- ${name}/${log}`, ...bad);
      } catch {
        // no such log
      }
    }
  }
  return out.join("\n");
}

const status = (args: string[]) =>
  runInRootfs(rootfs, ["condor_status", ...args], { env: { CONDOR_CONFIG: adminClient } });

beforeAll(async () => {
  rootfs = requireCondorRootfs();
  scratch = new Scratch(rootfs, "pool");
  cmPort = await freeLoopbackPort();
  const cm = `127.0.0.1:${cmPort}`;
  const common = { network: { bindAddress: "127.0.0.1" }, raw: FAST } as const;
  startInstance("cm", {
    role: "central-manager",
    centralManager: cm,
    name: "cm",
    sharedPort: { port: cmPort },
    security: { mode: "idtokens", trustDomain: TD, signingKey, token: mint("central-manager", "cm") },
    ...common,
  });
  startInstance("ap", {
    role: "submit",
    centralManager: `${cm}?sock=collector`,
    name: "ap",
    sharedPort: { port: await freeLoopbackPort() },
    security: { mode: "idtokens", trustDomain: TD, token: mint("submit", "ap") },
    network: common.network,
    // log commands, so that the test can see the schedd being reached through CCB
    raw: { ...FAST, SCHEDD_DEBUG: "D_COMMAND" },
  });
  startInstance("ep", {
    role: "execute",
    centralManager: `${cm}?sock=collector`,
    name: "ep",
    sharedPort: { port: await freeLoopbackPort() },
    ccb: "collector",
    // another private network than the submit node's: the schedd must go through CCB to reach this startd
    privateNetworkName: "site-b",
    site: "site-b",
    resources: { cpus: 1, memoryMb: 512 },
    sandboxCompat: true,
    security: { mode: "idtokens", trustDomain: TD, token: mint("execute", "ep") },
    ...common,
  });

  const adminDir = join(scratch.inside, "admin");
  writeSecretFiles(
    [
      {
        path: join(adminDir, "tokens.d", "admin"),
        content: mint("admin", "admin"),
        encoding: "utf8",
        mode: 0o600,
        description: "admin",
      },
    ],
    { root: rootfs },
  );
  mkdirSync(scratch.host(join(adminDir, "no-keys")), { recursive: true, mode: 0o700 });
  adminClient = scratch.write(
    "admin.conf",
    [
      "include : /etc/condor/condor_config",
      "LOCAL_CONFIG_DIR =",
      `COLLECTOR_HOST = ${cm}?sock=collector`,
      `SEC_TOKEN_DIRECTORY = ${adminDir}/tokens.d`,
      `SEC_PASSWORD_DIRECTORY = ${adminDir}/no-keys`,
      "SEC_CLIENT_AUTHENTICATION_METHODS = IDTOKENS",
      // tools reach the CCB'd startd by reverse connection; without shared port they listen on their own port
      "USE_SHARED_PORT = False",
      "",
    ].join("\n"),
  );
  try {
    await waitFor(
      "the executor's slot (registered with CCB) and the schedd in the collector",
      async () => {
        const r = await status(["-any", "-af", "MyType", "Name", "MyAddress"]);
        return /^Machine slot1@ep@\S+ \S*CCBID=/m.test(r.stdout) && /^Scheduler ap@/m.test(r.stdout);
      },
      90_000,
    );
  } catch (e) {
    throw new Error(`${String(e)}\n${logs()}`);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(masters.map((m) => m.stop()));
  if (jobDir) rmSync(join(rootfs, jobDir), { recursive: true, force: true });
  scratch?.remove();
}, 60_000);

describe("a pool secured with the narrowest role tokens", () => {
  it("registers the executor with CCB under its token identity and the schedd with its own", async () => {
    const r = await status(["-af", "Name", "MyAddress", "Site", "AuthenticatedIdentity"]);
    const [name, address, site, identity] = r.stdout.trim().split(" ");
    expect(name).toMatch(/^slot1@ep@/);
    expect(address).toMatch(/CCBID=/);
    expect(address).toMatch(/PrivNet=site-b/);
    expect(site).toBe("site-b");
    expect(identity).toBe(`ep@${TD}`);
    const s = await status(["-schedd", "-af", "AuthenticatedIdentity"]);
    expect(s.stdout.trim()).toBe(`ap@${TD}`);
  });

  it("runs a job submitted as the bsaas user, through CCB", async () => {
    const user = rootfsUser(rootfs, "bsaas");
    jobDir = `/home/bsaas/bsaas-config-pool-${process.pid}`;
    mkdirSync(join(rootfs, jobDir), { recursive: true });
    chownSync(join(rootfs, jobDir), user.uid, user.gid);
    writeFileSync(
      join(rootfs, jobDir, "job.sub"),
      "executable = /bin/echo\narguments = hello from the pool\noutput = out.txt\nerror = err.txt\nlog = job.log\nrequest_memory = 64\nqueue\n",
    );
    const submit = await runInRootfs(rootfs, ["sh", "-c", `cd ${jobDir} && condor_submit job.sub`], {
      user: "bsaas",
      env: { CONDOR_CONFIG: configs.ap ?? "" },
    });
    expect(submit.stdout).toMatch(/1 job\(s\) submitted to cluster 1\./);
    try {
      await waitFor(
        "the job to complete",
        async () => {
          const h = await runInRootfs(
            rootfs,
            ["condor_history", "-af", "ClusterId", "JobStatus", "ExitCode"],
            {
              env: { CONDOR_CONFIG: configs.ap ?? "" },
            },
          );
          return /^1 4 0$/m.test(h.stdout);
        },
        120_000,
      );
    } catch (e) {
      throw new Error(`${String(e)}\n${logs()}`);
    }
    expect(readFileSync(join(rootfs, jobDir, "out.txt"), "utf8")).toBe("hello from the pool\n");
    const schedLog = readFileSync(scratch.host(join(scratch.inside, "ap", "log", "SchedLog")), "utf8");
    expect(schedLog).toMatch(/CCB_REVERSE_CONNECT/);
  }, 150_000);

  it("lets the admin token drain the executor, and nothing was denied", async () => {
    const drain = await runInRootfs(
      rootfs,
      ["condor_drain", "-graceful", (await status(["-af", "Name"])).stdout.trim()],
      {
        env: { CONDOR_CONFIG: adminClient },
      },
    );
    expect(drain.stdout).toMatch(/Sent request to drain/);
    await waitFor(
      "the slot to be drained",
      async () => /Drained/.test((await status(["-af", "State"])).stdout),
      60_000,
    );
    for (const name of ["cm", "ap", "ep"]) {
      for (const log of ["MasterLog", "CollectorLog", "NegotiatorLog", "SchedLog", "StartLog"]) {
        let text = "";
        try {
          text = readFileSync(scratch.host(join(scratch.inside, name, "log", log)), "utf8");
        } catch {
          continue;
        }
        expect({ log: `${name}/${log}`, denied: text.match(/.*PERMISSION DENIED.*/g) }).toEqual({
          log: `${name}/${log}`,
          denied: null,
        });
      }
    }
  }, 90_000);
});
