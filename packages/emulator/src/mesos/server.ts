import type { AgentCluster } from "../agents/cluster.js";
import type { TaskRunner } from "../agents/runner.js";
import { SimulatedRunner } from "../agents/simulated-runner.js";
import type { Agent, AgentSpec, MesosTaskState } from "../agents/types.js";
import { type LoopbackServer, startLoopbackServer } from "../server.js";
import { type MesosHttpOptions, mesosHttpHandler } from "./http.js";
import { MesosMaster, type MesosMasterOptions } from "./master.js";
import { MesosState } from "./state.js";
import { type MesosZooKeeperOptions, ZooKeeperMembership } from "./zk.js";

/** Options of {@link startMesosMaster}. */
export interface MesosMasterServerOptions extends MesosMasterOptions, MesosHttpOptions {
  /** Address to listen on (default 127.0.0.1; loopback only unless `allowAnyHost`). */
  host?: string;
  /** Port (default: a free one). */
  port?: number;
  allowAnyHost?: boolean;
  /** Register in ZooKeeper like Mesos (`json.info_` under `path`, default `/mesos`); the lowest member leads. */
  zk?: MesosZooKeeperOptions;
  /** Without `zk`: whether this master leads from the start (default true). */
  elect?: boolean;
}

/** Options of {@link MesosMasterServer.waitFor}. */
export interface MesosWaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  description?: string;
}

/** A running master: its URL, the in-process {@link MesosMaster}, and test hooks. */
export interface MesosMasterServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly master: MesosMaster;
  readonly state: MesosState;
  readonly cluster: AgentCluster;
  readonly runner: TaskRunner;
  /** This master's ZooKeeper node, when registered. */
  readonly znode: string | undefined;
  /** Whether this master leads now. */
  readonly elected: boolean;
  /** Stops the server and the ZooKeeper session; with its own state, also every task. */
  close(): Promise<void>;
  /** Adds an agent (AGENT_ADDED, offered at once). */
  addAgent(spec?: AgentSpec): Agent;
  /** Loses an agent: its tasks go TASK_UNREACHABLE/TASK_LOST, its offers are rescinded, AGENT_REMOVED. */
  removeAgent(agentId: string): boolean;
  /** Calls handled so far by type: of the scheduler or operator API, or of both merged. */
  callCounts(api?: "scheduler" | "operator"): Record<string, number>;
  /** Resolves once `predicate` holds (polled), rejects after the timeout (default 10 s). */
  waitFor(predicate: () => boolean | Promise<boolean>, options?: MesosWaitOptions): Promise<void>;
  /** Simulated runner: the task's command exits 0 / non-zero / the task is lost. */
  finishTask(taskId: string): void;
  failTask(taskId: string, message?: string): void;
  loseTask(taskId: string, state?: MesosTaskState): void;
  /** The sandbox of a task (process runner). */
  sandboxOf(taskId: string): string | undefined;
}

/** Polls until `predicate` holds. */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  options: MesosWaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${options.description ?? "a condition"}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}

/**
 * Starts an emulated Mesos master on loopback: scheduler API (`/api/v1/scheduler`), operator API (`/api/v1`) and the
 * legacy endpoints, over an emulated cluster of agents whose tasks run on the chosen runner. Without `zk` it leads at
 * once; with `zk` it registers in ZooKeeper like Mesos and leads while its node is the lowest.
 *
 * @example
 * const mesos = await startMesosMaster({ agents: 2, runner: "process" });
 * const state = await fetch(`${mesos.url}/master/state`).then((r) => r.json());
 * await mesos.close();
 */
export async function startMesosMaster(options: MesosMasterServerOptions = {}): Promise<MesosMasterServer> {
  const master = new MesosMaster(options);
  let server: LoopbackServer;
  try {
    server = await startLoopbackServer(mesosHttpHandler(master, options), {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.allowAnyHost === undefined ? {} : { allowAnyHost: options.allowAnyHost }),
    });
  } catch (error) {
    await master.close();
    throw error;
  }
  master.bind(server.host, server.port);
  let membership: ZooKeeperMembership | undefined;
  if (options.zk) {
    membership = new ZooKeeperMembership(options.zk, (change) => {
      if (change.self) master.becomeLeader();
      else {
        master.stepDown();
        master.leaderInfo = change.leader;
      }
    });
    try {
      await membership.join(master.info());
      await waitUntil(() => master.leaderInfo !== undefined, { timeoutMs: 15_000, description: "a leader" });
    } catch (error) {
      membership.close();
      await server.close();
      await master.close();
      throw error;
    }
  } else if (options.elect !== false) {
    master.becomeLeader();
  }
  const zkMembership = membership;
  const simulated = (): SimulatedRunner => {
    if (master.state.runner instanceof SimulatedRunner) return master.state.runner;
    throw new Error("this test hook needs the simulated runner");
  };
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    master,
    state: master.state,
    cluster: master.state.cluster,
    runner: master.state.runner,
    get znode() {
      return zkMembership?.znode;
    },
    get elected() {
      return master.elected;
    },
    close() {
      closing ??= (async () => {
        master.stepDown();
        zkMembership?.close();
        await server.close();
        await master.close();
      })();
      return closing;
    },
    addAgent: (spec) => master.addAgent(spec),
    removeAgent: (agentId) => master.removeAgent(agentId),
    callCounts: (api) => master.callCounts(api),
    waitFor: (predicate, waitOptions) => waitUntil(predicate, waitOptions),
    finishTask: (taskId) => simulated().finish(taskId),
    failTask: (taskId, message) => simulated().fail(taskId, message),
    loseTask: (taskId, state) => simulated().lose(taskId, state),
    sandboxOf: (taskId) => master.state.runner.sandboxOf(taskId),
  };
}

/** Options of {@link startMesosCluster}. */
export interface MesosClusterOptions extends Omit<MesosMasterServerOptions, "state" | "port" | "id"> {
  /** Number of masters (default 2). */
  masters?: number;
}

/** Several masters sharing agents, frameworks and tasks; one leads. */
export interface MesosCluster {
  readonly masters: readonly MesosMasterServer[];
  readonly state: MesosState;
  /** The master that leads now, if any. */
  leader(): MesosMasterServer | undefined;
  /** Resolves with the leader once there is one. */
  waitForLeader(options?: MesosWaitOptions): Promise<MesosMasterServer>;
  /**
   * Stops the leading master (server and ZooKeeper session: its znode disappears); the next master takes over the
   * shared state. Resolves with the stopped master once another one leads.
   */
  stopLeader(options?: MesosWaitOptions): Promise<MesosMasterServer>;
  /** Stops every master and every task. */
  close(): Promise<void>;
}

/**
 * Starts `masters` masters that share one state (agents, frameworks, tasks, runner), like a highly available Mesos
 * with a replicated registry. With `zk` they register in ZooKeeper (in start order, so the first leads); without it
 * the first leads and the others redirect to it.
 */
export async function startMesosCluster(options: MesosClusterOptions = {}): Promise<MesosCluster> {
  const state = new MesosState(options);
  const count = Math.max(1, options.masters ?? 2);
  const masters: MesosMasterServer[] = [];
  const stopped = new Set<MesosMasterServer>();
  try {
    for (let i = 0; i < count; i++) {
      const { masters: _count, zk, ...rest } = options;
      const started = await startMesosMaster({ ...rest, state, elect: i === 0, ...(zk ? { zk } : {}) });
      masters.push(started);
      const first = masters[0];
      if (!zk && first && started !== first) started.master.leaderInfo = first.master.info();
    }
  } catch (error) {
    for (const m of masters) await m.close();
    await state.close();
    throw error;
  }
  const alive = () => masters.filter((m) => !stopped.has(m));
  const leader = () => alive().find((m) => m.elected);
  const waitForLeader = async (waitOptions: MesosWaitOptions = {}) => {
    await waitUntil(() => leader() !== undefined, { description: "a leading master", ...waitOptions });
    const found = leader();
    if (!found) throw new Error("no leading master");
    return found;
  };
  return {
    masters,
    state,
    leader,
    waitForLeader,
    async stopLeader(waitOptions = {}) {
      const current = await waitForLeader(waitOptions);
      stopped.add(current);
      await current.close();
      if (!options.zk) {
        const next = alive()[0];
        if (next) {
          next.master.becomeLeader();
          for (const other of alive()) if (other !== next) other.master.leaderInfo = next.master.info();
        }
      }
      if (alive().length > 0) await waitForLeader(waitOptions);
      return current;
    },
    async close() {
      for (const m of masters) await m.close();
      await state.close();
    },
  };
}
