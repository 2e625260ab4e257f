// A real HTCondor pool for integration tests: a central manager, a submit node and N executors, each its own
// `condor_master` (own config, LOCAL_DIR, names and shared port) from the provisioned rootfs or the host's HTCondor,
// secured with IDTOKENS that the SDK mints itself. The configuration comes only from the SDK's generator.
import { chownSync, statSync } from "node:fs";
import {
  type CondorConfigInput,
  createSigningKey,
  mintToken,
  roleAuthorizations,
} from "../../src/htcondor/config/index.js";
import {
  type CondorInstance,
  type HTCondorInstallation,
  hostPath,
  locateHTCondor,
  lookupUser,
  startCondorInstance,
} from "../../src/htcondor/local/index.js";
import { CondorPool } from "../../src/htcondor/pool/client.js";
import type { Secret } from "../../src/secret.js";
import { freeLoopbackPort, StopWaiting, waitFor as waitUntil } from "./rootfs.js";

/** The user jobs run as (scripts/provision-htcondor creates it). */
export const JOB_USER = "bsaas";
/** The pool's trust domain: the issuer of its tokens. */
export const TRUST_DOMAIN = "bsaas.test";

export interface TestExecutor {
  instance: CondorInstance;
  /** `exec1@bsaas.test`-style name: what condor_off -name takes. */
  startdName: string;
}

export interface TestPool {
  installation: HTCondorInstallation;
  cm: CondorInstance;
  submit: CondorInstance;
  executors: TestExecutor[];
  /** `127.0.0.1:PORT`: the collector. */
  collector: string;
  /** A client for the pool, acting as the administrator, submitting as {@link JOB_USER}. */
  client: CondorPool;
  signingKey: Secret;
  hostPath(path: string): string;
  chownToJobUser(path: string): void;
  /**
   * Starts one more executor with the given token (default: a valid one) and extra knobs. It is stopped with the
   * pool.
   */
  addExecutor(
    name: string,
    options?: { token?: Secret; raw?: Record<string, string> },
  ): Promise<TestExecutor>;
  /** Polls `check` until it holds; fails naming `what` after `timeoutMs` (default 60 s). */
  waitFor(what: string, check: () => Promise<boolean>, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestPool(options: { name: string; executors: number }): Promise<TestPool> {
  const installation = await locateHTCondor();
  const signingKey = createSigningKey();
  const cmPort = await freeLoopbackPort();
  const collector = `127.0.0.1:${cmPort}`;
  const instances: CondorInstance[] = [];
  let died: string | undefined;
  let stopping = false;
  const token = (role: "central-manager" | "submit" | "execute" | "admin", subject: string) =>
    mintToken({ signingKey, issuer: TRUST_DOMAIN, subject, authorizations: roleAuthorizations(role) });

  const start = async (
    name: string,
    input: Pick<CondorConfigInput, "role" | "name" | "site" | "resources" | "raw">,
    tokenValue: Secret,
  ) => {
    const port = input.role === "central-manager" ? cmPort : await freeLoopbackPort();
    const instance = startCondorInstance({
      installation,
      name: `${options.name}-${name}`,
      config: (paths): CondorConfigInput => ({
        ...input,
        centralManager: collector,
        localDir: paths.localDir,
        sharedPort: { enabled: true, port },
        security: {
          mode: "idtokens",
          trustDomain: TRUST_DOMAIN,
          passwordDirectory: `${paths.secretsDir}/passwords.d`,
          tokenDirectory: `${paths.secretsDir}/tokens.d`,
          // Only the central manager verifies tokens; any instance holding the key could mint itself any token.
          ...(input.role === "central-manager" ? { signingKey } : {}),
          token: tokenValue,
        },
        network: { bindAddress: "127.0.0.1" },
        sandboxCompat: true,
        // Short cycles: tests wait on conditions, and these decide how soon they hold.
        raw: {
          NEGOTIATOR_INTERVAL: "2",
          NEGOTIATOR_MIN_INTERVAL: "1",
          NEGOTIATOR_CYCLE_DELAY: "1",
          SCHEDD_INTERVAL: "2",
          UPDATE_INTERVAL: "2",
          ...input.raw,
        },
      }),
    });
    instances.push(instance);
    // A master that exits during the test ends the wait at once, with its log, instead of at the timeout.
    void instance.exited.then((code) => {
      if (!stopping) died = `${instance.name}'s condor_master exited (status ${code})`;
    });
    return instance;
  };

  const cm = await start(
    "cm",
    { role: "central-manager", name: "cm" },
    token("central-manager", `cm@${TRUST_DOMAIN}`),
  );
  const submit = await start(
    "submit",
    { role: "submit", name: "submit" },
    token("submit", `submit@${TRUST_DOMAIN}`),
  );
  // Root's tools with the central manager's configuration act as the pool's administrator.
  let client = new CondorPool({ tools: cm.tools, collector });

  // A master that died ends any wait at once, naming it.
  const waitFor = (what: string, check: () => Promise<boolean>, timeoutMs = 60_000) =>
    waitUntil(
      what,
      async () => {
        if (died) throw new StopWaiting(`${died} while waiting for ${what}`);
        return check();
      },
      timeoutMs,
    );

  const executors: TestExecutor[] = [];
  const addExecutor = async (name: string, extra: { token?: Secret; raw?: Record<string, string> } = {}) => {
    const instance = await start(
      name,
      { role: "execute", name, site: "local", resources: { cpus: 2, memoryMb: 1024 }, raw: extra.raw ?? {} },
      extra.token ?? token("execute", `${name}@${TRUST_DOMAIN}`),
    );
    const executor = { instance, startdName: `${name}@${await machineName(client, waitFor)}` };
    executors.push(executor);
    return executor;
  };

  const stop = async () => {
    stopping = true;
    await Promise.all(instances.map((i) => i.stop({ how: "fast", timeoutMs: 30_000 })));
  };

  try {
    client = new CondorPool({
      tools: cm.tools,
      collector,
      schedd: `submit@${await machineName(client, waitFor)}`,
      user: JOB_USER,
    });
    for (let i = 1; i <= options.executors; i++) await addExecutor(`exec${i}`);
    await waitFor(
      `a pool with ${options.executors} executor(s) at ${collector}`,
      async () =>
        (await client.masters()).length === 2 + options.executors &&
        (await client.schedds()).length === 1 &&
        (await client.slots()).length === options.executors,
      120_000,
    );
  } catch (error) {
    const logs = instances
      .map((i) => `--- ${i.name} MasterLog\n${i.readLog("MasterLog").slice(-2000)}`)
      .join("\n");
    await stop();
    throw new Error(`${String(error)}\n${logs}`);
  }

  const jobUser = lookupUser(installation, JOB_USER);
  return {
    installation,
    cm,
    submit,
    executors,
    collector,
    client,
    signingKey,
    hostPath: (path) => hostPath(installation, path),
    chownToJobUser(path) {
      const p = hostPath(installation, path);
      statSync(p);
      chownSync(p, jobUser.uid, jobUser.gid);
    },
    addExecutor,
    waitFor,
    stop,
  };
}

// The machine name daemons on this host advertise (the startd name is `<STARTD_NAME>@<machine>`).
async function machineName(
  client: CondorPool,
  waitFor: (what: string, check: () => Promise<boolean>) => Promise<void>,
): Promise<string> {
  let name = "";
  await waitFor("the central manager's master ad", async () => {
    const [master] = await client.masters();
    name = master?.machine ?? "";
    return name !== "";
  });
  return name;
}
