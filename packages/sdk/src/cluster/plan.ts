/**
 * The plan of a cluster: what applying a cluster file would change in Marathon, site by site, like `terraform plan`.
 *
 * The rendered apps of a site (what we would send) are compared with the apps Marathon has in the site's group (what
 * it returns, with all its defaults filled in). The rule is "desired is a subset of live": only the fields the
 * rendered app sets are compared, so Marathon's defaults and read-only fields never show up as changes and planning
 * the same file twice after an apply reports nothing. The maps bsaas owns entirely (`env`, `labels`, `secrets`) are
 * the exception: a key Marathon has that the file no longer sets is a change.
 *
 * Values whose name looks secret (`TOKEN`, `PASSWORD`, `SECRET`, `KEY`, `CREDENTIAL`) are never printed by
 * {@link formatPlan} nor put in {@link planToJson}'s output.
 */
import { BsaasError, type BsaasErrorOptions } from "../errors.js";
import type { App, AppDefinition } from "../marathon/index.js";

// ===============================================================================================================
// Types
// ===============================================================================================================

/**
 * One field that differs between the desired and the live app. `path` is written the way a user reads it:
 * `instances`, `env.FOO`, `container.docker.image`, `healthChecks[0].command.value`, `labels["bsaas.io/site"]`.
 * `before` is undefined when the field is added, `after` when it is removed. Values are raw (possibly secret): print
 * them only through {@link formatPlan} / {@link planToJson}, which redact them.
 */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

/** What happens to one app of a site. */
export type AppChange =
  | { action: "create"; appId: string; app: AppDefinition }
  | { action: "update"; appId: string; changes: FieldChange[] }
  | { action: "delete"; appId: string; instances?: number };

/** The plan of one site: the changes to the apps of its Marathon group, sorted by app id. */
export interface SitePlan {
  site: string;
  /** The site's Marathon group, e.g. `/bsaas/physics/infn-to`. */
  groupId: string;
  /** False when the group does not exist yet (every desired app is then created). */
  groupExists: boolean;
  /** Creates, updates and deletes, sorted by app id; `[]` when the site matches the file. */
  changes: AppChange[];
  /** Ids of the apps that exist and match the file, sorted. */
  unchanged: string[];
}

/** How many apps a plan creates, updates and deletes. */
export interface PlanCounts {
  create: number;
  update: number;
  delete: number;
}

/** The plan of a whole cluster: one {@link SitePlan} per site, in the order given. */
export interface ClusterPlan {
  cluster: string;
  sites: SitePlan[];
  hasChanges: boolean;
  counts: PlanCounts;
}

/** A JSON value, as {@link planToJson} writes it. */
export type PlanJsonValue =
  | null
  | boolean
  | number
  | string
  | PlanJsonValue[]
  | { [key: string]: PlanJsonValue };

/** One changed field in {@link PlanJson}. `before`/`after` are left out when absent (field added/removed). */
export interface PlanJsonFieldChange {
  path: string;
  kind: "add" | "remove" | "change";
  /** True when the values were replaced by `"(sensitive)"`. */
  sensitive: boolean;
  before?: PlanJsonValue;
  after?: PlanJsonValue;
}

/** One app change in {@link PlanJson}. A created app's definition is included with its secrets redacted. */
export type PlanJsonAppChange =
  | {
      action: "create";
      appId: string;
      instances: number;
      cpus: number;
      mem: number;
      app: { [key: string]: PlanJsonValue };
    }
  | { action: "update"; appId: string; changes: PlanJsonFieldChange[] }
  | { action: "delete"; appId: string; instances?: number };

/** One site in {@link PlanJson}. */
export interface PlanJsonSite {
  site: string;
  groupId: string;
  groupExists: boolean;
  changes: PlanJsonAppChange[];
  unchanged: string[];
}

/**
 * The machine-readable plan (`bsaas plan --json`): stable key order, object keys of values sorted, no secret values.
 * `formatVersion` changes only when the shape changes incompatibly.
 */
export interface PlanJson {
  formatVersion: 1;
  cluster: string;
  hasChanges: boolean;
  counts: PlanCounts;
  sites: PlanJsonSite[];
}

/** Options of {@link formatPlan}. */
export interface FormatPlanOptions {
  /** Colour the markers with ANSI codes: `+` green, `~` yellow, `-` red. Default false. */
  color?: boolean;
  /** Columns the text should fit in (long values are shortened). Default 100. */
  width?: number;
}

/** The inputs of a plan are inconsistent (an app outside its site's group, the same app or site twice). */
export class PlanError extends BsaasError {
  constructor(message: string, options: BsaasErrorOptions = {}) {
    super("PLAN_INVALID", message, options);
  }
}

// ===============================================================================================================
// Paths
// ===============================================================================================================

type Segment = string | number;

const BARE_SEGMENT = /^[A-Za-z0-9_-]+$/;

/** `["env", "FOO"]` → `env.FOO`; `[..., 0]` → `[0]`; keys with other characters → `["bsaas.io/site"]`. */
function formatPath(segments: readonly Segment[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (BARE_SEGMENT.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The segments of a path written by {@link formatPath} (tolerant: unknown text becomes bare keys). */
function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  const token = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|([^.[\]]+)/g;
  for (const match of path.matchAll(token)) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) {
      try {
        segments.push(String(JSON.parse(match[2])));
      } catch {
        segments.push(match[2]);
      }
    } else if (match[3] !== undefined) segments.push(match[3]);
  }
  return segments;
}

function compareSegments(a: readonly Segment[], b: readonly Segment[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as Segment;
    const y = b[i] as Segment;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// ===============================================================================================================
// Sensitive values
// ===============================================================================================================

const SENSITIVE_NAME = /TOKEN|PASSWORD|SECRET|KEY|CREDENTIAL/i;
/** Names that hold where a secret is, not the secret itself (only for `NAME = value` lines inside text). */
const LOCATION_NAME = /_(FILE|DIR|DIRECTORY|PATH)$/i;
const SENSITIVE_TEXT = "(sensitive)";

/**
 * True when a field's values must never be printed: one of its keys matches {@link SENSITIVE_NAME} (`env.API_TOKEN`,
 * `secrets.db.source`, `container.docker.credential.secret`). The `key` field of an array element (Docker
 * `parameters[i].key`) names a parameter and is not itself sensitive.
 */
function isSensitivePath(segments: readonly Segment[]): boolean {
  return segments.some((segment, i) => {
    if (typeof segment !== "string" || !SENSITIVE_NAME.test(segment)) return false;
    return !(segment === "key" && typeof segments[i - 1] === "number");
  });
}

const ASSIGNMENT_LINE = /^(\s*(?:export\s+)?-{0,2}([A-Za-z_][\w.-]*)\s*[=:]\s*)(\S.*)$/;
const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi;

/**
 * Redacts secrets written inside a text value: `NAME = value` / `--name=value` lines whose name looks secret, and
 * passwords in URLs (`https://user:pass@host`). A heuristic for values whose own name is harmless (a configuration
 * file in `env`, a command line).
 */
function redactText(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const match = ASSIGNMENT_LINE.exec(line);
      const name = match?.[2];
      if (match && name && SENSITIVE_NAME.test(name) && !LOCATION_NAME.test(name)) {
        return `${match[1]}${SENSITIVE_TEXT}`;
      }
      return line;
    })
    .join("\n")
    .replace(URL_USERINFO, `$1${SENSITIVE_TEXT}@`);
}

/** A JSON copy of `value` with sorted object keys, sensitive keys replaced by `"(sensitive)"` and text redacted. */
function redactValue(value: unknown, path: readonly Segment[]): PlanJsonValue {
  if (isSensitivePath(path)) return SENSITIVE_TEXT;
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return redactText(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map((item, i) => redactValue(item, [...path, i]));
  if (isRecord(value)) {
    const out: { [key: string]: PlanJsonValue } = {};
    for (const key of Object.keys(value).sort(byString)) {
      if (value[key] !== undefined) out[key] = redactValue(value[key], [...path, key]);
    }
    return out;
  }
  return String(value);
}

// ===============================================================================================================
// Diff
// ===============================================================================================================

type Rec = Record<string, unknown>;

function isRecord(value: unknown): value is Rec {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keys that say nothing about the definition: the id itself and what Marathon writes about the app's state. */
const IGNORED_KEYS = new Set([
  "id",
  "version",
  "versionInfo",
  "tasksStaged",
  "tasksRunning",
  "tasksHealthy",
  "tasksUnhealthy",
  "deployments",
  "readinessCheckResults",
  "tasks",
  "lastTaskFailure",
  "taskStats",
  "tasksStats",
  // Deprecated fields Marathon accepts but never returns (ipAddress became `networks`, storeUrls is ignored).
  "ipAddress",
  "storeUrls",
]);

/** Maps bsaas owns entirely: a key only Marathon has is a change (removed by the next apply). */
const OWNED_MAPS = new Set(["env", "labels", "secrets"]);

const HTTP_PROTOCOLS = new Set(["HTTP", "HTTPS", "MESOS_HTTP", "MESOS_HTTPS"]);
const PATHLESS_PROTOCOLS = new Set(["COMMAND", "TCP", "MESOS_TCP"]);

/** A health check as Marathon keeps it: fields that do not apply to its protocol are dropped by the server. */
function normalizeHealthCheck(raw: unknown): unknown {
  if (!isRecord(raw)) return raw;
  const hc: Rec = { ...raw };
  const protocol = typeof hc.protocol === "string" ? hc.protocol : hc.command ? "COMMAND" : "HTTP";
  if (protocol !== "COMMAND") delete hc.command;
  if (!HTTP_PROTOCOLS.has(protocol)) delete hc.ignoreHttp1xx;
  if (PATHLESS_PROTOCOLS.has(protocol)) delete hc.path;
  if (protocol === "COMMAND") {
    delete hc.port;
    delete hc.portIndex;
    delete hc.ipProtocol;
  } else if (hc.port !== undefined) {
    delete hc.portIndex;
  }
  return hc;
}

/** Resolves a Marathon path id against a base path (`..` climbs, `.` and empty names are dropped). */
function canonicalPath(id: string, base: string): string {
  const names = id.startsWith("/") ? [] : base.split("/").filter(Boolean);
  for (const name of id.split("/")) {
    if (name === "" || name === ".") continue;
    if (name === "..") names.pop();
    else names.push(name);
  }
  return `/${names.join("/")}`;
}

function parentPath(id: string): string {
  return canonicalPath("..", canonicalPath(id, "/"));
}

/**
 * The desired app in the form Marathon stores it, so that it compares with what Marathon returns: deprecated fields
 * are moved where Marathon moves them (`ports` → `portDefinitions`, `uris` → `fetch`, `container.docker.network` →
 * `networks`, `container.docker.portMappings` → `container.portMappings`), dependencies are made absolute (against
 * the live app's id when the desired id is relative), health
 * check fields the server drops are dropped, and ignored keys are removed.
 */
function normalizeDesired(desired: AppDefinition, liveId: string): Rec {
  const app: Rec = {};
  for (const [key, value] of Object.entries(desired)) {
    if (value !== undefined && !IGNORED_KEYS.has(key)) app[key] = value;
  }
  if (Array.isArray(app.ports) && app.portDefinitions === undefined) {
    app.portDefinitions = app.ports.map((port: unknown) => ({ port }));
  }
  delete app.ports;
  if (Array.isArray(app.uris) && app.fetch === undefined) {
    app.fetch = app.uris.map((uri: unknown) => ({ uri }));
  }
  delete app.uris;
  if (isRecord(app.container) && isRecord(app.container.docker)) {
    const container: Rec = { ...app.container };
    const docker: Rec = { ...(app.container.docker as Rec) };
    if (docker.portMappings !== undefined && container.portMappings === undefined) {
      container.portMappings = docker.portMappings;
    }
    if (app.networks === undefined) {
      if (docker.network === "BRIDGE") app.networks = [{ mode: "container/bridge" }];
      else if (docker.network === "USER") app.networks = [{ mode: "container" }];
      else if (docker.network === "HOST") app.networks = [{ mode: "host" }];
    }
    delete docker.network;
    delete docker.portMappings;
    delete docker.requirePorts;
    container.docker = docker;
    app.container = container;
  }
  if (Array.isArray(app.dependencies)) {
    const base = parentPath(desired.id.startsWith("/") ? desired.id : liveId);
    app.dependencies = app.dependencies.map((dep: unknown) =>
      typeof dep === "string" ? canonicalPath(dep, base) : dep,
    );
  }
  if (Array.isArray(app.healthChecks)) app.healthChecks = app.healthChecks.map(normalizeHealthCheck);
  return app;
}

interface RawChange {
  segments: Segment[];
  before: unknown;
  after: unknown;
}

/**
 * Port numbers Marathon picks when the file says 0: a port definition's `port` and a port mapping's `servicePort`
 * (service ports are assigned from Marathon's range and kept in the definition).
 */
function isAssignedPort(segments: readonly Segment[], desired: unknown): boolean {
  if (desired !== 0) return false;
  const [first, second, third, fourth] = segments;
  if (segments.length === 3)
    return first === "portDefinitions" && typeof second === "number" && third === "port";
  return (
    segments.length === 4 &&
    first === "container" &&
    second === "portMappings" &&
    typeof third === "number" &&
    fourth === "servicePort"
  );
}

const isEmpty = (value: unknown): boolean =>
  (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);

/** Compares `desired` with `live` by the subset rule, pushing every difference to `out`. */
function compare(segments: Segment[], desired: unknown, rawLive: unknown, out: RawChange[]): void {
  if (desired === undefined) return;
  // Marathon writes `null` for unset fields and leaves empty collections out: both mean "nothing".
  const live = rawLive === null ? undefined : rawLive;
  if (live === undefined && isEmpty(desired)) return;
  if (Array.isArray(desired)) {
    const liveItems = live === undefined ? [] : live;
    if (!Array.isArray(liveItems) || liveItems.length !== desired.length) {
      out.push({ segments, before: live, after: desired });
      return;
    }
    desired.forEach((item, i) => {
      compare([...segments, i], item, liveItems[i], out);
    });
    return;
  }
  if (isRecord(desired)) {
    const liveObject = live === undefined ? {} : live;
    if (!isRecord(liveObject)) {
      out.push({ segments, before: live, after: desired });
      return;
    }
    for (const key of Object.keys(desired)) compare([...segments, key], desired[key], liveObject[key], out);
    const last = segments[segments.length - 1];
    if (typeof last === "string" && OWNED_MAPS.has(last)) {
      for (const key of Object.keys(liveObject)) {
        if (desired[key] === undefined && liveObject[key] !== undefined && liveObject[key] !== null) {
          out.push({ segments: [...segments, key], before: liveObject[key], after: undefined });
        }
      }
    }
    return;
  }
  if (desired !== live && !(typeof live === "number" && isAssignedPort(segments, desired))) {
    out.push({ segments, before: live, after: desired });
  }
}

const hasItems = (value: unknown): boolean => Array.isArray(value) && value.length > 0;

/**
 * The fields of `live` that applying `desired` would change, sorted by path. Only the fields `desired` sets are
 * compared (Marathon's defaults and read-only fields are not changes), except the maps bsaas owns (`env`, `labels`,
 * `secrets`, whose extra live keys are removals) and `cmd`/`args`, which replace each other: a file that sets `cmd`
 * removes live `args` and the other way round.
 */
export function diffApp(desired: AppDefinition, live: App): FieldChange[] {
  const d = normalizeDesired(desired, live.id);
  const l: Rec = live;
  const raw: RawChange[] = [];
  for (const key of Object.keys(d)) compare([key], d[key], l[key], raw);
  if (d.cmd !== undefined && d.args === undefined && hasItems(l.args)) {
    raw.push({ segments: ["args"], before: l.args, after: undefined });
  }
  if (hasItems(d.args) && d.cmd === undefined && typeof l.cmd === "string") {
    raw.push({ segments: ["cmd"], before: l.cmd, after: undefined });
  }
  raw.sort((a, b) => compareSegments(a.segments, b.segments));
  return raw.map(({ segments, before, after }) => {
    const change: FieldChange = { path: formatPath(segments) };
    if (before !== undefined) change.before = before;
    if (after !== undefined) change.after = after;
    return change;
  });
}

// ===============================================================================================================
// Plans
// ===============================================================================================================

function trimSlash(id: string): string {
  return id.length > 1 && id.endsWith("/") ? id.replace(/\/+$/, "") : id;
}

/**
 * Plans one site: `desired` are the rendered apps of the site (ids absolute under `groupId`, or relative to it),
 * `live` the apps Marathon has in that group, or undefined when the group does not exist. Desired apps missing live
 * are created (with their absolute id), live apps not desired are deleted, the others are updated when
 * {@link diffApp} finds a change.
 *
 * @throws {PlanError} when a desired app is outside `groupId` or two desired apps have the same id.
 */
export function planSite(
  site: string,
  groupId: string,
  desired: readonly AppDefinition[],
  live: readonly App[] | undefined,
): SitePlan {
  const group = canonicalPath(trimSlash(groupId), "/");
  const wanted = new Map<string, AppDefinition>();
  for (const app of desired) {
    const id = canonicalPath(app.id, group);
    if (!id.startsWith(`${group === "/" ? "" : group}/`)) {
      throw new PlanError(`Site ${site}: app ${app.id} is not in the site's group ${group}`, {
        hint: "Render the site's apps with ids under its group.",
      });
    }
    if (wanted.has(id)) throw new PlanError(`Site ${site}: app ${id} is defined twice`);
    wanted.set(id, app);
  }
  const existing = new Map<string, App>();
  for (const app of live ?? []) existing.set(canonicalPath(app.id, group), app);

  const changes: AppChange[] = [];
  const unchanged: string[] = [];
  for (const [appId, given] of wanted) {
    const app = given.id === appId ? given : { ...given, id: appId };
    const current = existing.get(appId);
    if (!current) {
      changes.push({ action: "create", appId, app });
      continue;
    }
    const fieldChanges = diffApp(app, current);
    if (fieldChanges.length > 0) changes.push({ action: "update", appId, changes: fieldChanges });
    else unchanged.push(appId);
  }
  for (const [appId, app] of existing) {
    if (wanted.has(appId)) continue;
    const change: AppChange = { action: "delete", appId };
    if (typeof app.instances === "number") change.instances = app.instances;
    changes.push(change);
  }
  changes.sort((a, b) => byString(a.appId, b.appId));
  unchanged.sort(byString);
  return { site, groupId: group, groupExists: live !== undefined, changes, unchanged };
}

/**
 * Puts the site plans of a cluster together (in the order given) and counts the changes.
 *
 * @throws {PlanError} when two site plans have the same site name.
 */
export function planCluster(cluster: string, sites: readonly SitePlan[]): ClusterPlan {
  const seen = new Set<string>();
  const counts: PlanCounts = { create: 0, update: 0, delete: 0 };
  for (const site of sites) {
    if (seen.has(site.site)) throw new PlanError(`Site ${site.site} is planned twice`);
    seen.add(site.site);
    for (const change of site.changes) counts[change.action]++;
  }
  const hasChanges = counts.create + counts.update + counts.delete > 0;
  return { cluster, sites: [...sites], hasChanges, counts };
}

// ===============================================================================================================
// Text
// ===============================================================================================================

const ANSI = { green: "\u001b[32m", yellow: "\u001b[33m", red: "\u001b[31m", reset: "\u001b[0m" } as const;
const MARKERS = { create: "+", update: "~", delete: "-" } as const;
const MARKER_COLORS = { create: ANSI.green, update: ANSI.yellow, delete: ANSI.red } as const;

/** How many changed lines of a text value are shown before `... N more`. */
const MAX_TEXT_LINES = 10;
/** Above this many line pairs the text diff gives up on alignment and shows the middle as replaced. */
const MAX_LCS_CELLS = 1_000_000;

type LineOp = { op: "-" | "+" | "="; line: string };

/** A line diff of two texts (longest common subsequence after trimming the common head and tail). */
function diffLines(before: string, after: string): LineOp[] {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const ops: LineOp[] = a.slice(0, head).map((line) => ({ op: "=", line }));
  if (x.length * y.length > MAX_LCS_CELLS) {
    for (const line of x) ops.push({ op: "-", line });
    for (const line of y) ops.push({ op: "+", line });
  } else {
    const w = y.length + 1;
    const lcs = new Uint32Array((x.length + 1) * w);
    for (let i = x.length - 1; i >= 0; i--) {
      for (let j = y.length - 1; j >= 0; j--) {
        lcs[i * w + j] =
          x[i] === y[j]
            ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
            : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
      }
    }
    let i = 0;
    let j = 0;
    while (i < x.length || j < y.length) {
      if (i < x.length && j < y.length && x[i] === y[j]) {
        ops.push({ op: "=", line: x[i++] as string });
        j++;
      } else if (
        i < x.length &&
        (j >= y.length || (lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0))
      ) {
        ops.push({ op: "-", line: x[i++] as string });
      } else {
        ops.push({ op: "+", line: y[j++] as string });
      }
    }
  }
  for (const line of a.slice(a.length - tail)) ops.push({ op: "=", line });
  return ops;
}

/** Changed lines of a line diff: each run of removals and additions counts as its longer side. */
function countChangedLines(ops: readonly LineOp[]): number {
  let total = 0;
  let removed = 0;
  let added = 0;
  for (const { op } of [...ops, { op: "=" as const }]) {
    if (op === "-") removed++;
    else if (op === "+") added++;
    else {
      total += Math.max(removed, added);
      removed = 0;
      added = 0;
    }
  }
  return total;
}

/**
 * The changed lines of a line diff, each run of removals and additions interleaved (`- A = 1`, `+ A = 2`, `- B = 1`,
 * `+ B = 2`), so that a shortened configuration diff still shows old and new values side by side.
 */
function pairLines(ops: readonly LineOp[]): LineOp[] {
  const out: LineOp[] = [];
  let removed: LineOp[] = [];
  let added: LineOp[] = [];
  for (const op of [...ops, { op: "=" as const, line: "" }]) {
    if (op.op === "-") removed.push(op);
    else if (op.op === "+") added.push(op);
    else {
      for (let i = 0; i < Math.max(removed.length, added.length); i++) {
        const r = removed[i];
        const a = added[i];
        if (r) out.push(r);
        if (a) out.push(a);
      }
      removed = [];
      added = [];
    }
  }
  return out;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Shortens text to `max` characters, marking the cut with `…`. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** A value on one line: strings quoted, collections as compact JSON (or their size when too long). */
function showValue(value: unknown, path: readonly Segment[], max: number): string {
  if (value === undefined) return "(none)";
  const json = JSON.stringify(redactValue(value, path));
  if (json.length <= max) return json;
  if (Array.isArray(value)) return `[${plural(value.length, "item")}]`;
  if (isRecord(value)) return `{${plural(Object.keys(value).length, "key")}}`;
  return clip(json, max);
}

/** Two long strings shown around their first difference, so that the change is visible after shortening. */
function showStringPair(before: string, after: string, max: number): [string, string] {
  const b = redactText(before);
  const a = redactText(after);
  let i = 0;
  while (i < b.length && i < a.length && b[i] === a[i]) i++;
  // Start a little before the first difference, or earlier when the rest of the longer string then fits.
  const start = Math.max(0, Math.min(i - 8, Math.max(a.length, b.length) - (max - 3)));
  const show = (s: string) => {
    const body = JSON.stringify(s.slice(start)).slice(1, -1);
    return clip(`${start > 0 ? "…" : ""}"${body}"`, max);
  };
  return [show(b), show(a)];
}

function colorize(text: string, color: string | undefined): string {
  return color ? `${color}${text}${ANSI.reset}` : text;
}

/** The lines of one changed field (6-space indent; text diffs below it at 10). */
function fieldLines(change: FieldChange, width: number, color: boolean): string[] {
  const segments = parsePath(change.path);
  const { before, after } = change;
  const head = `      ${change.path}: `;
  if (isSensitivePath(segments)) {
    const what = before === undefined ? "added" : after === undefined ? "removed" : "changed";
    return [`${head}(sensitive value ${what})`];
  }
  const beforeText = typeof before === "string" || before === undefined ? (before ?? "") : undefined;
  const afterText = typeof after === "string" || after === undefined ? (after ?? "") : undefined;
  if (
    beforeText !== undefined &&
    afterText !== undefined &&
    (beforeText.includes("\n") || afterText.includes("\n"))
  ) {
    const ops = diffLines(beforeText, afterText);
    const changed = pairLines(ops);
    const count = countChangedLines(ops);
    const what =
      before === undefined
        ? `${plural(changed.length, "line")} added`
        : after === undefined
          ? `${plural(changed.length, "line")} removed`
          : `${plural(count, "line")} changed`;
    const lines = [`${head}(text, ${what})`];
    const lineColor = { "-": ANSI.red, "+": ANSI.green } as const;
    for (const { op, line } of changed.slice(0, MAX_TEXT_LINES)) {
      const text = clip(`          ${op} ${redactText(line)}`, width);
      lines.push(color && op !== "=" ? colorize(text, lineColor[op]) : text);
    }
    if (changed.length > MAX_TEXT_LINES) lines.push(`          ... ${changed.length - MAX_TEXT_LINES} more`);
    return lines;
  }
  const budget = Math.max(16, Math.floor((width - head.length - 4) / 2));
  let shownBefore = showValue(before, segments, budget);
  let shownAfter = showValue(after, segments, budget);
  if (
    typeof before === "string" &&
    typeof after === "string" &&
    (shownBefore.endsWith("…") || shownAfter.endsWith("…"))
  ) {
    [shownBefore, shownAfter] = showStringPair(before, after, budget);
  }
  return [`${head}${shownBefore} -> ${shownAfter}`];
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

/** Instances, CPUs and memory of a created app, with Marathon's defaults (1, 1, 128 MiB) for what it leaves out. */
function createdSize(app: AppDefinition): { instances: number; cpus: number; mem: number } {
  return { instances: app.instances ?? 1, cpus: app.cpus ?? 1, mem: app.mem ?? 128 };
}

function annotation(change: AppChange): string | undefined {
  if (change.action === "create") {
    const { instances, cpus, mem } = createdSize(change.app);
    return `(${plural(instances, "instance")}, ${formatNumber(cpus)} cpus, ${formatNumber(mem)} MiB)`;
  }
  if (change.action === "delete" && change.instances !== undefined) {
    return `(${plural(change.instances, "instance")})`;
  }
  return undefined;
}

function siteLines(site: SitePlan, width: number, color: boolean): string[] {
  const where = site.groupExists ? site.groupId : `${site.groupId}, new group`;
  if (site.changes.length === 0) return [`Site ${site.site} (${where}): no changes`];
  const lines = [`Site ${site.site} (${where}):`];
  const idWidth = Math.max(
    0,
    ...site.changes.filter((c) => annotation(c) !== undefined).map((c) => c.appId.length),
  );
  for (const change of site.changes) {
    const marker = colorize(MARKERS[change.action], color ? MARKER_COLORS[change.action] : undefined);
    const note = annotation(change);
    lines.push(
      note === undefined
        ? `  ${marker} ${change.appId}`
        : `  ${marker} ${change.appId.padEnd(idWidth)}   ${note}`,
    );
    if (change.action === "update") {
      for (const field of change.changes) lines.push(...fieldLines(field, width, color));
    }
  }
  return lines;
}

/**
 * The plan as text for people, like `terraform plan`: per site, `+` apps to create (with their size), `~` apps to
 * update (with each changed field, `before -> after`, multi-line text as a short line diff) and `-` apps to delete,
 * then a `Plan: …` summary, or `No changes. The cluster matches the file.` Secret-looking values are never printed.
 * Lines are joined with `\n`, without a final newline.
 */
export function formatPlan(plan: ClusterPlan, options: FormatPlanOptions = {}): string {
  const color = options.color ?? false;
  const width = Math.max(60, options.width ?? 100);
  const lines: string[] = [];
  for (const site of plan.sites) lines.push(...siteLines(site, width, color));
  if (lines.length > 0) lines.push("");
  const { create, update, delete: remove } = plan.counts;
  lines.push(
    plan.hasChanges
      ? `Plan: ${create} to create, ${update} to update, ${remove} to delete.`
      : "No changes. The cluster matches the file.",
  );
  return lines.join("\n");
}

// ===============================================================================================================
// JSON
// ===============================================================================================================

function fieldToJson(change: FieldChange): PlanJsonFieldChange {
  const segments = parsePath(change.path);
  const sensitive = isSensitivePath(segments);
  const kind = change.before === undefined ? "add" : change.after === undefined ? "remove" : "change";
  const out: PlanJsonFieldChange = { path: change.path, kind, sensitive };
  if (change.before !== undefined)
    out.before = sensitive ? SENSITIVE_TEXT : redactValue(change.before, segments);
  if (change.after !== undefined)
    out.after = sensitive ? SENSITIVE_TEXT : redactValue(change.after, segments);
  return out;
}

function appChangeToJson(change: AppChange): PlanJsonAppChange {
  switch (change.action) {
    case "create": {
      const app = redactValue(change.app, []);
      return {
        action: "create",
        appId: change.appId,
        ...createdSize(change.app),
        app: isRecord(app) ? (app as { [key: string]: PlanJsonValue }) : {},
      };
    }
    case "update":
      return { action: "update", appId: change.appId, changes: change.changes.map(fieldToJson) };
    case "delete":
      return change.instances === undefined
        ? { action: "delete", appId: change.appId }
        : { action: "delete", appId: change.appId, instances: change.instances };
  }
}

/**
 * The plan as stable JSON for programs (`--json`): same content as {@link formatPlan}, field values included but
 * secret-looking ones replaced by `"(sensitive)"` (see {@link PlanJsonFieldChange.sensitive}).
 */
export function planToJson(plan: ClusterPlan): PlanJson {
  return {
    formatVersion: 1,
    cluster: plan.cluster,
    hasChanges: plan.hasChanges,
    counts: { create: plan.counts.create, update: plan.counts.update, delete: plan.counts.delete },
    sites: plan.sites.map((site) => ({
      site: site.site,
      groupId: site.groupId,
      groupExists: site.groupExists,
      changes: site.changes.map(appChangeToJson),
      unchanged: [...site.unchanged],
    })),
  };
}
