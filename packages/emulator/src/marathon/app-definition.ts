import {
  arr,
  bool,
  canonicalJson,
  cloneJson,
  isObject,
  type JsonObject,
  type JsonValue,
  num,
  obj,
  str,
  stringMap,
  strings,
} from "./json.js";
import { canonicalPath, parentPath } from "./paths.js";

/** An app definition with every default applied (Marathon's `AppDefinition`, in RAML field names). */
export interface AppDef {
  id: string;
  acceptedResourceRoles?: string[];
  args?: string[];
  backoffFactor: number;
  backoffSeconds: number;
  check?: JsonObject;
  cmd?: string;
  constraints: string[][];
  container?: JsonObject;
  cpus: number;
  dependencies: string[];
  disk: number;
  env: JsonObject;
  executor: string;
  executorResources?: JsonObject;
  fetch: JsonObject[];
  gpus: number;
  healthChecks: JsonObject[];
  instances: number;
  labels: Record<string, string>;
  maxLaunchDelaySeconds: number;
  mem: number;
  networks: JsonObject[];
  /** Host port definitions; undefined with container networking (then `container.portMappings` apply). */
  portDefinitions?: JsonObject[];
  readinessChecks: JsonObject[];
  residency?: JsonObject;
  resourceLimits?: JsonObject;
  requirePorts: boolean;
  secrets: JsonObject;
  taskKillGracePeriodSeconds?: number;
  upgradeStrategy: { maximumOverCapacity: number; minimumHealthCapacity: number };
  user?: string;
  version: string;
  versionInfo: { lastScalingAt: string; lastConfigChangeAt: string };
  killSelection: string;
  unreachableStrategy: JsonValue;
  tty?: boolean;
  role: string;
}

/** Marathon's defaults (RAML `app.App`). */
export const APP_DEFAULTS = {
  backoffFactor: 1.15,
  backoffSeconds: 1,
  cpus: 1,
  disk: 0,
  executor: "",
  gpus: 0,
  instances: 1,
  maxLaunchDelaySeconds: 300,
  mem: 128,
  requirePorts: false,
  killSelection: "YOUNGEST_FIRST",
  role: "*",
} as const;

function normalizeNetwork(raw: JsonValue): JsonObject {
  const network = isObject(raw) ? raw : {};
  const out: JsonObject = { mode: str(network, "mode") ?? "container" };
  const name = str(network, "name");
  if (name !== undefined) out.name = name;
  const labels = stringMap(network.labels);
  if (Object.keys(labels).length > 0) out.labels = labels;
  return out;
}

function normalizePortDefinition(raw: JsonValue): JsonObject {
  const pd = isObject(raw) ? raw : {};
  const out: JsonObject = { port: num(pd, "port") ?? 0, protocol: str(pd, "protocol") ?? "tcp" };
  const name = str(pd, "name");
  if (name !== undefined) out.name = name;
  const labels = stringMap(pd.labels);
  if (Object.keys(labels).length > 0) out.labels = labels;
  return out;
}

function normalizePortMapping(raw: JsonValue, bridge: boolean): JsonObject {
  const pm = isObject(raw) ? raw : {};
  const out: JsonObject = { containerPort: num(pm, "containerPort") ?? 0 };
  const hostPort = num(pm, "hostPort") ?? (bridge ? 0 : undefined);
  if (hostPort !== undefined) out.hostPort = hostPort;
  const labels = stringMap(pm.labels);
  if (Object.keys(labels).length > 0) out.labels = labels;
  const name = str(pm, "name");
  if (name !== undefined) out.name = name;
  out.protocol = str(pm, "protocol") ?? "tcp";
  out.servicePort = num(pm, "servicePort") ?? 0;
  const networkNames = strings(pm.networkNames);
  if (networkNames.length > 0) out.networkNames = networkNames;
  return out;
}

function normalizeHealthCheck(raw: JsonValue): JsonObject {
  const hc = isObject(raw) ? raw : {};
  const protocol = str(hc, "protocol") ?? (obj(hc, "command") ? "COMMAND" : "HTTP");
  const out: JsonObject = {};
  const command = obj(hc, "command");
  if (protocol === "COMMAND" && command) out.command = { value: str(command, "value") ?? "" };
  out.gracePeriodSeconds = num(hc, "gracePeriodSeconds") ?? 300;
  if (
    protocol === "HTTP" ||
    protocol === "HTTPS" ||
    protocol === "MESOS_HTTP" ||
    protocol === "MESOS_HTTPS"
  ) {
    out.ignoreHttp1xx = bool(hc, "ignoreHttp1xx") ?? false;
  }
  out.intervalSeconds = num(hc, "intervalSeconds") ?? 60;
  out.maxConsecutiveFailures = num(hc, "maxConsecutiveFailures") ?? 3;
  if (protocol !== "COMMAND" && protocol !== "TCP" && protocol !== "MESOS_TCP") {
    const path = str(hc, "path");
    if (path !== undefined) out.path = path;
  }
  if (protocol !== "COMMAND") {
    const port = num(hc, "port");
    if (port !== undefined) out.port = port;
    else out.portIndex = num(hc, "portIndex") ?? 0;
  }
  out.protocol = protocol;
  if (protocol !== "COMMAND") out.ipProtocol = str(hc, "ipProtocol") ?? "IPv4";
  out.timeoutSeconds = num(hc, "timeoutSeconds") ?? 20;
  out.delaySeconds = num(hc, "delaySeconds") ?? 15;
  return out;
}

function normalizeReadinessCheck(raw: JsonValue): JsonObject {
  const rc = isObject(raw) ? raw : {};
  const codes = Array.isArray(rc.httpStatusCodesForReady)
    ? rc.httpStatusCodesForReady.filter((code) => typeof code === "number")
    : [200];
  return {
    name: str(rc, "name") ?? "readinessCheck",
    protocol: str(rc, "protocol") ?? "HTTP",
    path: str(rc, "path") ?? "/",
    portName: str(rc, "portName") ?? "http-api",
    intervalSeconds: num(rc, "intervalSeconds") ?? 30,
    timeoutSeconds: num(rc, "timeoutSeconds") ?? 10,
    httpStatusCodesForReady: codes,
    preserveLastResponse: bool(rc, "preserveLastResponse") ?? false,
  };
}

function normalizeArtifact(raw: JsonValue): JsonObject {
  const a = isObject(raw) ? raw : { uri: typeof raw === "string" ? raw : "" };
  const out: JsonObject = {
    uri: str(a, "uri") ?? "",
    extract: bool(a, "extract") ?? true,
    executable: bool(a, "executable") ?? false,
    cache: bool(a, "cache") ?? false,
  };
  const destPath = str(a, "destPath");
  if (destPath !== undefined) out.destPath = destPath;
  return out;
}

/** Networks from the 1.5+ `networks` field, or from the deprecated `container.docker.network`. */
function normalizeNetworks(raw: JsonObject): JsonObject[] {
  const networks = arr(raw, "networks");
  if (networks && networks.length > 0) return networks.map(normalizeNetwork);
  const legacy = str(obj(obj(raw, "container") ?? {}, "docker") ?? {}, "network");
  if (legacy === "BRIDGE") return [{ mode: "container/bridge" }];
  if (legacy === "USER") return [{ mode: "container" }];
  return [{ mode: "host" }];
}

function normalizeContainer(raw: JsonObject, networks: JsonObject[]): JsonObject | undefined {
  const nonHost = networks.some((n) => n.mode !== "host");
  const bridge = networks.some((n) => n.mode === "container/bridge");
  const given = obj(raw, "container");
  if (!given && !nonHost) return undefined;
  const container = given ? cloneJson(given) : { type: "MESOS" };
  const out: JsonObject = { type: str(container, "type") ?? (obj(container, "docker") ? "DOCKER" : "MESOS") };
  const docker = obj(container, "docker");
  let legacyMappings: JsonValue[] | undefined;
  if (docker) {
    const d: JsonObject = {};
    for (const [key, value] of Object.entries(docker)) {
      if (key === "network") continue;
      if (key === "portMappings") {
        legacyMappings = Array.isArray(value) ? value : undefined;
        continue;
      }
      d[key] = value;
    }
    d.forcePullImage = bool(docker, "forcePullImage") ?? false;
    if (out.type === "DOCKER") d.privileged = bool(docker, "privileged") ?? false;
    if (out.type === "DOCKER") d.parameters = Array.isArray(docker.parameters) ? docker.parameters : [];
    out.docker = d;
  }
  for (const [key, value] of Object.entries(container)) {
    if (key !== "type" && key !== "docker" && key !== "portMappings" && key !== "volumes") out[key] = value;
  }
  out.volumes = Array.isArray(container.volumes)
    ? container.volumes.map((v) => {
        if (isObject(v) && v.hostPath !== undefined && v.mode === undefined) return { ...v, mode: "RW" };
        return v;
      })
    : [];
  if (nonHost) {
    const mappings = arr(container, "portMappings") ?? legacyMappings ?? [{ name: "default" }];
    out.portMappings = mappings.map((m) => normalizePortMapping(m, bridge));
  }
  return out;
}

/**
 * Applies Marathon's defaults to an app definition as received (already validated), with the given absolute id.
 * `version`/`versionInfo` are set to `version`; callers fix them up when only scaling changed.
 */
export function normalizeApp(raw: JsonObject, id: string, version: string): AppDef {
  const networks = normalizeNetworks(raw);
  const nonHost = networks.some((n) => n.mode !== "host");
  const base = parentPath(id);
  let portDefinitions: JsonObject[] | undefined;
  if (!nonHost) {
    const given = arr(raw, "portDefinitions");
    const legacy = arr(raw, "ports");
    if (given) portDefinitions = given.map(normalizePortDefinition);
    else if (legacy) portDefinitions = legacy.map((port) => normalizePortDefinition({ port }));
    else portDefinitions = [{ port: 0, name: "default", protocol: "tcp" }];
  }
  const upgrade = obj(raw, "upgradeStrategy") ?? {};
  const unreachable = raw.unreachableStrategy;
  const cmd = str(raw, "cmd");
  const args = strings(raw.args);
  const fetch = arr(raw, "fetch") ?? arr(raw, "uris") ?? [];
  const app: AppDef = {
    id,
    backoffFactor: num(raw, "backoffFactor") ?? APP_DEFAULTS.backoffFactor,
    backoffSeconds: num(raw, "backoffSeconds") ?? APP_DEFAULTS.backoffSeconds,
    constraints: (arr(raw, "constraints") ?? []).map((c) => strings(c)),
    cpus: num(raw, "cpus") ?? APP_DEFAULTS.cpus,
    dependencies: strings(raw.dependencies).map((dep) => canonicalPath(dep, base)),
    disk: num(raw, "disk") ?? APP_DEFAULTS.disk,
    env: cloneJson(obj(raw, "env") ?? {}),
    executor: str(raw, "executor") ?? APP_DEFAULTS.executor,
    fetch: fetch.map(normalizeArtifact),
    gpus: num(raw, "gpus") ?? APP_DEFAULTS.gpus,
    healthChecks: (arr(raw, "healthChecks") ?? []).map(normalizeHealthCheck),
    instances: num(raw, "instances") ?? APP_DEFAULTS.instances,
    labels: stringMap(raw.labels),
    maxLaunchDelaySeconds: num(raw, "maxLaunchDelaySeconds") ?? APP_DEFAULTS.maxLaunchDelaySeconds,
    mem: num(raw, "mem") ?? APP_DEFAULTS.mem,
    networks,
    readinessChecks: (arr(raw, "readinessChecks") ?? []).map(normalizeReadinessCheck),
    requirePorts: bool(raw, "requirePorts") ?? APP_DEFAULTS.requirePorts,
    secrets: cloneJson(obj(raw, "secrets") ?? {}),
    upgradeStrategy: {
      maximumOverCapacity: num(upgrade, "maximumOverCapacity") ?? 1,
      minimumHealthCapacity: num(upgrade, "minimumHealthCapacity") ?? 1,
    },
    version,
    versionInfo: { lastScalingAt: version, lastConfigChangeAt: version },
    killSelection: str(raw, "killSelection") ?? APP_DEFAULTS.killSelection,
    unreachableStrategy:
      unreachable === "disabled"
        ? "disabled"
        : {
            inactiveAfterSeconds: num(isObject(unreachable) ? unreachable : {}, "inactiveAfterSeconds") ?? 0,
            expungeAfterSeconds: num(isObject(unreachable) ? unreachable : {}, "expungeAfterSeconds") ?? 0,
          },
    role: str(raw, "role") ?? APP_DEFAULTS.role,
  };
  const roles = strings(raw.acceptedResourceRoles);
  if (roles.length > 0) app.acceptedResourceRoles = roles;
  if (args.length > 0) app.args = args;
  if (cmd !== undefined) app.cmd = cmd;
  const check = obj(raw, "check");
  if (check) app.check = cloneJson(check);
  const container = normalizeContainer(raw, networks);
  if (container) app.container = container;
  const executorResources = obj(raw, "executorResources");
  if (executorResources) app.executorResources = cloneJson(executorResources);
  if (portDefinitions) app.portDefinitions = portDefinitions;
  const residency = obj(raw, "residency");
  if (residency) app.residency = cloneJson(residency);
  const resourceLimits = obj(raw, "resourceLimits");
  if (resourceLimits) app.resourceLimits = cloneJson(resourceLimits);
  const grace = num(raw, "taskKillGracePeriodSeconds");
  if (grace !== undefined) app.taskKillGracePeriodSeconds = grace;
  const user = str(raw, "user");
  if (user !== undefined) app.user = user;
  const tty = bool(raw, "tty");
  if (tty !== undefined) app.tty = tty;
  return app;
}

/**
 * The app as Marathon writes it (RAML `app.App`, field order of the RAML): empty `args`, `constraints`,
 * `dependencies`, `env`, `fetch`, `healthChecks`, `readinessChecks`, `secrets` are left out, like Marathon 1.11's
 * `omitEmpty`; deprecated `ports`, `uris`, `ipAddress` are never written.
 */
export function serializeApp(app: AppDef): JsonObject {
  const out: JsonObject = { id: app.id };
  if (app.acceptedResourceRoles && app.acceptedResourceRoles.length > 0) {
    out.acceptedResourceRoles = [...app.acceptedResourceRoles];
  }
  if (app.args && app.args.length > 0) out.args = [...app.args];
  out.backoffFactor = app.backoffFactor;
  out.backoffSeconds = app.backoffSeconds;
  if (app.cmd !== undefined) out.cmd = app.cmd;
  if (app.constraints.length > 0) out.constraints = app.constraints.map((c) => [...c]);
  if (app.container) out.container = cloneJson(app.container);
  out.cpus = app.cpus;
  if (app.dependencies.length > 0) out.dependencies = [...app.dependencies];
  out.disk = app.disk;
  if (Object.keys(app.env).length > 0) out.env = cloneJson(app.env);
  out.executor = app.executor;
  if (app.executorResources) out.executorResources = cloneJson(app.executorResources);
  if (app.fetch.length > 0) out.fetch = cloneJson(app.fetch);
  if (app.healthChecks.length > 0) out.healthChecks = cloneJson(app.healthChecks);
  if (app.check) out.check = cloneJson(app.check);
  out.instances = app.instances;
  out.labels = { ...app.labels };
  out.maxLaunchDelaySeconds = app.maxLaunchDelaySeconds;
  out.mem = app.mem;
  out.gpus = app.gpus;
  out.networks = cloneJson(app.networks);
  if (app.portDefinitions) out.portDefinitions = cloneJson(app.portDefinitions);
  if (app.readinessChecks.length > 0) out.readinessChecks = cloneJson(app.readinessChecks);
  if (app.residency) out.residency = cloneJson(app.residency);
  if (app.resourceLimits) out.resourceLimits = cloneJson(app.resourceLimits);
  out.requirePorts = app.requirePorts;
  if (Object.keys(app.secrets).length > 0) out.secrets = cloneJson(app.secrets);
  if (app.taskKillGracePeriodSeconds !== undefined)
    out.taskKillGracePeriodSeconds = app.taskKillGracePeriodSeconds;
  out.upgradeStrategy = { ...app.upgradeStrategy };
  if (app.user !== undefined) out.user = app.user;
  out.version = app.version;
  out.versionInfo = { ...app.versionInfo };
  out.killSelection = app.killSelection;
  out.unreachableStrategy = cloneJson(app.unreachableStrategy);
  if (app.tty !== undefined) out.tty = app.tty;
  out.role = app.role;
  return out;
}

/** A copy of an app definition. */
export function cloneApp(app: AppDef): AppDef {
  return structuredClone(app);
}

/** Everything of an app except `instances` and the version fields: equal keys mean "only a scale change". */
export function configKey(app: AppDef): string {
  const { instances: _instances, version: _version, versionInfo: _versionInfo, ...config } = app;
  return canonicalJson(config);
}

/** Marathon's `isUpgrade`: the configuration (not just the instance count) differs. */
export function isUpgrade(from: AppDef, to: AppDef): boolean {
  return configKey(from) !== configKey(to);
}

/** Marathon's `needsRestart`: the configuration changed, or a restart was asked for (new config version). */
export function needsRestart(from: AppDef, to: AppDef): boolean {
  return isUpgrade(from, to) || from.versionInfo.lastConfigChangeAt !== to.versionInfo.lastConfigChangeAt;
}

/** Marathon's `isOnlyScaleChange`. */
export function isOnlyScaleChange(from: AppDef, to: AppDef): boolean {
  return !isUpgrade(from, to) && from.instances !== to.instances;
}

/**
 * Applies a partial update (`PATCH`, `PUT` with `partialUpdate`) to an app: every given top-level field replaces the
 * current one. Giving `cmd` drops `args` and the other way round. Returns the raw definition to normalize.
 */
export function mergeUpdate(current: AppDef, update: JsonObject): JsonObject {
  const merged = serializeApp(current);
  // Service ports Marathon assigned are definition state: keep them unless the update replaces the port fields.
  for (const [key, value] of Object.entries(update)) {
    if (key === "id" || key === "version" || key === "versionInfo") continue;
    merged[key] = cloneJson(value);
  }
  if (update.cmd !== undefined && update.args === undefined) delete merged.args;
  if (update.args !== undefined && update.cmd === undefined) delete merged.cmd;
  const nonHost =
    Array.isArray(update.networks) &&
    update.networks.some((n) => isObject(n) && (str(n, "mode") ?? "container") !== "host");
  if (nonHost && update.portDefinitions === undefined) delete merged.portDefinitions;
  return merged;
}

/** Service ports of an app: its port definitions' ports, or its container port mappings' service ports. */
export function servicePorts(app: AppDef): number[] {
  if (app.portDefinitions) return app.portDefinitions.map((pd) => num(pd, "port") ?? 0);
  const mappings = arr(app.container ?? {}, "portMappings") ?? [];
  return mappings.map((m) => (isObject(m) ? (num(m, "servicePort") ?? 0) : 0));
}

/** Sets the service ports (same order as {@link servicePorts}). */
export function withServicePorts(app: AppDef, ports: readonly number[]): AppDef {
  const next = cloneApp(app);
  if (next.portDefinitions) {
    next.portDefinitions = next.portDefinitions.map((pd, i) => ({ ...pd, port: ports[i] ?? 0 }));
  } else if (next.container) {
    const mappings = arr(next.container, "portMappings");
    if (mappings) {
      next.container.portMappings = mappings.map((m, i) =>
        isObject(m) ? { ...m, servicePort: ports[i] ?? 0 } : m,
      );
    }
  }
  return next;
}

/** The number of host ports each task needs, and the exact ones when `requirePorts` is set. */
export function hostPortNeeds(app: AppDef): { count: number; required?: number[] } {
  if (app.portDefinitions) {
    const ports = app.portDefinitions.map((pd) => num(pd, "port") ?? 0);
    if (app.requirePorts && ports.length > 0 && ports.every((p) => p > 0))
      return { count: ports.length, required: ports };
    return { count: ports.length };
  }
  const mappings = (arr(app.container ?? {}, "portMappings") ?? []).filter(isObject);
  const hostPorts = mappings.filter((m) => m.hostPort !== undefined).map((m) => num(m, "hostPort") ?? 0);
  const fixed = hostPorts.filter((p) => p > 0);
  if (fixed.length === hostPorts.length && fixed.length > 0) return { count: fixed.length, required: fixed };
  return { count: hostPorts.length };
}

/** Names of the host ports, by index (port definitions' or port mappings' names). */
export function portNames(app: AppDef): (string | undefined)[] {
  if (app.portDefinitions) return app.portDefinitions.map((pd) => str(pd, "name"));
  return (arr(app.container ?? {}, "portMappings") ?? [])
    .filter(isObject)
    .filter((m) => m.hostPort !== undefined)
    .map((m) => str(m, "name"));
}

/** The container type (`DOCKER`/`MESOS`) and image of an app, when it has a container. */
export function containerOf(app: AppDef): { type: "DOCKER" | "MESOS"; image?: string } | undefined {
  if (!app.container) return undefined;
  const type = str(app.container, "type") === "DOCKER" ? "DOCKER" : "MESOS";
  const image = str(obj(app.container, "docker") ?? {}, "image");
  return image === undefined ? { type } : { type, image };
}

/** Whether the app uses ports given only by a name (for `PORT_<NAME>`), lowercased check helper. */
export function isHostNetworked(app: AppDef): boolean {
  return app.networks.every((n) => n.mode === "host");
}
