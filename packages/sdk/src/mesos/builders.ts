/**
 * Builders of the messages a scheduler sends most: `TaskInfo`s for command and Docker tasks, resources and decline
 * filters. They return plain JSON values (numbers, no bigints) that parse with the schemas of `./schemas/`, and throw a
 * {@link BsaasError} (code `MESOS_TASK_INVALID`) naming the field when the inputs do not make a valid task.
 */
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { BsaasError } from "../errors.js";
import type { ResourceInput } from "./schemas/common.js";
import type { Filters } from "./schemas/framework.js";
import type { HealthCheckSchema, TaskInfoInput } from "./schemas/task.js";

/** Error code of the builders. */
export const TASK_INVALID = "MESOS_TASK_INVALID";

function invalid(field: string, problem: string): BsaasError {
  return new BsaasError(TASK_INVALID, `Invalid Mesos task: ${field} ${problem}`, {
    hint: `Fix ${field} in the task definition.`,
  });
}

function positive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw invalid(field, `must be a positive number, got ${value}`);
}

function port(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw invalid(field, `must be a port number (0-65535), got ${value}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

/**
 * A SCALAR resource, e.g. `scalar("cpus", 0.5)`. `role` is the role the offer was allocated to
 * (`Offer.allocation_info.role`): it becomes the resource's `allocation_info`, which MULTI_ROLE frameworks must set.
 */
export function scalar(name: string, value: number, role?: string): ResourceInput {
  return {
    name,
    type: "SCALAR",
    scalar: { value },
    ...(role === undefined ? {} : { allocation_info: { role } }),
  };
}

/** A RANGES resource of inclusive `[begin, end]` pairs, e.g. `ranges("ports", [[31000, 31001]])`. */
export function ranges(
  name: string,
  pairs: readonly (readonly [number, number])[],
  role?: string,
): ResourceInput {
  return {
    name,
    type: "RANGES",
    ranges: { range: pairs.map(([begin, end]) => ({ begin, end })) },
    ...(role === undefined ? {} : { allocation_info: { role } }),
  };
}

/** Sorts and merges port numbers into inclusive ranges: `[31002, 31000, 31001, 31005]` → `[[31000, 31002], [31005, 31005]]`. */
export function mergePorts(ports: readonly number[]): [number, number][] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && p === last[1] + 1) last[1] = p;
    else out.push([p, p]);
  }
  return out;
}

/** `Filters` for DECLINE/ACCEPT: do not offer these resources again for `refuseSeconds` (Mesos caps it at a year). */
export function declineFilters(refuseSeconds: number): Filters {
  if (!Number.isFinite(refuseSeconds) || refuseSeconds < 0) {
    throw new BsaasError(
      "MESOS_CALL_INVALID",
      `refuseSeconds must be a non-negative number, got ${refuseSeconds}`,
    );
  }
  return { refuse_seconds: refuseSeconds };
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks
// ---------------------------------------------------------------------------------------------------------------

/** A file the Mesos fetcher downloads into the sandbox before the task starts (`CommandInfo.URI`). */
export interface TaskUri {
  value: string;
  /** Unpack archives (default true in Mesos). */
  extract?: boolean;
  executable?: boolean;
  cache?: boolean;
  outputFile?: string;
}

/** What both task builders take. */
export interface TaskOptions {
  /** Task name (shown in the UI; need not be unique). */
  name: string;
  /** Task id; default `<name>.<uuid>`. Must be unique within the framework. */
  taskId?: string;
  /** The agent of the offer the task is launched from. */
  agentId: string;
  cpus: number;
  /** Memory in MB. */
  mem: number;
  /** Disk in MB; no disk resource when absent or 0. */
  disk?: number;
  /** Host ports to reserve, taken from the offer's `ports` (→ one RANGES resource of merged ranges). */
  ports?: number[];
  /** The role the offer was allocated to (`Offer.allocation_info.role`), set on every resource. */
  role?: string;
  /** Environment variables. */
  env?: Record<string, string>;
  /** Files to fetch into the sandbox. */
  uris?: (string | TaskUri)[];
  labels?: Record<string, string>;
  /** A `HealthCheck` message (mesos.proto), as JSON. */
  healthCheck?: z.input<typeof HealthCheckSchema>;
  /** Time between SIGTERM and SIGKILL when the task is killed (`kill_policy.grace_period`). */
  killGracePeriodSeconds?: number;
}

/** Options of {@link commandTask}. */
export interface CommandTaskOptions extends TaskOptions {
  /** A shell command (`/bin/sh -c`), or an argv run without a shell (`argv[0]` is the executable). */
  command: string | { argv: string[] };
}

/** Options of {@link dockerTask}. */
export interface DockerTaskOptions extends TaskOptions {
  /**
   * What to run in the image: a shell command (`/bin/sh -c` replaces the entrypoint), an argv passed to the image's
   * entrypoint (`docker run IMAGE argv...`), or nothing (the image's entrypoint and CMD).
   */
  command?: string | { argv: string[] };
  image: string;
  network: "HOST" | "BRIDGE" | "USER";
  /** The user-defined network to join; required with `USER` (→ `container.network_infos[].name`). */
  networkName?: string;
  /** Container ports published on host ports (BRIDGE and USER only). Host ports are added to `ports` if missing. */
  portMappings?: { hostPort: number; containerPort: number; protocol?: "tcp" | "udp" | string }[];
  /** Extra `docker run --key=value` options. */
  parameters?: { key: string; value: string }[];
  volumes?: { containerPath: string; hostPath?: string; mode: "RW" | "RO" }[];
  forcePullImage?: boolean;
  privileged?: boolean;
}

type CommandInfoInput = NonNullable<TaskInfoInput["command"]>;

function baseTask(options: TaskOptions, extraPorts: readonly number[]): TaskInfoInput {
  if (!options.name) throw invalid("name", "must not be empty");
  if (!options.agentId) throw invalid("agentId", "must not be empty");
  if (options.taskId !== undefined && !options.taskId) throw invalid("taskId", "must not be empty");
  positive("cpus", options.cpus);
  positive("mem", options.mem);
  if (options.disk !== undefined && (!Number.isFinite(options.disk) || options.disk < 0)) {
    throw invalid("disk", `must be a non-negative number, got ${options.disk}`);
  }
  const ports = [...(options.ports ?? [])];
  ports.forEach((p, i) => {
    port(`ports[${i}]`, p);
  });
  for (const p of extraPorts) if (!ports.includes(p)) ports.push(p);

  const { role } = options;
  const resources: ResourceInput[] = [scalar("cpus", options.cpus, role), scalar("mem", options.mem, role)];
  if (options.disk) resources.push(scalar("disk", options.disk, role));
  if (ports.length > 0) resources.push(ranges("ports", mergePorts(ports), role));

  const task: TaskInfoInput = {
    name: options.name,
    task_id: { value: options.taskId ?? `${options.name}.${randomUUID()}` },
    agent_id: { value: options.agentId },
    resources,
  };
  if (options.labels !== undefined) {
    task.labels = { labels: Object.entries(options.labels).map(([key, value]) => ({ key, value })) };
  }
  if (options.healthCheck !== undefined) task.health_check = options.healthCheck;
  if (options.killGracePeriodSeconds !== undefined) {
    const s = options.killGracePeriodSeconds;
    if (!Number.isFinite(s) || s < 0) throw invalid("killGracePeriodSeconds", `must be ≥ 0, got ${s}`);
    task.kill_policy = { grace_period: { nanoseconds: Math.round(s * 1e9) } };
  }
  return task;
}

function commandInfo(
  options: TaskOptions,
  command: string | { argv: string[] } | undefined,
  docker: boolean,
): CommandInfoInput {
  const info: CommandInfoInput = {};
  if (typeof command === "string") {
    if (!command.trim()) throw invalid("command", "must not be empty");
    info.shell = true;
    info.value = command;
  } else if (command !== undefined) {
    if (command.argv.length === 0) throw invalid("command.argv", "must not be empty");
    info.shell = false;
    if (docker) {
      // Docker runs `docker run IMAGE value? arguments...`: the argv goes to the entrypoint.
      info.arguments = [...command.argv];
    } else {
      info.value = command.argv[0];
      info.arguments = [...command.argv];
    }
  } else {
    info.shell = false;
  }
  if (options.env !== undefined) {
    info.environment = { variables: Object.entries(options.env).map(([name, value]) => ({ name, value })) };
  }
  if (options.uris !== undefined) {
    info.uris = options.uris.map((u, i) => {
      if (typeof u === "string") {
        if (!u) throw invalid(`uris[${i}]`, "must not be empty");
        return { value: u };
      }
      if (!u.value) throw invalid(`uris[${i}].value`, "must not be empty");
      return {
        value: u.value,
        ...(u.extract === undefined ? {} : { extract: u.extract }),
        ...(u.executable === undefined ? {} : { executable: u.executable }),
        ...(u.cache === undefined ? {} : { cache: u.cache }),
        ...(u.outputFile === undefined ? {} : { output_file: u.outputFile }),
      };
    });
  }
  return info;
}

/**
 * A `TaskInfo` running a command with the Mesos containerizer (no image), for a LAUNCH operation.
 *
 * @example
 * commandTask({ name: "condor-startd", agentId: offer.agent_id.value, cpus: 1, mem: 2048, ports: [31000],
 *   command: "condor_master -f", env: { CONDOR_HOST: "cm.example.org" }, role: offer.allocation_info?.role })
 */
export function commandTask(options: CommandTaskOptions): TaskInfoInput {
  const task = baseTask(options, []);
  task.command = commandInfo(options, options.command, false);
  return task;
}

/**
 * A `TaskInfo` running a Docker image with the Docker containerizer (`container.type: "DOCKER"`), for a LAUNCH
 * operation. Port mappings need a BRIDGE or USER network; USER needs `networkName`.
 *
 * @example
 * dockerTask({ name: "condor-cm", agentId, cpus: 1, mem: 1024, image: "htcondor/cm:23.0", network: "BRIDGE",
 *   portMappings: [{ hostPort: 31000, containerPort: 9618 }] })
 */
export function dockerTask(options: DockerTaskOptions): TaskInfoInput {
  if (!options.image) throw invalid("image", "must not be empty");
  const { network } = options;
  if (network !== "HOST" && network !== "BRIDGE" && network !== "USER") {
    throw invalid("network", `must be HOST, BRIDGE or USER, got ${String(network)}`);
  }
  if (network === "USER" && !options.networkName) {
    throw invalid("networkName", "is required with network USER (the name of the user-defined network)");
  }
  if (network !== "USER" && options.networkName !== undefined) {
    throw invalid("networkName", `is only used with network USER, not ${network}`);
  }
  const mappings = options.portMappings ?? [];
  if (network === "HOST" && mappings.length > 0) {
    throw invalid(
      "portMappings",
      "need network BRIDGE or USER: with HOST the container uses the host's ports",
    );
  }
  mappings.forEach((m, i) => {
    port(`portMappings[${i}].hostPort`, m.hostPort);
    port(`portMappings[${i}].containerPort`, m.containerPort);
  });

  const task = baseTask(
    options,
    mappings.map((m) => m.hostPort),
  );
  task.command = commandInfo(options, options.command, true);

  const docker: NonNullable<NonNullable<TaskInfoInput["container"]>["docker"]> = {
    image: options.image,
    network,
  };
  if (mappings.length > 0) {
    docker.port_mappings = mappings.map((m) => ({
      host_port: m.hostPort,
      container_port: m.containerPort,
      protocol: m.protocol ?? "tcp",
    }));
  }
  if (options.parameters !== undefined) {
    docker.parameters = options.parameters.map((p, i) => {
      if (!p.key) throw invalid(`parameters[${i}].key`, "must not be empty");
      return { key: p.key, value: p.value };
    });
  }
  if (options.forcePullImage !== undefined) docker.force_pull_image = options.forcePullImage;
  if (options.privileged !== undefined) docker.privileged = options.privileged;

  const container: NonNullable<TaskInfoInput["container"]> = { type: "DOCKER", docker };
  if (options.volumes !== undefined) {
    container.volumes = options.volumes.map((v, i) => {
      if (!v.containerPath) throw invalid(`volumes[${i}].containerPath`, "must not be empty");
      if (v.mode !== "RW" && v.mode !== "RO")
        throw invalid(`volumes[${i}].mode`, `must be RW or RO, got ${v.mode}`);
      return {
        container_path: v.containerPath,
        ...(v.hostPath === undefined ? {} : { host_path: v.hostPath }),
        mode: v.mode,
      };
    });
  }
  if (network === "USER") container.network_infos = [{ name: options.networkName }];
  task.container = container;
  return task;
}
