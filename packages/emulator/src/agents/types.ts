import type { MesosTaskState } from "@bsaas/sdk/marathon";
/** A range of ports, both ends included (Mesos `Value.Range`). */
export interface PortRange {
  begin: number;
  end: number;
}

/** What an agent offers (or what a task needs). */
export interface ScalarResources {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
}

/** How to describe an agent when starting a cluster; every field has a default. */
export interface AgentSpec {
  /** Mesos agent id; default `<cluster id>-S<index>`. */
  id?: string;
  /** The agent's hostname as tasks report it (`host`) and constraints see it; default `agent-<n>`. */
  hostname?: string;
  /** Where the agent is reachable; default `127.0.0.1`. Reported in `ipAddresses` and used for health checks. */
  address?: string;
  cpus?: number;
  mem?: number;
  disk?: number;
  gpus?: number;
  /** Host ports this agent offers. Default: 1000 ports per agent, disjoint across agents. */
  ports?: PortRange;
  /** Text attributes such as `site` or `rack`, used by constraints. */
  attributes?: Record<string, string>;
  region?: string;
  zone?: string;
}

/** An agent of the emulated cluster. */
export interface Agent {
  readonly id: string;
  readonly hostname: string;
  readonly address: string;
  readonly resources: ScalarResources & { ports: PortRange };
  readonly attributes: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly zone?: string;
}

/** Why an agent could not take a task (Marathon's `NoOfferMatchReason`). */
export type NoOfferMatchReason =
  | "UnfulfilledRole"
  | "UnfulfilledConstraint"
  | "NoCorrespondingReservationFound"
  | "AgentMaintenance"
  | "InsufficientCpus"
  | "InsufficientMemory"
  | "InsufficientDisk"
  | "InsufficientGpus"
  | "InsufficientPorts"
  | "DeclinedScarceResources";

/**
 * The order in which Marathon reports reasons: an agent that fails several checks is counted under the first of
 * these (Marathon's `NoOfferMatchReason.reasonFunnel`).
 */
export const REASON_FUNNEL: readonly NoOfferMatchReason[] = [
  "UnfulfilledRole",
  "UnfulfilledConstraint",
  "NoCorrespondingReservationFound",
  "AgentMaintenance",
  "InsufficientCpus",
  "InsufficientMemory",
  "InsufficientDisk",
  "InsufficientGpus",
  "InsufficientPorts",
  "DeclinedScarceResources",
];

/** One constraint as Marathon apps write it: `[field, OPERATOR]` or `[field, OPERATOR, value]`. */
export type Constraint = readonly string[];

/** What a task needs to be placed. */
export interface PlacementRequest extends ScalarResources {
  /** Number of host ports to allocate (dynamic). */
  portCount: number;
  /** Exact host ports that must be free (Marathon `requirePorts`); when set, `portCount` is ignored. */
  requiredPorts?: readonly number[];
  constraints?: readonly Constraint[];
  /** Roles the task may use; resources are all unreserved (`*`), so a list without `*` never fits. */
  acceptedResourceRoles?: readonly string[];
}

/** The agent of an already placed instance of the same app (input to constraint evaluation). */
export interface PlacedInstance {
  agentId: string;
}

/** The outcome of evaluating one agent for a request. */
export interface AgentEvaluation {
  agent: Agent;
  /** Empty when the agent fits. */
  reasons: NoOfferMatchReason[];
}

/** The result of {@link AgentCluster.place}. */
export type PlacementResult =
  | { ok: true; agent: Agent; ports: number[]; evaluations: AgentEvaluation[] }
  | { ok: false; evaluations: AgentEvaluation[] };

/** Mesos task states. */
export type { MesosTaskState };

const TERMINAL: ReadonlySet<MesosTaskState> = new Set<MesosTaskState>([
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_UNREACHABLE",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
  "TASK_UNKNOWN",
]);

/** True for states after which the task never runs again. */
export function isTerminalState(state: MesosTaskState): boolean {
  return TERMINAL.has(state);
}
