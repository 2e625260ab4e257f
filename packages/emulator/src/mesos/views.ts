import { stringifyMesosJson } from "@bsaas/sdk/mesos";
import { type Agent, isTerminalState, type MesosTaskState } from "../agents/types.js";
import { list, number, text } from "./access.js";
import { isRecord, type MesosJson, type MesosObject, seconds, timeInfo } from "./json.js";
import type { MesosMaster } from "./master.js";
import {
  add,
  agentTotal,
  attributesJson,
  domainJson,
  emptyBag,
  legacyResources,
  type ResourceBag,
  rangesText,
  resourcesJson,
  round,
} from "./resources.js";
import type { FrameworkRecord, TaskRecord } from "./state.js";

/** The JSON the master writes (bigints exact). */
export function stringify(value: MesosJson): string {
  return stringifyMesosJson(value);
}

/** The roles of a framework: `roles` (MULTI_ROLE) or the single `role` (default `*`). */
export function rolesOf(fw: FrameworkRecord): string[] {
  const roles = list(fw.info, "roles").filter((r): r is string => typeof r === "string");
  if (roles.length > 0) return roles;
  return [text(fw.info, "role") ?? "*"];
}

/** Whether a framework declared a capability (`PARTITION_AWARE`, `TASK_KILLING_STATE`...). */
export function hasCapability(fw: FrameworkRecord, type: string): boolean {
  return list(fw.info, "capabilities").some((c) => isRecord(c) && c.type === type);
}

/** Mesos' text form of resources, for messages: `cpus:1; mem:128; ports:[31000-31000]`. */
export function resourcesText(bag: ResourceBag): string {
  const parts: string[] = [];
  for (const name of ["cpus", "mem", "disk", "gpus"] as const) {
    if (bag[name] > 0) parts.push(`${name}:${round(bag[name])}`);
  }
  if (bag.ports.length > 0) parts.push(`ports:${rangesText(bag.ports)}`);
  return parts.join("; ") || "{}";
}

const AGENT_PORT = 5051;

/** The agent's URL as offers carry it. */
export function agentUrl(agent: Agent): MesosObject {
  return {
    scheme: "http",
    address: { hostname: agent.hostname, ip: agent.address, port: AGENT_PORT },
    path: "/slave(1)",
  };
}

function agentPid(agent: Agent): string {
  return `slave(1)@${agent.address}:${AGENT_PORT}`;
}

function usedOnAgent(master: MesosMaster, agentId: string): { used: ResourceBag; offered: ResourceBag } {
  let used = emptyBag();
  let offered = emptyBag();
  for (const task of master.state.tasks.values()) {
    if (task.agentId === agentId && isActive(task.state)) used = add(used, task.resources);
  }
  for (const offer of master.state.offers.values()) {
    if (offer.agentId === agentId) offered = add(offered, offer.resources);
  }
  return { used, offered };
}

function isActive(state: MesosTaskState): boolean {
  return !isTerminalState(state);
}

/** An agent as GET_AGENTS and AGENT_ADDED show it. */
export function agentJson(master: MesosMaster, agent: Agent): MesosObject {
  const registered = master.state.agents.get(agent.id)?.registeredTime ?? master.startTime;
  const total = agentTotal(agent);
  const { used, offered } = usedOnAgent(master, agent.id);
  const info: MesosObject = {
    hostname: agent.hostname,
    port: AGENT_PORT,
    resources: resourcesJson(total),
    attributes: attributesJson(agent),
    id: { value: agent.id },
  };
  const domain = domainJson(agent);
  if (domain) info.domain = domain;
  return {
    agent_info: info,
    active: true,
    deactivated: false,
    pid: agentPid(agent),
    registered_time: timeInfo(registered),
    total_resources: resourcesJson(total),
    allocated_resources: resourcesJson(used, { allocationRole: "*" }),
    offered_resources: resourcesJson(offered, { allocationRole: "*" }),
    capabilities: [
      { type: "MULTI_ROLE" },
      { type: "HIERARCHICAL_ROLE" },
      { type: "RESERVATION_REFINEMENT" },
      { type: "RESOURCE_PROVIDER" },
      { type: "TASK_NO_EXECUTOR" },
    ],
    version: master.version,
  };
}

/** A task (v1 `Task`). */
export function taskJson(master: MesosMaster, task: TaskRecord): MesosObject {
  const out: MesosObject = {
    name: task.name,
    task_id: { value: task.taskId },
    framework_id: { value: task.frameworkId },
    agent_id: { value: task.agentId },
    state: task.state,
    resources: resourcesJson(task.resources, { allocationRole: task.role }),
    statuses: task.statuses,
  };
  if (task.executorId !== undefined && task.executorId !== task.taskId) {
    out.executor_id = { value: task.executorId };
  }
  const pending = master.pendingOf(task);
  if (pending) {
    out.status_update_state = pending.state;
    out.status_update_uuid = pending.uuid;
  } else {
    const last = task.statuses[task.statuses.length - 1];
    if (last) out.status_update_state = last.state;
  }
  for (const key of ["labels", "discovery", "container", "health_check", "kill_policy"]) {
    const value = task.info[key];
    if (value !== undefined) out[key] = value;
  }
  const fw = master.state.frameworks.get(task.frameworkId);
  const user = fw ? text(fw.info, "user") : undefined;
  if (user !== undefined) out.user = user;
  if (task.unreachableTime !== undefined) out.unreachable_time = timeInfo(task.unreachableTime);
  return out;
}

/** A framework as GET_FRAMEWORKS and FRAMEWORK_ADDED/UPDATED show it. */
export function frameworkJson(master: MesosMaster, fw: FrameworkRecord): MesosObject {
  let used = emptyBag();
  for (const task of fw.tasks.values()) used = add(used, task.resources);
  const offers: MesosObject[] = [];
  let offered = emptyBag();
  for (const id of fw.offers) {
    const offer = master.state.offers.get(id);
    if (!offer) continue;
    offers.push(offer.json);
    offered = add(offered, offer.resources);
  }
  const role = rolesOf(fw)[0] ?? "*";
  const out: MesosObject = {
    framework_info: fw.info,
    active: fw.active,
    connected: fw.connected,
    recovered: fw.recovered,
    registered_time: timeInfo(fw.registeredTime),
    reregistered_time: timeInfo(fw.reregisteredTime),
    offers,
    inverse_offers: [],
    allocated_resources: resourcesJson(used, { allocationRole: role }),
    offered_resources: resourcesJson(offered, { allocationRole: role }),
  };
  if (fw.unregisteredTime !== undefined) out.unregistered_time = timeInfo(fw.unregisteredTime);
  return out;
}

export function getAgents(master: MesosMaster): MesosObject {
  return {
    agents: master.state.cluster.agents.map((agent) => agentJson(master, agent)),
    recovered_agents: [],
  };
}

export function getFrameworks(master: MesosMaster): MesosObject {
  return {
    frameworks: [...master.state.frameworks.values()].map((fw) => frameworkJson(master, fw)),
    completed_frameworks: master.state.completedFrameworks.map((fw) => frameworkJson(master, fw)),
  };
}

export function getTasks(master: MesosMaster): MesosObject {
  const tasks: MesosObject[] = [];
  const unreachable: MesosObject[] = [];
  const completed: MesosObject[] = [];
  for (const fw of [...master.state.frameworks.values(), ...master.state.completedFrameworks]) {
    for (const task of fw.tasks.values()) tasks.push(taskJson(master, task));
    for (const task of fw.unreachableTasks.values()) unreachable.push(taskJson(master, task));
    for (const task of fw.completedTasks) completed.push(taskJson(master, task));
  }
  return {
    pending_tasks: [],
    tasks,
    unreachable_tasks: unreachable,
    completed_tasks: completed,
    orphan_tasks: [],
  };
}

export function getExecutors(master: MesosMaster): MesosObject {
  const executors: MesosObject[] = [];
  for (const fw of master.state.frameworks.values()) {
    for (const executor of fw.executors.values()) {
      executors.push({ executor_info: executor.info, agent_id: { value: executor.agentId } });
    }
  }
  return { executors, orphan_executors: [] };
}

export function getState(master: MesosMaster): MesosObject {
  return {
    get_tasks: getTasks(master),
    get_executors: getExecutors(master),
    get_frameworks: getFrameworks(master),
    get_agents: getAgents(master),
  };
}

export function getRoles(master: MesosMaster): MesosObject {
  const roles = new Map<string, { frameworks: string[]; used: ResourceBag }>();
  roles.set("*", { frameworks: [], used: emptyBag() });
  for (const fw of master.state.frameworks.values()) {
    for (const role of rolesOf(fw)) {
      const entry = roles.get(role) ?? { frameworks: [], used: emptyBag() };
      entry.frameworks.push(fw.id);
      roles.set(role, entry);
    }
    const first = rolesOf(fw)[0] ?? "*";
    const entry = roles.get(first);
    if (entry) for (const task of fw.tasks.values()) entry.used = add(entry.used, task.resources);
  }
  return {
    roles: [...roles.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, entry]) => ({
        name,
        weight: 1,
        frameworks: entry.frameworks.map((value) => ({ value })),
        resources: resourcesJson(entry.used, { allocationRole: name }),
        allocated: resourcesJson(entry.used, { allocationRole: name }),
      })),
  };
}

export function getMaster(master: MesosMaster): MesosObject {
  const out: MesosObject = { master_info: master.info(), start_time: seconds(master.startTime) };
  if (master.electedTime !== undefined) out.elected_time = seconds(master.electedTime);
  return out;
}

const BUILD_TIME = 1_700_000_000;
const BUILD_DATE = "2023-11-14 22:13:20";

export function versionJson(master: MesosMaster): MesosObject {
  return {
    version_info: {
      version: master.version,
      build_date: BUILD_DATE,
      build_time: BUILD_TIME,
      build_user: "bsaas-emulator",
    },
  };
}

/** The `/version` body. */
export function legacyVersion(master: MesosMaster): MesosObject {
  return {
    version: master.version,
    build_date: BUILD_DATE,
    build_time: BUILD_TIME,
    build_user: "bsaas-emulator",
  };
}

function flagMap(master: MesosMaster): Record<string, string> {
  return {
    allocation_interval: `${master.allocationIntervalMs}ms`,
    allocator: "HierarchicalDRF",
    authenticate_agents: "false",
    authenticate_frameworks: "false",
    authenticate_http_frameworks: "false",
    authenticate_http_readonly: "false",
    authenticate_http_readwrite: "false",
    cluster: master.clusterName,
    framework_sorter: "drf",
    hostname: master.hostname,
    hostname_lookup: "false",
    ip: master.ip,
    logging_level: "INFO",
    max_completed_frameworks: "50",
    max_completed_tasks_per_framework: "1000",
    offer_timeout: master.offerTimeoutMs === undefined ? "" : `${master.offerTimeoutMs}ms`,
    port: String(master.port),
    quiet: "false",
    registry: "in_memory",
    root_submissions: "true",
    user_sorter: "drf",
    version: "false",
    work_dir: "/var/lib/mesos",
    zk_session_timeout: "10secs",
  };
}

/** GET_FLAGS' list. */
export function flags(master: MesosMaster): MesosObject[] {
  return Object.entries(flagMap(master)).map(([name, value]) => ({ name, value }));
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy endpoints
// ---------------------------------------------------------------------------------------------------------------

const SUMMARY_STATES: MesosTaskState[] = [
  "TASK_STAGING",
  "TASK_STARTING",
  "TASK_RUNNING",
  "TASK_KILLING",
  "TASK_FINISHED",
  "TASK_KILLED",
  "TASK_FAILED",
  "TASK_LOST",
  "TASK_ERROR",
  "TASK_UNREACHABLE",
];

function stateCounts(tasks: Iterable<TaskRecord>): MesosObject {
  const counts: MesosObject = {};
  for (const state of SUMMARY_STATES) counts[state] = 0;
  for (const task of tasks) counts[task.state] = (Number(counts[task.state] ?? 0) || 0) + 1;
  return counts;
}

/** A task in the legacy shape (`id`, `slave_id`, flattened resources). */
export function legacyTask(master: MesosMaster, task: TaskRecord): MesosObject {
  const fw = master.state.frameworks.get(task.frameworkId);
  const out: MesosObject = {
    id: task.taskId,
    name: task.name,
    framework_id: task.frameworkId,
    executor_id: task.executorId === undefined || task.executorId === task.taskId ? "" : task.executorId,
    slave_id: task.agentId,
    state: task.state,
    resources: legacyResources(task.resources),
    role: task.role,
    statuses: task.statuses.map((status) => {
      const entry: MesosObject = { state: status.state, timestamp: status.timestamp };
      if (status.container_status !== undefined) entry.container_status = status.container_status;
      return entry;
    }),
  };
  const user = fw ? text(fw.info, "user") : undefined;
  if (user !== undefined) out.user = user;
  for (const key of ["labels", "discovery", "container", "health_check"]) {
    const value = task.info[key];
    if (value === undefined) continue;
    out[key] = key === "labels" && isRecord(value) ? (value.labels as MesosJson) : (value as MesosJson);
  }
  return out;
}

function legacySlave(master: MesosMaster, agent: Agent): MesosObject {
  const { used, offered } = usedOnAgent(master, agent.id);
  const total = agentTotal(agent);
  const registered = master.state.agents.get(agent.id)?.registeredTime ?? master.startTime;
  const attrs: MesosObject = {};
  for (const [name, value] of Object.entries(agent.attributes)) attrs[name] = value;
  return {
    id: agent.id,
    pid: agentPid(agent),
    hostname: agent.hostname,
    port: AGENT_PORT,
    registered_time: seconds(registered),
    resources: legacyResources(total),
    used_resources: legacyResources(used),
    offered_resources: legacyResources(offered),
    reserved_resources: {},
    unreserved_resources: legacyResources(total),
    attributes: attrs,
    active: true,
    deactivated: false,
    version: master.version,
    capabilities: ["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER"],
  };
}

function legacyFrameworkSummary(master: MesosMaster, fw: FrameworkRecord): MesosObject {
  let used = emptyBag();
  for (const task of fw.tasks.values()) used = add(used, task.resources);
  let offered = emptyBag();
  for (const id of fw.offers) {
    const offer = master.state.offers.get(id);
    if (offer) offered = add(offered, offer.resources);
  }
  return {
    id: fw.id,
    name: text(fw.info, "name") ?? "",
    used_resources: legacyResources(used),
    offered_resources: legacyResources(offered),
    capabilities: list(fw.info, "capabilities")
      .map((c) => text(c, "type"))
      .filter((c): c is string => c !== undefined),
    hostname: text(fw.info, "hostname") ?? "",
    webui_url: text(fw.info, "webui_url") ?? "",
    active: fw.active,
    connected: fw.connected,
    recovered: fw.recovered,
  };
}

function legacyFramework(master: MesosMaster, fw: FrameworkRecord): MesosObject {
  const roles = list(fw.info, "roles").filter((r): r is string => typeof r === "string");
  let used = emptyBag();
  for (const task of fw.tasks.values()) used = add(used, task.resources);
  const out: MesosObject = {
    ...legacyFrameworkSummary(master, fw),
    user: text(fw.info, "user") ?? "",
    failover_timeout: number(fw.info, "failover_timeout") ?? 0,
    checkpoint: fw.info.checkpoint === true,
    registered_time: seconds(fw.registeredTime),
    unregistered_time: seconds(fw.unregisteredTime ?? 0),
    resources: legacyResources(used),
    tasks: [...fw.tasks.values()].map((task) => legacyTask(master, task)),
    unreachable_tasks: [...fw.unreachableTasks.values()].map((task) => legacyTask(master, task)),
    completed_tasks: fw.completedTasks.map((task) => legacyTask(master, task)),
    offers: [...fw.offers]
      .map((id) => master.state.offers.get(id))
      .filter((offer) => offer !== undefined)
      .map((offer) => ({
        id: offer.id,
        framework_id: offer.frameworkId,
        slave_id: offer.agentId,
        resources: legacyResources(offer.resources),
      })),
    executors: [...fw.executors.entries()].map(([id, executor]) => ({
      executor_id: id,
      name: text(executor.info, "name") ?? "",
      framework_id: fw.id,
      slave_id: executor.agentId,
    })),
  };
  if (roles.length > 0) out.roles = roles;
  else out.role = text(fw.info, "role") ?? "*";
  const principal = text(fw.info, "principal");
  if (principal !== undefined) out.principal = principal;
  if (fw.reregisteredTime !== fw.registeredTime) out.reregistered_time = seconds(fw.reregisteredTime);
  const labels = fw.info.labels;
  if (isRecord(labels) && Array.isArray(labels.labels)) out.labels = labels.labels as MesosJson;
  const allTasks = [...fw.tasks.values(), ...fw.unreachableTasks.values(), ...fw.completedTasks];
  Object.assign(out, stateCounts(allTasks));
  return out;
}

/** `/master/state` (legacy shape: `slaves`, flattened resources, legacy tasks). */
export function legacyState(master: MesosMaster): MesosObject {
  const flagsObject: MesosObject = {};
  for (const [name, value] of Object.entries(flagMap(master))) flagsObject[name] = value;
  const leader = master.leaderInfo;
  const out: MesosObject = {
    version: master.version,
    build_date: BUILD_DATE,
    build_time: BUILD_TIME,
    build_user: "bsaas-emulator",
    start_time: seconds(master.startTime),
    id: master.id,
    pid: master.pid,
    hostname: master.hostname,
    capabilities: ["AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"],
    activated_slaves: master.state.cluster.agents.length,
    deactivated_slaves: 0,
    unreachable_slaves: 0,
    cluster: master.clusterName,
    log_dir: "/var/log/mesos",
    flags: flagsObject,
    slaves: master.state.cluster.agents.map((agent) => legacySlave(master, agent)),
    recovered_slaves: [],
    frameworks: [...master.state.frameworks.values()].map((fw) => legacyFramework(master, fw)),
    completed_frameworks: master.state.completedFrameworks.map((fw) => legacyFramework(master, fw)),
    orphan_tasks: [],
    unregistered_frameworks: [],
  };
  if (master.electedTime !== undefined) out.elected_time = seconds(master.electedTime);
  if (leader) {
    out.leader = typeof leader.pid === "string" ? leader.pid : "";
    out.leader_info = leader;
  }
  return out;
}

/** `/master/state-summary`. */
export function legacyStateSummary(master: MesosMaster): MesosObject {
  return {
    hostname: master.hostname,
    cluster: master.clusterName,
    slaves: master.state.cluster.agents.map((agent) => {
      const slave = legacySlave(master, agent);
      const tasks = [...master.state.tasks.values()].filter((t) => t.agentId === agent.id);
      const frameworkIds = [...new Set(tasks.filter((t) => isActive(t.state)).map((t) => t.frameworkId))];
      return {
        id: slave.id,
        pid: slave.pid,
        hostname: slave.hostname,
        registered_time: slave.registered_time,
        resources: slave.resources,
        used_resources: slave.used_resources,
        offered_resources: slave.offered_resources,
        reserved_resources: slave.reserved_resources,
        unreserved_resources: slave.unreserved_resources,
        attributes: slave.attributes,
        active: true,
        version: master.version,
        ...stateCounts(tasks),
        framework_ids: frameworkIds,
      };
    }),
    frameworks: [...master.state.frameworks.values()].map((fw) => {
      const allTasks = [...fw.tasks.values(), ...fw.unreachableTasks.values(), ...fw.completedTasks];
      return {
        ...legacyFrameworkSummary(master, fw),
        ...stateCounts(allTasks),
        slave_ids: [...new Set([...fw.tasks.values()].map((t) => t.agentId))],
      };
    }),
  };
}
