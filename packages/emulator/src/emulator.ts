import type { TaskRunner } from "./agents/runner.js";
import type { AgentSpec } from "./agents/types.js";
import {
  type MarathonEmulator,
  type MarathonEmulatorOptions,
  startMarathonEmulator,
} from "./marathon/emulator.js";
import { type MesosMasterServer, type MesosMasterServerOptions, startMesosMaster } from "./mesos/server.js";

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Agent count or specs (default 3 agents of 4 cpus, 8192 MB, 20000 MB disk, 1000 ports each). */
  agents?: number | readonly AgentSpec[];
  /** How tasks run: `simulated` (default), `process` (real local processes) or a runner. */
  runner?: "simulated" | "process" | TaskRunner;
  /** First host port of the default agent port ranges (default 31000). */
  portRangeStart?: number;
  /** Sandbox root of the process runner (default: a new temporary directory). */
  workDir?: string;
  /** Command prefix of the process runner, e.g. `["unshare", "--net"]`. */
  execPrefix?: readonly string[];
  /** Root filesystem of the process runner's agents: tasks run chrooted into it (see `ProcessRunnerOptions.rootfs`). */
  rootfs?: string;
  /** Remove the process runner's sandboxes on close (default false). */
  cleanup?: boolean;
  /** Address both services listen on (default 127.0.0.1). */
  host?: string;
  allowAnyHost?: boolean;
  /** More options of the Mesos master (port, heartbeat and allocation intervals, offer timeout, ZooKeeper...). */
  mesos?: Omit<
    MesosMasterServerOptions,
    "agents" | "runner" | "portRangeStart" | "workDir" | "execPrefix" | "rootfs" | "cleanup" | "state"
  >;
  /** More options of Marathon (port, auth, timing...). */
  marathon?: Omit<
    MarathonEmulatorOptions,
    "mesos" | "agents" | "runner" | "portRangeStart" | "workDir" | "execPrefix" | "rootfs" | "cleanup"
  >;
}

/** A Mesos master with its agents and a Marathon registered with it as a framework. */
export interface Emulator {
  readonly mesosUrl: string;
  readonly marathonUrl: string;
  readonly mesos: MesosMasterServer;
  readonly marathon: MarathonEmulator;
  /** Stops Marathon, then the master (and every task). */
  close(): Promise<void>;
}

/**
 * Starts the whole emulated stack on loopback: one Mesos master (scheduler, operator and legacy APIs) with its agents
 * and runner, and one Marathon that schedules through it. `bsaas emulator start` runs this.
 *
 * @example
 * const emulator = await startEmulator({ runner: "process" });
 * console.log(emulator.mesosUrl, emulator.marathonUrl);
 * await emulator.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const shared = {
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.allowAnyHost === undefined ? {} : { allowAnyHost: options.allowAnyHost }),
  };
  const mesos = await startMesosMaster({
    allocationIntervalMs: 250,
    ...shared,
    ...options.mesos,
    ...(options.agents === undefined ? {} : { agents: options.agents }),
    ...(options.runner === undefined ? {} : { runner: options.runner }),
    ...(options.portRangeStart === undefined ? {} : { portRangeStart: options.portRangeStart }),
    ...(options.workDir === undefined ? {} : { workDir: options.workDir }),
    ...(options.execPrefix === undefined ? {} : { execPrefix: options.execPrefix }),
    ...(options.rootfs === undefined ? {} : { rootfs: options.rootfs }),
    ...(options.cleanup === undefined ? {} : { cleanup: options.cleanup }),
  });
  let marathon: MarathonEmulator;
  try {
    if (options.mesos?.zk) await mesos.waitFor(() => mesos.elected, { description: "the master to lead" });
    marathon = await startMarathonEmulator({ ...shared, ...options.marathon, mesos });
  } catch (error) {
    await mesos.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    mesosUrl: mesos.url,
    marathonUrl: marathon.url,
    mesos,
    marathon,
    close() {
      closing ??= (async () => {
        await marathon.close();
        await mesos.close();
      })();
      return closing;
    },
  };
}
