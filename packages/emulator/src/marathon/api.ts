import type { IncomingHttpHeaders } from "node:http";
import { isTerminalState } from "../agents/types.js";
import {
  type AppDef,
  cloneApp,
  mergeUpdate,
  normalizeApp,
  serializeApp,
  servicePorts,
} from "./app-definition.js";
import type { DeployResult, Instance, MarathonCore } from "./core.js";
import { HttpError, httpError, unknownApp, unknownGroup } from "./errors.js";
import {
  emptyGroup,
  findApp,
  findGroup,
  type GroupNode,
  mapApps,
  putApp,
  putGroup,
  removeApp,
  removeGroup,
  transitiveApps,
} from "./groups.js";
import { isObject, type JsonObject, type JsonValue, str, strings } from "./json.js";
import { matchesLabels, parseLabelSelectors } from "./labels.js";
import { canonicalPath, isValidPath, parentPath, parseTaskId, safePath, splitPath } from "./paths.js";
import { stepsJson } from "./plan.js";
import {
  checkSchema,
  type Detail,
  type RequestSchemas,
  semanticAppProblems,
  throwIfInvalid,
} from "./validation.js";

/** One API request, body already read. */
export interface ApiRequest {
  method: string;
  /** The URL path, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  remoteAddress: string;
}

/** One API answer: JSON `body`, or `text` with its content type, or nothing. */
export interface ApiResponse {
  status: number;
  body?: JsonValue;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** What the API needs from the emulator around it. */
export interface ApiEnvironment {
  core: MarathonCore;
  schemas: RequestSchemas | undefined;
  /** `http://127.0.0.1:<port>`. */
  baseUrl: () => string;
  info: () => JsonObject;
  leader: () => string;
  /** Ends the event streams (leader abdication). */
  abdicate: () => void;
}

type AppEmbed = "counts" | "tasks" | "deployments" | "readiness" | "lastTaskFailure" | "taskStats";

const METHOD_NOT_ALLOWED = (): HttpError => httpError(405, "Method Not Allowed");

/** Jersey's boolean query parameters: `true` (any case) is true, anything else false, absent the default. */
function flag(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const value = query.get(name);
  if (value === null) return fallback;
  return value.toLowerCase() === "true";
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw httpError(400, `Invalid path: ${segment}`);
  }
}

/** `InfoEmbedResolver.resolveApp`: prefixes `group.apps.`, `apps.`, `app.` or none. */
function resolveAppEmbeds(values: readonly string[]): Set<AppEmbed> {
  const out = new Set<AppEmbed>();
  for (const value of values) {
    const name = value.replace(/^(group\.apps\.|apps\.|app\.)/, "");
    switch (name) {
      case "tasks":
        out.add("tasks");
        out.add("deployments");
        break;
      case "failures":
        out.add("tasks");
        out.add("lastTaskFailure");
        out.add("deployments");
        break;
      case "deployments":
      case "readiness":
      case "lastTaskFailure":
      case "counts":
      case "taskStats":
        out.add(name);
        break;
      default:
        break;
    }
  }
  return out;
}

function parseBody(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch {
    throw httpError(400, "Invalid JSON");
  }
}

function expectObject(value: JsonValue): JsonObject {
  if (!isObject(value)) {
    throw new HttpError(422, {
      message: "Invalid JSON",
      details: [{ path: "/", errors: ["error.expected.jsobject"] }],
    });
  }
  return value;
}

function deploymentAnswer(
  result: DeployResult,
  status = 200,
  headers: Record<string, string> = {},
): ApiResponse {
  return {
    status,
    body: { deploymentId: result.deploymentId, version: result.version },
    headers: { ...headers, "Marathon-Deployment-Id": result.deploymentId },
  };
}

/**
 * Marathon's REST API v2 over the emulator core: routing, query parameters, bodies, status codes and error texts
 * as upstream's resources answer them.
 */
export class MarathonApi {
  constructor(private readonly env: ApiEnvironment) {}

  private get core(): MarathonCore {
    return this.env.core;
  }

  async handle(req: ApiRequest): Promise<ApiResponse> {
    const path = req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path;
    if (path === "/ping") {
      if (req.method !== "GET" && req.method !== "HEAD") throw METHOD_NOT_ALLOWED();
      return { status: 200, text: "pong", contentType: "text/plain;charset=utf-8" };
    }
    if (path === "/v2/info") return this.only(req, "GET", () => ({ status: 200, body: this.env.info() }));
    if (path === "/v2/leader") return this.leader(req);
    if (path === "/v2/apps" || path.startsWith("/v2/apps/"))
      return this.apps(req, path.slice("/v2/apps".length));
    if (path === "/v2/groups" || path.startsWith("/v2/groups/")) {
      return this.groups(req, path.slice("/v2/groups".length));
    }
    if (path === "/v2/deployments" || path.startsWith("/v2/deployments/")) {
      return this.deploymentsRoute(req, path.slice("/v2/deployments".length));
    }
    if (path === "/v2/tasks") return this.only(req, "GET", () => this.listTasks(req));
    if (path === "/v2/tasks/delete") return this.only(req, "POST", () => this.deleteTasks(req));
    if (path === "/v2/queue") return this.only(req, "GET", () => this.queue(req));
    if (path.startsWith("/v2/queue/") && path.endsWith("/delay")) {
      return this.only(req, "DELETE", () =>
        this.resetDelay(path.slice("/v2/queue".length, -"/delay".length)),
      );
    }
    if (path === "/v2/pods" || path.startsWith("/v2/pods/"))
      return this.pods(req, path.slice("/v2/pods".length));
    throw httpError(404, "URI not found");
  }

  private only(req: ApiRequest, method: string, fn: () => ApiResponse): ApiResponse {
    if (req.method !== method && !(method === "GET" && req.method === "HEAD")) throw METHOD_NOT_ALLOWED();
    return fn();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Leader
  // -------------------------------------------------------------------------------------------------------------

  private leader(req: ApiRequest): ApiResponse {
    if (req.method === "GET") return { status: 200, body: { leader: this.env.leader() } };
    if (req.method === "DELETE") {
      // The emulator is re-elected at once: abdication only ends the event streams, as a leader change does.
      setImmediate(() => this.env.abdicate());
      return { status: 200, body: { message: "Leadership abdicated" } };
    }
    throw METHOD_NOT_ALLOWED();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Apps
  // -------------------------------------------------------------------------------------------------------------

  private apps(req: ApiRequest, rest: string): ApiResponse {
    if (rest === "" || rest === "/") {
      switch (req.method) {
        case "GET":
        case "HEAD":
          return this.listApps(req);
        case "POST":
          return this.createApp(req);
        case "PUT":
          return this.updateApps(req, true);
        case "PATCH":
          return this.updateApps(req, false);
        default:
          throw METHOD_NOT_ALLOWED();
      }
    }
    const raw = rest.slice(1);
    let m = /^(.*)\*$/.exec(raw);
    if (m && (m[1] === "" || m[1]?.endsWith("/"))) {
      return this.only(req, "GET", () => this.groupApps(req, canonicalPath(decode(m?.[1] ?? ""))));
    }
    m = /^(.+)\/restart$/.exec(raw);
    if (m?.[1]) {
      const id = canonicalPath(decode(m[1]));
      return this.only(req, "POST", () => this.restartApp(req, id));
    }
    m = /^(.+)\/tasks\/([^/]+)$/.exec(raw);
    if (m?.[1] && m[2]) {
      const id = canonicalPath(decode(m[1]));
      const taskId = decode(m[2]);
      return this.only(req, "DELETE", () => this.killAppTask(req, id, taskId));
    }
    m = /^(.+)\/tasks$/.exec(raw);
    if (m?.[1]) {
      const id = canonicalPath(decode(m[1]));
      if (req.method === "GET" || req.method === "HEAD") return this.appTasks(req, id);
      if (req.method === "DELETE") return this.killAppTasks(req, id);
      throw METHOD_NOT_ALLOWED();
    }
    m = /^(.+)\/versions\/([^/]+)$/.exec(raw);
    if (m?.[1] && m[2]) {
      const id = canonicalPath(decode(m[1]));
      const version = decode(m[2]);
      return this.only(req, "GET", () => {
        if (!findApp(this.core.root, id)) throw unknownApp(id);
        const app = this.core.appAtVersion(id, version);
        if (!app) throw unknownApp(id, version);
        return { status: 200, body: serializeApp(app) };
      });
    }
    m = /^(.+)\/versions$/.exec(raw);
    if (m?.[1]) {
      const id = canonicalPath(decode(m[1]));
      return this.only(req, "GET", () => {
        if (!findApp(this.core.root, id)) throw unknownApp(id);
        return { status: 200, body: { versions: this.core.appVersionList(id) } };
      });
    }
    const id = canonicalPath(decode(raw));
    switch (req.method) {
      case "GET":
      case "HEAD":
        return this.showApp(req, id);
      case "PUT":
        return this.putApp(req, id, true);
      case "PATCH":
        return this.putApp(req, id, false);
      case "DELETE":
        return this.deleteApp(req, id);
      default:
        throw METHOD_NOT_ALLOWED();
    }
  }

  /** AppInfo: the app plus the status fields asked for, in Marathon's order. */
  appInfo(app: AppDef, embeds: ReadonlySet<AppEmbed>): JsonObject {
    const out = serializeApp(app);
    if (embeds.has("counts")) {
      const counts = this.core.counts(app);
      out.tasksStaged = counts.staged;
      out.tasksRunning = counts.running;
      out.tasksHealthy = counts.healthy;
      out.tasksUnhealthy = counts.unhealthy;
    }
    if (embeds.has("deployments"))
      out.deployments = this.core.deploymentsOf(app.id).map((d) => ({ id: d.id }));
    if (embeds.has("readiness")) out.readinessCheckResults = [];
    if (embeds.has("tasks")) out.tasks = this.core.tasksOf(app.id);
    if (embeds.has("lastTaskFailure")) {
      const failure = this.core.lastTaskFailure(app.id);
      if (failure) out.lastTaskFailure = failure;
    }
    if (embeds.has("taskStats")) out.tasksStats = this.core.taskStats(app);
    return out;
  }

  private listApps(req: ApiRequest): ApiResponse {
    const embeds = resolveAppEmbeds(req.query.getAll("embed"));
    embeds.add("counts");
    embeds.add("deployments");
    const cmd = req.query.get("cmd");
    const id = req.query.get("id");
    const label = req.query.get("label");
    let selectors: ReturnType<typeof parseLabelSelectors> = [];
    if (label !== null) {
      try {
        selectors = parseLabelSelectors(label);
      } catch (error) {
        throw httpError(400, error instanceof Error ? error.message : String(error));
      }
    }
    const apps = transitiveApps(this.core.root).filter(
      (app) =>
        (cmd === null || (app.cmd ?? "").toLowerCase().includes(cmd.toLowerCase())) &&
        (id === null || app.id.toLowerCase().includes(id.toLowerCase())) &&
        (label === null || matchesLabels(app.labels, selectors)),
    );
    return { status: 200, body: { apps: apps.map((app) => this.appInfo(app, embeds)) } };
  }

  private showEmbeds(req: ApiRequest): Set<AppEmbed> {
    const embeds = resolveAppEmbeds(req.query.getAll("embed"));
    for (const e of ["counts", "tasks", "lastTaskFailure", "deployments"] as const) embeds.add(e);
    return embeds;
  }

  private showApp(req: ApiRequest, id: string): ApiResponse {
    const app = findApp(this.core.root, id);
    if (!app) throw unknownApp(id);
    return { status: 200, body: { app: this.appInfo(app, this.showEmbeds(req)) } };
  }

  private groupApps(req: ApiRequest, groupId: string): ApiResponse {
    const group = findGroup(this.core.root, groupId);
    if (!group) throw unknownGroup(groupId);
    const embeds = this.showEmbeds(req);
    return { status: 200, body: { "*": transitiveApps(group).map((app) => this.appInfo(app, embeds)) } };
  }

  /** Validates a full app definition (`POST`, complete `PUT`); `base` prefixes detail paths. */
  private validateApp(raw: JsonObject, id: string, base = ""): Detail[] {
    const details = this.env.schemas ? checkSchema(this.env.schemas.appDefinition, raw, base) : [];
    return [...details, ...semanticAppProblems(raw, id, base)];
  }

  private validateUpdate(raw: JsonObject, id: string): Detail[] {
    const details = this.env.schemas ? checkSchema(this.env.schemas.appUpdate, raw) : [];
    return [...details, ...semanticAppProblems(raw, id, "", true)];
  }

  private checkNoGroupAt(id: string): void {
    if (findGroup(this.core.root, id)) {
      throw new HttpError(422, {
        message: "Object is not valid",
        details: [
          { path: "/id", errors: [`Groups and Applications may not have the same identifier: ${id}`] },
        ],
      });
    }
  }

  private postEvent(req: ApiRequest, id: string): void {
    const app = findApp(this.core.root, id);
    if (!app) return;
    this.core.publish("api_post_event", {
      clientIp: req.remoteAddress,
      uri: req.path,
      appDefinition: serializeApp(app),
    });
  }

  private createApp(req: ApiRequest): ApiResponse {
    const raw = expectObject(parseBody(req.body));
    const id = canonicalPath(str(raw, "id") ?? "", "/");
    throwIfInvalid(this.validateApp(raw, id));
    if (findApp(this.core.root, id)) throw httpError(409, `An app with id [${id}] already exists.`);
    this.checkNoGroupAt(id);
    const app = normalizeApp(raw, id, "");
    const result = this.core.deploy((root, version) => putApp(root, app, version), {
      force: flag(req.query, "force", false),
      groupId: parentPath(id),
    });
    this.postEvent(req, id);
    const created = findApp(this.core.root, id) ?? app;
    const body = serializeApp(created);
    body.tasksStaged = 0;
    body.tasksRunning = 0;
    body.tasksHealthy = 0;
    body.tasksUnhealthy = 0;
    body.deployments = [{ id: result.deploymentId }];
    return {
      status: 201,
      body,
      headers: { Location: `${this.env.baseUrl()}${id}`, "Marathon-Deployment-Id": result.deploymentId },
    };
  }

  /** The definition an app update produces (partial: merged into the current app; otherwise a replacement). */
  private updatedApp(raw: JsonObject, id: string, partial: boolean, allowCreate: boolean, base = ""): AppDef {
    const existing = findApp(this.core.root, id);
    if (!existing && !allowCreate) throw unknownApp(id);
    if (existing && partial) {
      throwIfInvalid(this.validateUpdate(raw, id));
      const merged = mergeUpdate(existing, raw);
      throwIfInvalid(semanticAppProblems(merged, id, base));
      return normalizeApp(merged, id, "");
    }
    const full: JsonObject = { ...raw, id };
    throwIfInvalid(this.validateApp(full, id, base));
    if (!existing) this.checkNoGroupAt(id);
    return normalizeApp(full, id, "");
  }

  private putApp(req: ApiRequest, id: string, isPut: boolean): ApiResponse {
    const raw = expectObject(parseBody(req.body));
    const partial = isPut ? flag(req.query, "partialUpdate", true) : true;
    const existed = findApp(this.core.root, id) !== undefined;
    const app = this.updatedApp(raw, id, partial, isPut);
    const result = this.core.deploy((root, version) => putApp(root, app, version), {
      force: flag(req.query, "force", false),
      groupId: parentPath(id),
    });
    this.postEvent(req, id);
    if (existed) return deploymentAnswer(result);
    return deploymentAnswer(result, 201, { Location: `${this.env.baseUrl()}${id}` });
  }

  private updateApps(req: ApiRequest, isPut: boolean): ApiResponse {
    const body = parseBody(req.body);
    if (!Array.isArray(body)) {
      throw new HttpError(422, {
        message: "Invalid JSON",
        details: [{ path: "/", errors: ["error.expected.jsarray"] }],
      });
    }
    const partial = isPut ? flag(req.query, "partialUpdate", true) : true;
    const apps: AppDef[] = [];
    body.forEach((item, index) => {
      const raw = isObject(item) ? item : {};
      const rawId = str(raw, "id");
      if (rawId === undefined) {
        throw new HttpError(422, {
          message: "Invalid JSON",
          details: [{ path: `/${index}/id`, errors: ["error.path.missing"] }],
        });
      }
      apps.push(this.updatedApp(raw, canonicalPath(rawId, "/"), partial, isPut, `/${index}`));
    });
    const result = this.core.deploy(
      (root, version) => apps.reduce((tree, app) => putApp(tree, app, version), root),
      { force: flag(req.query, "force", false) },
    );
    for (const app of apps) this.postEvent(req, app.id);
    return deploymentAnswer(result);
  }

  private deleteApp(req: ApiRequest, id: string): ApiResponse {
    if (!findApp(this.core.root, id)) throw unknownApp(id);
    const result = this.core.deploy((root, version) => removeApp(root, id, version), {
      force: flag(req.query, "force", true),
      groupId: parentPath(id),
    });
    return deploymentAnswer(result);
  }

  private restartApp(req: ApiRequest, id: string): ApiResponse {
    if (!findApp(this.core.root, id)) throw unknownApp(id);
    const result = this.core.deploy((root) => root, {
      force: flag(req.query, "force", false),
      restart: new Set([id]),
      groupId: parentPath(id),
    });
    return deploymentAnswer(result);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Tasks
  // -------------------------------------------------------------------------------------------------------------

  private wantsText(req: ApiRequest): boolean {
    const accept = req.headers.accept ?? "";
    return accept.includes("text/plain") && !accept.includes("application/json");
  }

  /** The text/plain task list load balancers read: `<app>\t<servicePort>\t<host:port>...` per service port. */
  private tasksText(appIds: readonly string[]): string {
    const lines: string[] = [];
    for (const appId of appIds) {
      const app = findApp(this.core.root, appId);
      if (!app) continue;
      const running = this.core.instancesOf(appId).filter((i) => i.task && !isTerminalState(i.task.state));
      servicePorts(app).forEach((servicePort, index) => {
        const hosts = running.map((i) => {
          const agent = this.core.agentInfo(i.task?.agentId ?? "");
          return `${agent?.hostname ?? ""}:${i.task?.ports[index] ?? ""}`;
        });
        lines.push([safePath(appId), String(servicePort), ...hosts].join("\t"));
      });
    }
    return lines.map((line) => `${line}\n`).join("");
  }

  private appTasks(req: ApiRequest, id: string): ApiResponse {
    let ids: string[];
    const group = id.endsWith("/*") ? id.slice(0, -2) || "/" : undefined;
    if (group !== undefined) {
      const g = findGroup(this.core.root, group);
      if (!g) throw unknownGroup(group);
      ids = transitiveApps(g).map((app) => app.id);
    } else {
      if (!findApp(this.core.root, id)) throw unknownApp(id);
      ids = [id];
    }
    if (this.wantsText(req))
      return { status: 200, text: this.tasksText(ids), contentType: "text/plain;charset=utf-8" };
    return { status: 200, body: { tasks: ids.flatMap((appId) => this.core.tasksOf(appId)) } };
  }

  private activeInstances(appId: string): Instance[] {
    return this.core.instancesOf(appId).filter((i) => i.task !== undefined && !isTerminalState(i.task.state));
  }

  /** Kill-and-scale: one deployment that lowers `instances` by the number of killed tasks and kills exactly them. */
  private killAndScale(toKill: Map<string, Instance[]>, force: boolean): ApiResponse {
    const sentenced = new Map<string, string[]>();
    for (const [appId, instances] of toKill) {
      if (instances.length > 0)
        sentenced.set(
          appId,
          instances.map((i) => i.instanceId),
        );
    }
    const result = this.core.deploy(
      (root, version) =>
        mapApps(
          root,
          "/",
          (app) => {
            const instances = toKill.get(app.id);
            if (!instances || instances.length === 0) return app;
            const count = instances.filter((i) => i.goal === "Running" && !i.task?.killRequested).length;
            const next = cloneApp(app);
            next.instances = Math.max(0, app.instances - count);
            return next;
          },
          version,
        ),
      { force, toKill: sentenced },
    );
    return deploymentAnswer(result);
  }

  /** Kills tasks without scaling: they are relaunched (or, with `wipe`, replaced by new instances). */
  private killInstances(instances: readonly Instance[], wipe: boolean): JsonObject[] {
    const tasks: JsonObject[] = [];
    for (const instance of instances) {
      const task = this.core.taskJson(instance, findApp(this.core.root, instance.appId));
      if (task) tasks.push(task);
      if (wipe) this.core.wipeInstance(instance);
      else this.core.killInstance(instance, "api");
    }
    return tasks;
  }

  private killAppTasks(req: ApiRequest, id: string): ApiResponse {
    const scale = flag(req.query, "scale", false);
    const wipe = flag(req.query, "wipe", false);
    if (scale && wipe) throw httpError(400, "You cannot use scale and wipe at the same time.");
    if (!findApp(this.core.root, id)) throw unknownApp(id);
    const host = req.query.get("host");
    const instances = this.activeInstances(id).filter((i) => {
      if (host === null || host === "*") return true;
      const agent = this.core.agentInfo(i.task?.agentId ?? "");
      return agent?.hostname === host || agent?.address === host;
    });
    if (scale) return this.killAndScale(new Map([[id, instances]]), flag(req.query, "force", false));
    return { status: 200, body: { tasks: this.killInstances(instances, wipe) } };
  }

  private killAppTask(req: ApiRequest, id: string, taskId: string): ApiResponse {
    const scale = flag(req.query, "scale", false);
    const wipe = flag(req.query, "wipe", false);
    if (scale && wipe) throw httpError(400, "You cannot use scale and wipe at the same time.");
    if (!findApp(this.core.root, id)) throw unknownApp(id);
    const parsed = parseTaskId(taskId);
    const instances = parsed
      ? this.activeInstances(id).filter((i) => i.instanceId === parsed.instanceId)
      : [];
    if (scale) return this.killAndScale(new Map([[id, instances]]), flag(req.query, "force", false));
    const [task] = this.killInstances(instances, wipe);
    if (!task) throw httpError(404, `Task '${taskId}' does not exist`);
    return { status: 200, body: { task } };
  }

  private listTasks(req: ApiRequest): ApiResponse {
    const statuses = [...req.query.getAll("status"), ...req.query.getAll("status[]")]
      .map((s) => s.toLowerCase())
      .map((s) => (s === "running" ? "TASK_RUNNING" : s === "staging" ? "TASK_STAGING" : undefined))
      .filter((s): s is "TASK_RUNNING" | "TASK_STAGING" => s !== undefined);
    const apps = transitiveApps(this.core.root);
    if (this.wantsText(req)) {
      return {
        status: 200,
        text: this.tasksText(apps.map((a) => a.id)),
        contentType: "text/plain;charset=utf-8",
      };
    }
    const tasks = apps.flatMap((app) =>
      this.core
        .tasksOf(app.id)
        .filter((task) => statuses.length === 0 || statuses.some((s) => s === task.state)),
    );
    return { status: 200, body: { tasks } };
  }

  private deleteTasks(req: ApiRequest): ApiResponse {
    const scale = flag(req.query, "scale", false);
    const wipe = flag(req.query, "wipe", false);
    if (scale && wipe) throw httpError(400, "You cannot use scale and wipe at the same time.");
    const body = expectObject(parseBody(req.body));
    if (!Array.isArray(body.ids) || body.ids.some((id) => typeof id !== "string")) {
      throw new HttpError(422, {
        message: "Invalid JSON",
        details: [{ path: "/ids", errors: ["error.expected.jsarray"] }],
      });
    }
    const byApp = new Map<string, Instance[]>();
    for (const taskId of strings(body.ids)) {
      const parsed = parseTaskId(taskId);
      if (!parsed)
        throw httpError(400, `Invalid task id '${taskId}'. [${taskId} (of class java.lang.String)]`);
      const instance = this.core.instances.get(parsed.instanceId);
      if (!instance?.task || isTerminalState(instance.task.state)) continue;
      byApp.set(instance.appId, [...(byApp.get(instance.appId) ?? []), instance]);
    }
    if (scale) return this.killAndScale(byApp, flag(req.query, "force", false));
    const tasks: JsonObject[] = [];
    for (const instances of byApp.values()) tasks.push(...this.killInstances(instances, wipe));
    return { status: 200, body: { tasks } };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Groups
  // -------------------------------------------------------------------------------------------------------------

  /** GroupInfo (RAML `group.GroupInfo`) with the embeds asked for. */
  groupInfo(
    group: GroupNode,
    appEmbeds: ReadonlySet<AppEmbed>,
    embedApps: boolean,
    embedGroups: boolean,
    embedPods: boolean,
  ): JsonObject {
    const out: JsonObject = { id: group.id };
    if (embedApps) {
      out.apps = [...group.apps.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((app) => this.appInfo(app, appEmbeds));
    }
    if (embedPods) out.pods = [];
    if (embedGroups) {
      out.groups = [...group.groups.values()]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((g) => this.groupInfo(g, appEmbeds, embedApps, embedGroups, embedPods));
    }
    out.dependencies = [...group.dependencies];
    out.version = group.version;
    out.enforceRole = group.enforceRole;
    return out;
  }

  private groups(req: ApiRequest, rest: string): ApiResponse {
    const raw = rest.startsWith("/") ? rest.slice(1) : rest;
    if (req.method === "GET" || req.method === "HEAD") return this.getGroup(req, raw);
    const id = canonicalPath(decode(raw));
    switch (req.method) {
      case "POST":
        return this.createGroup(req, id);
      case "PUT":
        return this.updateGroup(req, id);
      case "DELETE":
        return this.deleteGroup(req, id);
      case "PATCH":
        return this.patchGroup(req, id);
      default:
        throw METHOD_NOT_ALLOWED();
    }
  }

  private getGroup(req: ApiRequest, raw: string): ApiResponse {
    const embedParams = req.query.getAll("embed");
    const embeds = embedParams.length > 0 ? embedParams : ["group.groups", "group.apps", "group.pods"];
    const appEmbeds = resolveAppEmbeds(embeds.filter((e) => e.startsWith("group.apps.")));
    const embedApps = embeds.includes("group.apps");
    const embedGroups = embeds.includes("group.groups");
    const embedPods = embeds.includes("group.pods");
    let m = /^(?:(.+)\/)?apps$/.exec(raw);
    if (m) {
      const id = canonicalPath(decode(m[1] ?? ""));
      const group = findGroup(this.core.root, id);
      if (!group) throw unknownGroup(id);
      return { status: 200, body: transitiveApps(group).map((app) => this.appInfo(app, appEmbeds)) };
    }
    m = /^(?:(.+)\/)?versions$/.exec(raw);
    if (m) {
      const id = canonicalPath(decode(m[1] ?? ""));
      if (!findGroup(this.core.root, id)) throw unknownGroup(id);
      return { status: 200, body: this.core.groupVersionList(id) };
    }
    m = /^(?:(.+)\/)?versions\/([^/]+)$/.exec(raw);
    if (m?.[2]) {
      const id = canonicalPath(decode(m[1] ?? ""));
      const group = this.core.groupAtVersion(id, decode(m[2]));
      if (!group) throw unknownGroup(id);
      return { status: 200, body: this.groupInfo(group, new Set(), embedApps, embedGroups, embedPods) };
    }
    const id = canonicalPath(decode(raw));
    const group = findGroup(this.core.root, id);
    if (!group) throw unknownGroup(id);
    return { status: 200, body: this.groupInfo(group, appEmbeds, embedApps, embedGroups, embedPods) };
  }

  /** Validates a group update body: the schema, and every app in it (ids must be below their group). */
  private validateGroupUpdate(body: JsonObject, groupId: string, base: string, details: Detail[]): void {
    if (base === "" && this.env.schemas) details.push(...checkSchema(this.env.schemas.groupUpdate, body));
    if (Array.isArray(body.pods) && body.pods.length > 0) {
      details.push({ path: `${base}/pods`, errors: ["pods are not supported by this Marathon emulator"] });
    }
    const seen = new Set<string>();
    (Array.isArray(body.apps) ? body.apps : []).forEach((item, i) => {
      if (!isObject(item)) return;
      const appId = canonicalPath(str(item, "id") ?? "", groupId);
      const at = `${base}/apps/${i}`;
      if (parentPath(appId) !== groupId) {
        details.push({
          path: `${at}/id`,
          errors: [`identifier ${appId} is not child of ${groupId}. Hint: use relative paths.`],
        });
      }
      if (seen.has(appId))
        details.push({ path: `${at}/id`, errors: [`app ${appId} is given more than once`] });
      seen.add(appId);
      details.push(...semanticAppProblems(item, appId, at));
    });
    (Array.isArray(body.groups) ? body.groups : []).forEach((item, i) => {
      if (!isObject(item)) return;
      const subId = canonicalPath(str(item, "id") ?? "", groupId);
      if (subId === groupId || parentPath(subId) !== groupId || !isValidPath(subId)) {
        details.push({
          path: `${base}/groups/${i}/id`,
          errors: [`identifier ${subId} is not child of ${groupId}. Hint: use relative paths.`],
        });
        return;
      }
      this.validateGroupUpdate(item, subId, `${base}/groups/${i}`, details);
    });
  }

  /** Marathon's `UpdateGroupStructureOp`: apps and groups given replace those of the group; absent ones stay. */
  private applyGroupUpdate(
    update: JsonObject,
    current: GroupNode | undefined,
    id: string,
    version: string,
  ): GroupNode {
    const base = current ? { ...current } : emptyGroup(id, version);
    const group: GroupNode = {
      id,
      apps: base.apps,
      groups: base.groups,
      dependencies: base.dependencies,
      version,
      enforceRole: typeof update.enforceRole === "boolean" ? update.enforceRole : base.enforceRole,
    };
    if (Array.isArray(update.apps)) {
      group.apps = new Map();
      for (const item of update.apps) {
        if (!isObject(item)) continue;
        const appId = canonicalPath(str(item, "id") ?? "", id);
        group.apps.set(appId, normalizeApp({ ...item, id: appId }, appId, version));
      }
    }
    if (Array.isArray(update.groups)) {
      const groups = new Map<string, GroupNode>();
      for (const item of update.groups) {
        if (!isObject(item)) continue;
        const subId = canonicalPath(str(item, "id") ?? "", id);
        groups.set(subId, this.applyGroupUpdate(item, current?.groups.get(subId), subId, version));
      }
      group.groups = groups;
    }
    if (Array.isArray(update.dependencies)) {
      group.dependencies = strings(update.dependencies).map((dep) => canonicalPath(dep, id));
    }
    return group;
  }

  private groupBody(req: ApiRequest, pathId: string): { body: JsonObject; id: string } {
    const body = expectObject(parseBody(req.body));
    const rawId = str(body, "id");
    const id = rawId === undefined ? pathId : canonicalPath(rawId, pathId);
    const details: Detail[] = [];
    if (!isValidPath(id)) details.push({ path: "/id", errors: [`'${id}' is not a valid group id`] });
    this.validateGroupUpdate(body, id, "", details);
    throwIfInvalid(details);
    return { body, id };
  }

  private checkNoAppInTheWay(id: string, body: JsonObject): void {
    if (findApp(this.core.root, id)) throw httpError(409, `An app with the path ${id} already exists.`);
    // An app of the update must not take the place of an existing group, nor a group that of an app.
    const apps = Array.isArray(body.apps) ? body.apps : [];
    for (const item of apps) {
      if (!isObject(item)) continue;
      const appId = canonicalPath(str(item, "id") ?? "", id);
      if (findGroup(this.core.root, appId)) {
        throw new HttpError(422, {
          message: "Object is not valid",
          details: [
            { path: "/apps", errors: [`Groups and Applications may not have the same identifier: ${appId}`] },
          ],
        });
      }
    }
  }

  private createGroup(req: ApiRequest, pathId: string): ApiResponse {
    const { body, id } = this.groupBody(req, pathId);
    if (findGroup(this.core.root, id)) {
      throw httpError(409, `Group ${id} is already created. Use PUT to change this group.`);
    }
    this.checkNoAppInTheWay(id, body);
    const result = this.core.deploy(
      (root, version) => putGroup(root, this.applyGroupUpdate(body, undefined, id, version), version),
      { force: flag(req.query, "force", false), groupId: id },
    );
    return deploymentAnswer(result, 201, { Location: `${this.env.baseUrl()}${id}` });
  }

  private updateGroup(req: ApiRequest, pathId: string): ApiResponse {
    const { body, id } = this.groupBody(req, pathId);
    const force = flag(req.query, "force", false);
    const dryRun = flag(req.query, "dryRun", false);
    const version = str(body, "version");
    const scaleBy = typeof body.scaleBy === "number" ? body.scaleBy : undefined;
    let change: (root: GroupNode, v: string) => GroupNode;
    if (version !== undefined) {
      const old = this.core.groupAtVersion(id, version);
      if (!old) throw httpError(422, `Group ${id} not available in version ${version}`);
      change = (root, v) => putGroup(root, { ...old, version: v }, v);
    } else if (scaleBy !== undefined) {
      if (!findGroup(this.core.root, id)) throw unknownGroup(id);
      change = (root, v) =>
        mapApps(
          root,
          id,
          (app) => {
            const next = cloneApp(app);
            next.instances = Math.ceil(app.instances * scaleBy - 1e-9);
            return next;
          },
          v,
        );
    } else {
      this.checkNoAppInTheWay(id, body);
      change = (root, v) => putGroup(root, this.applyGroupUpdate(body, findGroup(root, id), id, v), v);
    }
    const result = this.core.deploy(change, { force, dryRun, groupId: id });
    if (dryRun) return { status: 200, body: { steps: stepsJson(result.steps) } };
    return deploymentAnswer(result);
  }

  private deleteGroup(req: ApiRequest, id: string): ApiResponse {
    if (!findGroup(this.core.root, id)) throw unknownGroup(id);
    const result = this.core.deploy((root, version) => removeGroup(root, id, version), {
      force: flag(req.query, "force", false),
      groupId: id,
    });
    return deploymentAnswer(result);
  }

  private patchGroup(req: ApiRequest, id: string): ApiResponse {
    const body = expectObject(parseBody(req.body));
    if (splitPath(id).length !== 1) {
      throw new HttpError(422, {
        message: "Object is not valid",
        details: [{ path: "/", errors: ["Path needs to be top-level"] }],
      });
    }
    if (!findGroup(this.core.root, id)) throw unknownGroup(id);
    if (body.enforceRole !== undefined && typeof body.enforceRole !== "boolean") {
      throw new HttpError(422, {
        message: "Invalid JSON",
        details: [{ path: "/enforceRole", errors: ["error.expected.jsboolean"] }],
      });
    }
    const enforceRole = body.enforceRole === true;
    const group = findGroup(this.core.root, id);
    if (group) group.enforceRole = enforceRole;
    return { status: 200 };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Deployments, queue
  // -------------------------------------------------------------------------------------------------------------

  private deploymentsRoute(req: ApiRequest, rest: string): ApiResponse {
    if (rest === "" || rest === "/") {
      return this.only(req, "GET", () => ({
        status: 200,
        body: [...this.core.deployments.values()].map((d) => this.core.deploymentJson(d)),
      }));
    }
    const id = decode(rest.slice(1));
    if (req.method !== "DELETE") throw METHOD_NOT_ALLOWED();
    if (!this.core.deployments.has(id)) throw httpError(404, `DeploymentPlan ${id} does not exist`);
    if (flag(req.query, "force", false)) {
      this.core.cancelDeployment(id, "Deployment was canceled");
      return { status: 202 };
    }
    return deploymentAnswer(this.core.rollback(id));
  }

  private queue(req: ApiRequest): ApiResponse {
    const withOffers = req.query.getAll("embed").includes("lastUnusedOffers");
    const queue = transitiveApps(this.core.root)
      .map((app) => this.core.queueItem(app, withOffers))
      .filter((item): item is JsonObject => item !== undefined);
    return { status: 200, body: { queue } };
  }

  private resetDelay(rawId: string): ApiResponse {
    const id = canonicalPath(decode(rawId));
    if (!findApp(this.core.root, id) || this.core.waitingOf(id).length === 0) {
      throw httpError(404, `Application ${id} not found in tasks queue.`);
    }
    this.core.resetDelay(id);
    return { status: 204 };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Pods (read-only: the emulator runs apps only)
  // -------------------------------------------------------------------------------------------------------------

  private pods(req: ApiRequest, rest: string): ApiResponse {
    if (req.method !== "GET") throw httpError(404, "URI not found");
    if (rest === "" || rest === "/" || rest === "/::status") return { status: 200, body: [] };
    const raw = decode(rest.slice(1)).replace(/::(status|versions.*|instances.*)$/, "");
    throw httpError(404, `Pod '${canonicalPath(raw)}' does not exist`);
  }
}
