import type { Agent } from "../agents/types.js";
import { isRecord, type MesosObject } from "./json.js";

/** Resources as amounts: the standard scalars and a sorted list of port numbers. */
export interface ResourceBag {
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  ports: number[];
}

const EPSILON = 1e-9;
const SCALARS = ["cpus", "mem", "disk", "gpus"] as const;

/** Mesos' smallest offerable amounts (`MIN_CPUS`, `MIN_MEM`): an agent with less of both is not offered. */
export const MIN_CPUS = 0.01;
export const MIN_MEM = 32;

export function emptyBag(): ResourceBag {
  return { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
}

/** Port numbers as inclusive ranges (`[1,2,3,7]` → `[{begin:1,end:3},{begin:7,end:7}]`). */
export function rangesOf(ports: readonly number[]): { begin: number; end: number }[] {
  const sorted = [...ports].sort((a, b) => a - b);
  const out: { begin: number; end: number }[] = [];
  for (const port of sorted) {
    const last = out[out.length - 1];
    if (last && port === last.end + 1) last.end = port;
    else if (!last || port > last.end) out.push({ begin: port, end: port });
  }
  return out;
}

/** Mesos' text form of ranges: `[31000-31001, 31005-31005]`. */
export function rangesText(ports: readonly number[]): string {
  return `[${rangesOf(ports)
    .map((r) => `${r.begin}-${r.end}`)
    .join(", ")}]`;
}

/** Options of {@link resourcesJson}. */
export interface ResourcesJsonOptions {
  /** Adds `allocation_info: {role}` to every resource (allocated and offered resources carry it). */
  allocationRole?: string;
}

/** `Resource` messages (v1 JSON) for a bag: scalars above zero, then `ports` as RANGES. */
export function resourcesJson(bag: ResourceBag, options: ResourcesJsonOptions = {}): MesosObject[] {
  const out: MesosObject[] = [];
  const extra: MesosObject = { role: "*" };
  if (options.allocationRole !== undefined) extra.allocation_info = { role: options.allocationRole };
  for (const name of SCALARS) {
    const value = bag[name];
    if (value > EPSILON) out.push({ name, type: "SCALAR", scalar: { value: round(value) }, ...extra });
  }
  if (bag.ports.length > 0) {
    out.push({ name: "ports", type: "RANGES", ranges: { range: rangesOf(bag.ports) }, ...extra });
  }
  return out;
}

/** The flattened map the legacy endpoints use: `{cpus, mem, disk, gpus, ports: "[31000-31001]"}`. */
export function legacyResources(bag: ResourceBag): MesosObject {
  const out: MesosObject = {
    cpus: round(bag.cpus),
    disk: round(bag.disk),
    gpus: round(bag.gpus),
    mem: round(bag.mem),
  };
  if (bag.ports.length > 0) out.ports = rangesText(bag.ports);
  return out;
}

/** Rounds away floating point noise (0.30000000000000004 → 0.3), as Mesos' fixed-point scalars do. */
export function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * Reads `Resource` messages into a bag. Unknown names are ignored; a resource of the wrong type, a negative scalar or
 * a bad range is an error (returned as text).
 */
export function parseResources(list: unknown): { bag: ResourceBag; error?: string } {
  const bag = emptyBag();
  if (list === undefined) return { bag };
  if (!Array.isArray(list)) return { bag, error: "'resources' must be an array" };
  const ports = new Set<number>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== "string") return { bag, error: "a resource has no name" };
    const name = item.name;
    if ((SCALARS as readonly string[]).includes(name)) {
      const scalar = isRecord(item.scalar) ? item.scalar.value : undefined;
      if (item.type !== "SCALAR" || typeof scalar !== "number" || !Number.isFinite(scalar) || scalar < 0) {
        return { bag, error: `resource '${name}' must be a non-negative SCALAR` };
      }
      bag[name as (typeof SCALARS)[number]] += scalar;
    } else if (name === "ports") {
      const range = isRecord(item.ranges) ? item.ranges.range : undefined;
      if (item.type !== "RANGES" || !Array.isArray(range)) {
        return { bag, error: "resource 'ports' must be RANGES" };
      }
      for (const r of range) {
        const begin = isRecord(r) ? r.begin : undefined;
        const end = isRecord(r) ? r.end : undefined;
        if (
          typeof begin !== "number" ||
          typeof end !== "number" ||
          !Number.isInteger(begin) ||
          !Number.isInteger(end) ||
          begin > end ||
          begin < 0 ||
          end > 65535
        ) {
          return { bag, error: "resource 'ports' has an invalid range" };
        }
        for (let port = begin; port <= end; port++) ports.add(port);
      }
    }
  }
  bag.ports = [...ports].sort((a, b) => a - b);
  return { bag };
}

/** `a` ⊆ `b`: every scalar of `a` at most `b`'s, every port of `a` in `b`. */
export function contains(b: ResourceBag, a: ResourceBag): boolean {
  for (const name of SCALARS) if (a[name] > b[name] + EPSILON) return false;
  const have = new Set(b.ports);
  return a.ports.every((port) => have.has(port));
}

export function add(a: ResourceBag, b: ResourceBag): ResourceBag {
  const ports = new Set([...a.ports, ...b.ports]);
  return {
    cpus: a.cpus + b.cpus,
    mem: a.mem + b.mem,
    disk: a.disk + b.disk,
    gpus: a.gpus + b.gpus,
    ports: [...ports].sort((x, y) => x - y),
  };
}

/** `a` − `b` (scalars floored at 0, ports removed). */
export function subtract(a: ResourceBag, b: ResourceBag): ResourceBag {
  const gone = new Set(b.ports);
  return {
    cpus: Math.max(0, a.cpus - b.cpus),
    mem: Math.max(0, a.mem - b.mem),
    disk: Math.max(0, a.disk - b.disk),
    gpus: Math.max(0, a.gpus - b.gpus),
    ports: a.ports.filter((port) => !gone.has(port)),
  };
}

export function isEmptyBag(bag: ResourceBag): boolean {
  return SCALARS.every((name) => bag[name] <= EPSILON) && bag.ports.length === 0;
}

/** Whether Mesos would offer these resources at all (at least `MIN_CPUS` cpus or `MIN_MEM` memory). */
export function allocatable(bag: ResourceBag): boolean {
  return bag.cpus + EPSILON >= MIN_CPUS || bag.mem + EPSILON >= MIN_MEM;
}

/** The total resources of an agent. */
export function agentTotal(agent: Agent): ResourceBag {
  const ports: number[] = [];
  for (let port = agent.resources.ports.begin; port <= agent.resources.ports.end; port++) ports.push(port);
  return {
    cpus: agent.resources.cpus,
    mem: agent.resources.mem,
    disk: agent.resources.disk,
    gpus: agent.resources.gpus,
    ports,
  };
}

/** The dominant share of `used` in `total` (largest fraction over the scalars the cluster has). */
export function dominantShare(used: ResourceBag, total: ResourceBag): number {
  let share = 0;
  for (const name of SCALARS) {
    if (total[name] > EPSILON) share = Math.max(share, used[name] / total[name]);
  }
  return share;
}

/** `Attribute` messages of an agent: every attribute is TEXT. */
export function attributesJson(agent: Agent): MesosObject[] {
  return Object.entries(agent.attributes).map(([name, value]) => ({
    name,
    type: "TEXT",
    text: { value },
  }));
}

/** `DomainInfo` of an agent with a region and a zone (both are required in a fault domain), else undefined. */
export function domainJson(agent: Agent): MesosObject | undefined {
  if (agent.region === undefined || agent.zone === undefined) return undefined;
  return { fault_domain: { region: { name: agent.region }, zone: { name: agent.zone } } };
}
