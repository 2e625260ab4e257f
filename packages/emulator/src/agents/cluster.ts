import { randomUUID } from "node:crypto";
import { meetsConstraint } from "./constraints.js";
import type {
  Agent,
  AgentEvaluation,
  AgentSpec,
  NoOfferMatchReason,
  PlacedInstance,
  PlacementRequest,
  PlacementResult,
  PortRange,
  ScalarResources,
} from "./types.js";
import { REASON_FUNNEL } from "./types.js";

/** Options of {@link AgentCluster}. */
export interface AgentClusterOptions {
  /** First host port of the first agent's default range (default 31000). */
  portRangeStart?: number;
  /** Ports per agent in the default ranges (default 1000). */
  portsPerAgent?: number;
  /** Id prefix of agents without an explicit id (default: a random UUID, like a Mesos master id). */
  clusterId?: string;
}

/** Resources taken by one task. */
export interface Allocation extends ScalarResources {
  agentId: string;
  ports: number[];
}

/** The default agent: 4 cpus, 8192 MB memory, 20000 MB disk. */
export const DEFAULT_AGENT: Required<Pick<AgentSpec, "cpus" | "mem" | "disk" | "gpus">> = {
  cpus: 4,
  mem: 8192,
  disk: 20000,
  gpus: 0,
};

const EPSILON = 1e-9;

/**
 * A small model of a Mesos cluster's agents: their resources, what is allocated to tasks, and where a new task fits
 * (resources, host ports, roles and Marathon constraints). The Marathon emulator schedules onto it; a Mesos master
 * emulator can reuse it.
 */
export class AgentCluster {
  readonly clusterId: string;
  private readonly agentList: Agent[];
  private readonly byId = new Map<string, Agent>();
  private readonly allocations = new Map<string, Allocation>();
  private readonly listeners = new Set<() => void>();
  private readonly portRangeStart: number;
  private readonly portsPerAgent: number;
  private nextIndex = 0;

  constructor(agents: number | readonly AgentSpec[] = 3, options: AgentClusterOptions = {}) {
    this.clusterId = options.clusterId ?? randomUUID();
    this.portRangeStart = options.portRangeStart ?? 31000;
    this.portsPerAgent = options.portsPerAgent ?? 1000;
    const specs: readonly AgentSpec[] =
      typeof agents === "number" ? Array.from({ length: agents }, () => ({})) : agents;
    this.agentList = specs.map((spec, index) => this.agentOf(spec, index));
    for (const agent of this.agentList) {
      if (this.byId.has(agent.id)) throw new Error(`duplicate agent id ${agent.id}`);
      this.byId.set(agent.id, agent);
    }
    this.nextIndex = this.agentList.length;
    for (const [i, a] of this.agentList.entries()) {
      for (const b of this.agentList.slice(i + 1)) assertDisjoint(a, b);
    }
  }

  private agentOf(spec: AgentSpec, index: number): Agent {
    const ports: PortRange = spec.ports ?? {
      begin: this.portRangeStart + index * this.portsPerAgent,
      end: this.portRangeStart + (index + 1) * this.portsPerAgent - 1,
    };
    return {
      id: spec.id ?? `${this.clusterId}-S${index}`,
      hostname: spec.hostname ?? `agent-${index + 1}`,
      address: spec.address ?? "127.0.0.1",
      resources: {
        cpus: spec.cpus ?? DEFAULT_AGENT.cpus,
        mem: spec.mem ?? DEFAULT_AGENT.mem,
        disk: spec.disk ?? DEFAULT_AGENT.disk,
        gpus: spec.gpus ?? DEFAULT_AGENT.gpus,
        ports,
      },
      attributes: { ...(spec.attributes ?? {}) },
      ...(spec.region === undefined ? {} : { region: spec.region }),
      ...(spec.zone === undefined ? {} : { zone: spec.zone }),
    };
  }

  /**
   * Adds an agent (ids, hostnames and default port ranges continue the numbering of the constructor's agents).
   * @throws {Error} when the id is taken or the port range overlaps another agent's.
   */
  addAgent(spec: AgentSpec = {}): Agent {
    const agent = this.agentOf(spec, this.nextIndex);
    if (this.byId.has(agent.id)) throw new Error(`duplicate agent id ${agent.id}`);
    for (const other of this.agentList) assertDisjoint(agent, other);
    this.nextIndex++;
    this.agentList.push(agent);
    this.byId.set(agent.id, agent);
    return agent;
  }

  /** Removes an agent and everything allocated on it; returns false when it is unknown. */
  removeAgent(id: string): boolean {
    const agent = this.byId.get(id);
    if (!agent) return false;
    this.byId.delete(id);
    this.agentList.splice(this.agentList.indexOf(agent), 1);
    let released = false;
    for (const [key, allocation] of this.allocations) {
      if (allocation.agentId !== id) continue;
      this.allocations.delete(key);
      released = true;
    }
    if (released) for (const listener of this.listeners) listener();
    return true;
  }

  /** All agents, in the order they were given. */
  get agents(): readonly Agent[] {
    return this.agentList;
  }

  agent(id: string): Agent | undefined {
    return this.byId.get(id);
  }

  /** Calls `listener` whenever resources are released (a good moment to retry waiting launches). */
  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resources of `agentId` not allocated to any task. */
  free(agentId: string): ScalarResources & { ports: number[] } {
    const agent = this.byId.get(agentId);
    if (!agent) throw new Error(`unknown agent ${agentId}`);
    const used = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
    const usedPorts = new Set<number>();
    for (const allocation of this.allocations.values()) {
      if (allocation.agentId !== agentId) continue;
      used.cpus += allocation.cpus;
      used.mem += allocation.mem;
      used.disk += allocation.disk;
      used.gpus += allocation.gpus;
      for (const port of allocation.ports) usedPorts.add(port);
    }
    const ports: number[] = [];
    for (let port = agent.resources.ports.begin; port <= agent.resources.ports.end; port++) {
      if (!usedPorts.has(port)) ports.push(port);
    }
    return {
      cpus: agent.resources.cpus - used.cpus,
      mem: agent.resources.mem - used.mem,
      disk: agent.resources.disk - used.disk,
      gpus: agent.resources.gpus - used.gpus,
      ports,
    };
  }

  /** Everything currently allocated, by allocation id (the task id). */
  get allocated(): ReadonlyMap<string, Allocation> {
    return this.allocations;
  }

  /**
   * Checks one agent: the reasons it cannot take the request (empty when it can), and the host ports it would use.
   */
  evaluate(
    agent: Agent,
    request: PlacementRequest,
    placed: readonly PlacedInstance[],
  ): { reasons: NoOfferMatchReason[]; ports: number[] } {
    const placedAgents = placed
      .map((instance) => this.byId.get(instance.agentId))
      .filter((a): a is Agent => a !== undefined);
    return evaluateAgent(agent, this.free(agent.id), request, placedAgents);
  }

  /**
   * Finds an agent for `request`. Among the agents that fit, the one with the most free cpus is chosen (ties: the
   * first), which spreads tasks like offers from a real cluster do. Nothing is allocated: call {@link allocate}.
   */
  place(request: PlacementRequest, placed: readonly PlacedInstance[] = []): PlacementResult {
    const evaluations: AgentEvaluation[] = [];
    let best: { agent: Agent; ports: number[]; freeCpus: number } | undefined;
    for (const agent of this.agentList) {
      const { reasons, ports } = this.evaluate(agent, request, placed);
      evaluations.push({ agent, reasons });
      if (reasons.length > 0) continue;
      const freeCpus = this.free(agent.id).cpus;
      if (!best || freeCpus > best.freeCpus + EPSILON) best = { agent, ports, freeCpus };
    }
    if (!best) return { ok: false, evaluations };
    return { ok: true, agent: best.agent, ports: best.ports, evaluations };
  }

  /** Takes resources on an agent for a task; throws when they are not free. */
  allocate(id: string, allocation: Allocation): void {
    if (this.allocations.has(id)) throw new Error(`allocation ${id} exists`);
    const free = this.free(allocation.agentId);
    const freePorts = new Set(free.ports);
    if (
      free.cpus + EPSILON < allocation.cpus ||
      free.mem + EPSILON < allocation.mem ||
      free.disk + EPSILON < allocation.disk ||
      free.gpus + EPSILON < allocation.gpus ||
      !allocation.ports.every((port) => freePorts.has(port))
    ) {
      throw new Error(`resources for ${id} are not free on agent ${allocation.agentId}`);
    }
    this.allocations.set(id, { ...allocation, ports: [...allocation.ports] });
  }

  /** Gives back the resources of a task (no-op when unknown). */
  release(id: string): void {
    if (!this.allocations.delete(id)) return;
    for (const listener of this.listeners) listener();
  }
}

function assertDisjoint(a: Agent, b: Agent): void {
  const pa = a.resources.ports;
  const pb = b.resources.ports;
  if (pa.begin <= pb.end && pb.begin <= pa.end) {
    throw new Error(`port ranges of agents ${a.id} and ${b.id} overlap; give each agent its own range`);
  }
}

/**
 * Checks whether `request` fits into resources `available` on `agent` (free resources of the agent, or the resources
 * of an offer): the reasons it does not (empty when it does, ordered like Marathon's reason funnel) and the host ports
 * it would use. `placed` are the agents of the instances of the same app that already run (for constraints).
 */
export function evaluateAgent(
  agent: Agent,
  available: ScalarResources & { ports: readonly number[] },
  request: PlacementRequest,
  placed: readonly Agent[],
): { reasons: NoOfferMatchReason[]; ports: number[] } {
  const reasons: NoOfferMatchReason[] = [];
  const roles = request.acceptedResourceRoles;
  if (roles && roles.length > 0 && !roles.includes("*")) reasons.push("UnfulfilledRole");
  for (const constraint of request.constraints ?? []) {
    if (!meetsConstraint(agent, constraint, placed)) {
      reasons.push("UnfulfilledConstraint");
      break;
    }
  }
  if (available.cpus + EPSILON < request.cpus) reasons.push("InsufficientCpus");
  if (available.mem + EPSILON < request.mem) reasons.push("InsufficientMemory");
  if (available.disk + EPSILON < request.disk) reasons.push("InsufficientDisk");
  if (available.gpus + EPSILON < request.gpus) reasons.push("InsufficientGpus");
  let ports: number[] = [];
  if (request.requiredPorts && request.requiredPorts.length > 0) {
    const free = new Set(available.ports);
    if (request.requiredPorts.every((port) => free.has(port))) ports = [...request.requiredPorts];
    else reasons.push("InsufficientPorts");
  } else if (request.portCount > 0) {
    if (available.ports.length >= request.portCount) ports = available.ports.slice(0, request.portCount);
    else reasons.push("InsufficientPorts");
  }
  reasons.sort((a, b) => REASON_FUNNEL.indexOf(a) - REASON_FUNNEL.indexOf(b));
  return { reasons, ports };
}
