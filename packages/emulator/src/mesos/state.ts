import { randomUUID } from "node:crypto";
import { AgentCluster } from "../agents/cluster.js";
import { ProcessRunner } from "../agents/process-runner.js";
import type { TaskRunner, TaskStatusUpdate } from "../agents/runner.js";
import { SimulatedRunner } from "../agents/simulated-runner.js";
import type { AgentSpec, MesosTaskState } from "../agents/types.js";
import type { MesosObject } from "./json.js";
import type { ResourceBag } from "./resources.js";

/** One place where scheduler events go: an HTTP RecordIO stream or an in-process subscriber. */
export interface EventSink {
  readonly kind: "http" | "local";
  send(event: MesosObject): void;
  /** Ends the stream (after what was sent). Idempotent. */
  close(): void;
  /** Called once when the stream ends, whoever ended it. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

/** The current subscription of a framework (a scheduler's event stream on one master). */
export interface Subscription {
  streamId: string;
  sink: EventSink;
  heartbeat?: NodeJS.Timeout;
}

/** A status update waiting for its acknowledgement. */
export interface PendingUpdate {
  status: MesosObject;
  uuid: string;
  state: MesosTaskState;
}

/** A refused-resources filter (DECLINE / unused resources of ACCEPT): resources of an agent, until a time. */
export interface OfferFilter {
  agentId: string;
  resources: ResourceBag;
  expiresAt: number;
}

/** A framework known to the master (subscribed now, or disconnected within its failover timeout). */
export interface FrameworkRecord {
  id: string;
  /** FrameworkInfo as last subscribed / updated, with `id` set. */
  info: MesosObject;
  registeredTime: number;
  reregisteredTime: number;
  unregisteredTime?: number;
  active: boolean;
  connected: boolean;
  recovered: boolean;
  subscription?: Subscription;
  /** Roles whose offers are suppressed. */
  suppressedRoles: Set<string>;
  filters: OfferFilter[];
  offers: Set<string>;
  /** Active (non-terminal) tasks by task id. */
  tasks: Map<string, TaskRecord>;
  unreachableTasks: Map<string, TaskRecord>;
  completedTasks: TaskRecord[];
  /** Status updates in flight per task id (the head is being sent until acknowledged). */
  pending: Map<string, PendingUpdate[]>;
  /** Number of offer rounds this framework was picked in (DRF tie-break). */
  allocations: number;
  /** Executors launched with LAUNCH_GROUP or custom executors: executor id → `{executor_info, agent_id}`. */
  executors: Map<string, { info: MesosObject; agentId: string }>;
}

/** A task the master knows. */
export interface TaskRecord {
  /** `<framework id>/<task id>`: the runner and the allocations use it. */
  key: string;
  taskId: string;
  frameworkId: string;
  agentId: string;
  name: string;
  /** The TaskInfo as launched (null-free), for `container`, `labels`, `discovery`, `health_check`... */
  info: MesosObject;
  executorId?: string;
  resources: ResourceBag;
  role: string;
  state: MesosTaskState;
  statuses: MesosObject[];
  containerId: string;
  /** True once the runner took the task (its updates may still arrive). */
  launched: boolean;
  unreachableTime?: number;
}

/** An outstanding offer. */
export interface OfferRecord {
  id: string;
  frameworkId: string;
  agentId: string;
  resources: ResourceBag;
  role: string;
  json: MesosObject;
  timer?: NodeJS.Timeout;
}

/** An agent registered with the master. */
export interface AgentRecord {
  id: string;
  registeredTime: number;
}

/** The masters of one cluster that share a {@link MesosState}: the state tells who leads. */
export interface StateLeader {
  onRunnerUpdate(key: string, update: TaskStatusUpdate): void;
}

/** Options of {@link MesosState}. */
export interface MesosStateOptions {
  /** Agent count or specs (default 3 agents of 4 cpus, 8192 MB, 20000 MB disk, 1000 ports each). */
  agents?: number | readonly AgentSpec[];
  /** First host port of the default agent port ranges (default 31000). */
  portRangeStart?: number;
  /** How tasks run: `simulated` (default), `process` (real local processes) or a runner. */
  runner?: "simulated" | "process" | TaskRunner;
  /** Sandbox root of the process runner (default: a new temporary directory). */
  workDir?: string;
  /** Command prefix of the process runner, e.g. `["unshare", "--net"]`. */
  execPrefix?: readonly string[];
  /** Root filesystem of the process runner's agents: tasks run chrooted into it (see `ProcessRunnerOptions.rootfs`). */
  rootfs?: string;
  /** Remove the process runner's sandboxes on close (default false). */
  cleanup?: boolean;
  /** Multiplies kill grace periods of the process runner (tests use e.g. 0.1). */
  killGraceScale?: number;
  /** Step delay of the simulated runner (default 20 ms). */
  taskStepDelayMs?: number;
  /** The id agents and frameworks ids derive from (default: a random UUID). */
  clusterId?: string;
}

/**
 * Everything a Mesos master knows that survives a master failover: agents, frameworks, tasks, and the runner that
 * runs the tasks. Several {@link MesosMaster}s may share one state; only the leader changes it.
 */
export class MesosState {
  readonly cluster: AgentCluster;
  readonly runner: TaskRunner;
  readonly clusterId: string;
  readonly agents = new Map<string, AgentRecord>();
  readonly frameworks = new Map<string, FrameworkRecord>();
  readonly completedFrameworks: FrameworkRecord[] = [];
  readonly offers = new Map<string, OfferRecord>();
  /** All tasks by key (active, unreachable and completed). */
  readonly tasks = new Map<string, TaskRecord>();
  leader: StateLeader | undefined;
  /** Runner updates that arrived while no master led; the next leader takes them. */
  readonly buffered: { key: string; update: TaskStatusUpdate }[] = [];
  private frameworkSeq = 0;
  private offerSeq = 0;
  private closed = false;

  constructor(options: MesosStateOptions = {}) {
    this.clusterId = options.clusterId ?? randomUUID();
    this.cluster = new AgentCluster(options.agents ?? 3, {
      clusterId: this.clusterId,
      ...(options.portRangeStart === undefined ? {} : { portRangeStart: options.portRangeStart }),
    });
    this.runner =
      typeof options.runner === "object"
        ? options.runner
        : options.runner === "process"
          ? new ProcessRunner({
              ...(options.workDir === undefined ? {} : { workDir: options.workDir }),
              ...(options.execPrefix === undefined ? {} : { execPrefix: options.execPrefix }),
              ...(options.rootfs === undefined ? {} : { rootfs: options.rootfs }),
              ...(options.cleanup === undefined ? {} : { cleanup: options.cleanup }),
              ...(options.killGraceScale === undefined ? {} : { killGraceScale: options.killGraceScale }),
            })
          : new SimulatedRunner({ stepDelayMs: options.taskStepDelayMs ?? 20 });
    const now = Date.now();
    for (const agent of this.cluster.agents) this.agents.set(agent.id, { id: agent.id, registeredTime: now });
  }

  /** The next framework id: `<master id>-0000`, `-0001`... */
  nextFrameworkId(masterId: string): string {
    return `${masterId}-${String(this.frameworkSeq++).padStart(4, "0")}`;
  }

  /** The next offer id: `<master id>-O<n>`. */
  nextOfferId(masterId: string): string {
    return `${masterId}-O${this.offerSeq++}`;
  }

  /** Where the runner reports a task's updates: to the leading master, or kept until there is one. */
  deliver(key: string, update: TaskStatusUpdate): void {
    if (this.closed) return;
    if (this.leader) this.leader.onRunnerUpdate(key, update);
    else this.buffered.push({ key, update });
  }

  /** Stops every task (the runner's `close`). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const offer of this.offers.values()) if (offer.timer) clearTimeout(offer.timer);
    await this.runner.close();
  }
}
