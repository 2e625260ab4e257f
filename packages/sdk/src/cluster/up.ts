/**
 * `bsaas up`: the whole thing on one machine. Make sure HTCondor is there, start a local Mesos and Marathon (the
 * caller provides it: the CLI starts the emulator in-process), apply the cluster file through the same code path as
 * a remote cluster, verify the pool, run a sample job set, print the status; then either stop (`once`) or keep
 * running until told to stop, and tear everything down: drain, remove the groups, stop the backend, and make sure no
 * HTCondor process is left.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { BsaasError } from "../errors.js";
import {
  type HTCondorInstallation,
  HTCondorNotFoundError,
  locateHTCondor,
} from "../htcondor/local/installation.js";
import { reapCondorProcesses } from "../htcondor/local/instance.js";
import type { ProgressListener } from "./apply.js";
import { ClusterClient } from "./client.js";
import type { LoadedClusterSpec } from "./load.js";
import { type JobDirectory, makeJobDirectory, sampleJobs } from "./samples.js";
import type { ClusterStatus } from "./status.js";

/** An agent of the local backend (the shape of the emulator's agent specs). */
export interface LocalAgentSpec {
  hostname?: string;
  cpus: number;
  mem: number;
  disk: number;
  ports?: { begin: number; end: number };
  attributes?: Record<string, string>;
}

/** What the caller starts: Mesos and Marathon on this machine, running command tasks as local processes. */
export interface LocalBackend {
  marathonUrl: string;
  mesosUrl: string;
  /** Where task sandboxes are, as HTCondor inside the tasks sees them: leftover daemons are found by it. */
  sandboxRoot?: string;
  close(): Promise<void>;
}

/** How to start the backend. */
export type StartLocalBackend = (request: {
  installation: HTCondorInstallation;
  agents: LocalAgentSpec[];
}) => Promise<LocalBackend>;

/** Options of {@link up}. */
export interface UpOptions {
  loaded: Pick<LoadedClusterSpec, "spec" | "file">;
  startBackend: StartLocalBackend;
  /** Stop after the sample jobs instead of running until `signal` fires. */
  once?: boolean;
  /** Fires to stop a running `up` (Ctrl-C, SIGTERM): teardown follows. */
  signal?: AbortSignal;
  /** `scripts/provision-htcondor`, run when HTCondor is missing and bsaas runs as root. */
  provisionScript?: string;
  /** Sample jobs to run (default 6), each sleeping `jobSeconds` (default 5). */
  jobs?: number;
  jobSeconds?: number;
  stateDir?: string;
  /** Limits: verify (default 5 min), jobs (default 5 min). */
  timeouts?: { verifyMs?: number; jobsMs?: number };
  onProgress?: ProgressListener;
  /** Called with the status once the jobs are done (before waiting or tearing down). */
  onStatus?: (status: ClusterStatus) => void;
}

/** The outcome, as `bsaas up --json` prints it. */
export interface UpResult {
  ok: boolean;
  executorsReady: number;
  jobsSubmitted: number;
  jobsCompleted: number;
  /** As the pool's own ads report it. */
  htcondorVersion: string | undefined;
  phases: { name: string; seconds: number }[];
  error?: string;
}

/** The sample jobs did not all complete. */
export class SampleJobsError extends BsaasError {
  constructor(message: string) {
    super("SAMPLE_JOBS_FAILED", message, {
      hint: "Look at `bsaas status` and the submit node's SchedLog in its task sandbox (condor/log).",
    });
  }
}

/**
 * Finds HTCondor (PATH, then the provisioned rootfs); when missing and running as root, provisions it with the
 * project's script. Otherwise stops with what to do.
 */
export async function ensureHTCondor(
  provisionScript: string | undefined,
  onProgress?: (message: string) => void,
): Promise<HTCondorInstallation> {
  try {
    return await locateHTCondor();
  } catch (error) {
    if (!(error instanceof HTCondorNotFoundError)) throw error;
    if (!provisionScript || process.getuid?.() !== 0) {
      throw new BsaasError("HTCONDOR_MISSING", `HTCondor is not installed here: ${error.message}`, {
        cause: error,
        hint: "As root, run scripts/provision-htcondor (it installs Debian's condor package into /var/lib/bsaas/htcondor-trixie, about a minute), or install HTCondor 23 so that condor_master is on PATH; then run bsaas up again.",
      });
    }
    onProgress?.(`HTCondor is missing: running ${provisionScript}`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(provisionScript, [], { stdio: ["ignore", "inherit", "inherit"] });
      child.once("error", reject);
      child.once("exit", (code) =>
        code === 0
          ? resolve()
          : reject(
              new BsaasError("HTCONDOR_PROVISION_FAILED", `${provisionScript} exited with status ${code}`),
            ),
      );
    });
    return locateHTCondor();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** The agents of a one-machine cluster: one for the central manager (the pool's port only), the rest for work. */
export function localAgents(loaded: Pick<LoadedClusterSpec, "spec">): LocalAgentSpec[] {
  const spec = loaded.spec;
  const port = spec.htcondor.port;
  const work = spec.sites.reduce(
    (acc, s) => ({
      cpus: acc.cpus + (s.executors.max ?? s.executors.instances) * s.executors.cpus,
      mem: acc.mem + (s.executors.max ?? s.executors.instances) * s.executors.mem,
      disk: acc.disk + (s.executors.max ?? s.executors.instances) * s.executors.disk,
    }),
    spec.submitters.reduce(
      (acc, s) => ({ cpus: acc.cpus + s.cpus, mem: acc.mem + s.mem, disk: acc.disk + s.disk }),
      {
        cpus: 0,
        mem: 0,
        disk: 0,
      },
    ),
  );
  const half = (n: number) => Math.ceil(n / 2);
  return [
    {
      hostname: "cm-agent",
      cpus: spec.centralManager.cpus,
      mem: spec.centralManager.mem,
      disk: 1024,
      ports: { begin: port, end: port },
    },
    {
      hostname: "agent-1",
      cpus: half(work.cpus) + 1,
      mem: half(work.mem) + 1024,
      disk: half(work.disk) + 1024,
    },
    {
      hostname: "agent-2",
      cpus: half(work.cpus) + 1,
      mem: half(work.mem) + 1024,
      disk: half(work.disk) + 1024,
    },
  ];
}

/**
 * Runs the cluster file on this machine (see the module documentation). Resolves when done (`once`) or after
 * `signal` fired and everything is torn down. Never leaves processes behind, also on failure.
 */
export async function up(options: UpOptions): Promise<UpResult> {
  const { loaded } = options;
  const spec = loaded.spec;
  const started = Date.now();
  const phases: UpResult["phases"] = [];
  const result: UpResult = {
    ok: false,
    executorsReady: 0,
    jobsSubmitted: 0,
    jobsCompleted: 0,
    htcondorVersion: undefined,
    phases,
  };
  const progress = (phase: string, message: string) =>
    options.onProgress?.({ phase, message, elapsedMs: Date.now() - started });
  const phase = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await run();
    } finally {
      phases.push({ name, seconds: Math.round((Date.now() - t0) / 100) / 10 });
    }
  };

  if (spec.runtime.type !== "command") {
    throw new BsaasError("UP_NEEDS_COMMAND_RUNTIME", `${loaded.file} uses the ${spec.runtime.type} runtime`, {
      hint: "bsaas up runs HTCondor as local processes: use a cluster file with runtime.type: command (examples/local.yaml).",
    });
  }
  const installation = await phase("htcondor", () =>
    ensureHTCondor(options.provisionScript, (m) => progress("htcondor", m)),
  );
  progress(
    "htcondor",
    installation.kind === "host" ? "using HTCondor on PATH" : `using HTCondor in ${installation.rootfs}`,
  );
  if (!(await portFree(spec.htcondor.port))) {
    throw new BsaasError(
      "PORT_IN_USE",
      `port ${spec.htcondor.port} (the pool's collector port) is in use here`,
      {
        hint: "Stop what listens on it (an earlier bsaas up?), or set htcondor.port in the cluster file to a free port.",
      },
    );
  }

  let backend: LocalBackend | undefined;
  let client: ClusterClient | undefined;
  let jobDir: JobDirectory | undefined;
  try {
    backend = await phase("emulator", () =>
      options.startBackend({ installation, agents: localAgents(loaded) }),
    );
    progress("emulator", `Marathon ${backend.marathonUrl}, Mesos ${backend.mesosUrl}`);
    const endpoints = Object.fromEntries(
      spec.sites.map((s) => [
        s.name,
        { marathon: backend?.marathonUrl ?? "", mesos: backend?.mesosUrl ?? "" },
      ]),
    );
    client = ClusterClient.open(loaded, {
      endpoints,
      installation,
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    const c = client;
    const signal = options.signal ? { signal: options.signal } : {};
    await phase("apply", () => c.apply({ verify: false, ...signal }));
    const verified = await phase("verify", () =>
      c.verify({ timeoutMs: options.timeouts?.verifyMs ?? 300_000, ...signal }),
    );
    result.executorsReady = verified.executors.reduce((n, e) => n + e.ready, 0);
    result.htcondorVersion = verified.htcondorVersion;

    await phase("jobs", async () => {
      jobDir = makeJobDirectory(installation);
      const description = sampleJobs({ count: options.jobs ?? 6, seconds: options.jobSeconds ?? 5 });
      const submitted = await c.submit(description, { cwd: jobDir.path });
      result.jobsSubmitted = submitted.jobIds.length;
      progress(
        "jobs",
        `submitted ${submitted.jobIds.length} sample job(s) as cluster ${submitted.clusterId} to ${submitted.schedd}`,
      );
      const done = await c.waitForJobs(submitted.clusterId, {
        timeoutMs: options.timeouts?.jobsMs ?? 300_000,
        ...signal,
      });
      const completed = done.filter((j) => j.status === "completed" && j.exitCode === 0);
      result.jobsCompleted = completed.length;
      for (const job of done)
        progress(
          "jobs",
          `job ${job.id}: ${job.status}${job.exitCode === undefined ? "" : ` (exit ${job.exitCode})`} on ${job.lastRemoteHost ?? "?"}`,
        );
      if (completed.length !== submitted.jobIds.length) {
        throw new SampleJobsError(`${completed.length} of ${submitted.jobIds.length} sample jobs completed`);
      }
    });
    const status = await phase("status", () => c.status());
    options.onStatus?.(status);
    result.ok = true;

    if (!options.once) {
      progress("running", "the pool is up; Ctrl-C (or SIGTERM) drains and stops it");
      await new Promise<void>((resolve) => {
        if (!options.signal || options.signal.aborted) return resolve();
        options.signal.addEventListener("abort", () => resolve(), { once: true });
      });
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    throw Object.assign(error instanceof Error ? error : new Error(String(error)), { upResult: result });
  } finally {
    await phase("teardown", async () => {
      progress("teardown", "draining and removing the cluster");
      if (client) {
        await client.destroy({ deadlineMs: 120_000, force: !result.ok }).catch((error: unknown) => {
          progress("teardown", `destroy: ${error instanceof Error ? error.message : error}; stopping anyway`);
        });
      }
      await client?.close();
      if (backend) await backend.close();
      if (backend?.sandboxRoot) {
        const reaped = await reapCondorProcesses(backend.sandboxRoot);
        if (reaped > 0) progress("teardown", `stopped ${reaped} HTCondor process(es) left behind`);
      }
      jobDir?.remove();
      progress("teardown", "stopped");
    });
  }
  return result;
}
