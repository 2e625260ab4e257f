import { z } from "zod";
import { HttpClient, type HttpClientOptions, type HttpResponse } from "../http/client.js";
import { mapMarathonError } from "./errors.js";
import { type EventStreamOptions, MarathonEventStream } from "./events.js";
import {
  type App,
  type AppDefinition,
  AppDefinitionSchema,
  AppListResponseSchema,
  AppResponseSchema,
  type AppUpdate,
  AppUpdateSchema,
  AppVersionsResponseSchema,
  type Deployment,
  DeploymentListResponseSchema,
  type DeploymentResult,
  DeploymentResultSchema,
  type Group,
  GroupSchema,
  type GroupUpdate,
  GroupUpdateSchema,
  type Info,
  InfoSchema,
  LeaderResponseSchema,
  type Pod,
  PodSchema,
  type PodStatus,
  PodStatusSchema,
  type QueueItem,
  QueueResponseSchema,
  type Task,
  TaskListResponseSchema,
  TaskResponseSchema,
} from "./schemas/index.js";

/** Options of {@link MarathonClient}: the transport's, with Marathon's URL. */
export interface MarathonClientOptions extends Omit<HttpClientOptions, "service" | "baseUrl" | "mapError"> {
  /** Marathon's base URL, e.g. `http://marathon.example:8080` or `https://dcos.example/service/marathon`. */
  url: string;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of deployable changes. */
export interface DeployOptions extends CallOptions {
  /** Cancel deployments that hold the app or group instead of failing with {@link DeploymentLockedError}. */
  force?: boolean;
}

/** A change Marathon accepted: the deployment that carries it out. */
export interface DeploymentRef {
  deploymentId: string;
  version: string;
}

export type AppEmbed =
  | "apps.tasks"
  | "apps.counts"
  | "apps.deployments"
  | "apps.readiness"
  | "apps.lastTaskFailure"
  | "apps.failures"
  | "apps.taskStats";
export type GroupEmbed =
  | "group.groups"
  | "group.apps"
  | "group.pods"
  | "group.apps.tasks"
  | "group.apps.counts"
  | "group.apps.deployments"
  | "group.apps.readiness"
  | "group.apps.lastTaskFailure"
  | "group.apps.taskStats";

const StepsSchema = z.looseObject({ steps: z.array(z.unknown()) });
const PodListSchema = z.array(PodSchema);
const PodStatusListSchema = z.array(PodStatusSchema);
const KilledTasksSchema = z.union([TaskListResponseSchema, DeploymentResultSchema]);

/**
 * A typed client of Marathon's REST API (v2). Every request goes through the shared transport (auth, TLS, retries on
 * leader trouble, typed errors); request bodies are checked against Marathon's schemas before they are sent and
 * responses are parsed.
 *
 * @example
 * const marathon = new MarathonClient({ url: "http://127.0.0.1:8080" });
 * const { deploymentId } = await marathon.putGroup({ id: "/bsaas/demo", apps: [...] });
 * const result = await waitForDeployment(marathon, deploymentId, { timeoutMs: 120_000 });
 * @throws {DeploymentLockedError} a change hits a deployment lock (409) and `force` was not set.
 * @throws {MarathonNotFoundError} an id does not exist (404).
 * @throws {MarathonValidationError} Marathon rejects a definition (422).
 */
export class MarathonClient {
  readonly http: HttpClient;

  constructor(options: MarathonClientOptions) {
    const { url, ...rest } = options;
    this.http = new HttpClient({ ...rest, service: "Marathon", baseUrl: url, mapError: mapMarathonError });
  }

  // --- apps ---------------------------------------------------------------------------------------------------------

  /** `GET /v2/apps`: apps, optionally filtered by id substring, cmd substring or label selector. */
  async listApps(
    options: CallOptions & { id?: string; cmd?: string; label?: string; embed?: AppEmbed[] } = {},
  ): Promise<App[]> {
    const { signal, embed, ...filters } = options;
    const res = await this.http.request({
      method: "GET",
      path: "/v2/apps",
      query: { ...filters, embed },
      schema: AppListResponseSchema,
      signal,
    });
    return res.data.apps;
  }

  /** `GET /v2/apps/{id}`. */
  async getApp(id: string, options: CallOptions & { embed?: string[] } = {}): Promise<App> {
    const res = await this.http.request({
      method: "GET",
      path: `/v2/apps${idPath(id)}`,
      query: { embed: options.embed },
      schema: AppResponseSchema,
      signal: options.signal,
    });
    return res.data.app;
  }

  /** `POST /v2/apps`: creates an app (409 when it exists). */
  async createApp(app: AppDefinition, options: DeployOptions = {}): Promise<DeploymentRef & { app: App }> {
    const res = await this.http.request({
      method: "POST",
      path: "/v2/apps",
      query: { force: options.force },
      body: app,
      bodySchema: AppDefinitionSchema,
      schema: AppResponseSchema.shape.app,
      signal: options.signal,
    });
    return { app: res.data, deploymentId: deploymentIdOf(res), version: String(res.data.version ?? "") };
  }

  /** `PUT /v2/apps/{id}`: replaces the app's definition (creates it when missing). */
  async putApp(
    app: AppDefinition,
    options: DeployOptions & { partialUpdate?: boolean } = {},
  ): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "PUT",
      path: `/v2/apps${idPath(app.id)}`,
      query: { force: options.force, partialUpdate: options.partialUpdate },
      body: app,
      bodySchema: AppDefinitionSchema,
      signal: options.signal,
    });
    return deploymentRefOf(res);
  }

  /** `PATCH /v2/apps/{id}`: changes some fields of an existing app. */
  async patchApp(id: string, update: AppUpdate, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "PATCH",
      path: `/v2/apps${idPath(id)}`,
      query: { force: options.force },
      body: update,
      bodySchema: AppUpdateSchema,
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** Sets the app's instance count (a PATCH of `instances`). To remove chosen tasks, use {@link killTasks} with `scale`. */
  scaleApp(id: string, instances: number, options: DeployOptions = {}): Promise<DeploymentRef> {
    return this.patchApp(id, { instances }, options);
  }

  /** `DELETE /v2/apps/{id}`. */
  async deleteApp(id: string, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "DELETE",
      path: `/v2/apps${idPath(id)}`,
      query: { force: options.force },
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** `POST /v2/apps/{id}/restart`: a rolling restart following the app's upgrade strategy. */
  async restartApp(id: string, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "POST",
      path: `/v2/apps${idPath(id)}/restart`,
      query: { force: options.force },
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** `GET /v2/apps/{id}/versions`. */
  async appVersions(id: string, options: CallOptions = {}): Promise<string[]> {
    const res = await this.http.request({
      method: "GET",
      path: `/v2/apps${idPath(id)}/versions`,
      schema: AppVersionsResponseSchema,
      signal: options.signal,
    });
    return res.data.versions;
  }

  // --- groups -------------------------------------------------------------------------------------------------------

  /** `GET /v2/groups/{id}` (the root group by default). */
  async getGroup(id = "/", options: CallOptions & { embed?: GroupEmbed[] } = {}): Promise<Group> {
    const res = await this.http.request({
      method: "GET",
      path: `/v2/groups${idPath(id)}`,
      query: { embed: options.embed },
      schema: GroupSchema,
      signal: options.signal,
    });
    return res.data;
  }

  /**
   * `PUT /v2/groups/{id}`: makes the group look like `group` in one deployment (apps missing from it are removed).
   * This is how bsaas applies a whole site with one request.
   */
  async putGroup(group: GroupUpdate, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "PUT",
      path: `/v2/groups${idPath(group.id ?? "/")}`,
      query: { force: options.force },
      body: group,
      bodySchema: GroupUpdateSchema,
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** `PUT /v2/groups/{id}?dryRun=true`: the deployment steps the change would take, without deploying. */
  async planGroup(group: GroupUpdate, options: CallOptions = {}): Promise<unknown[]> {
    const res = await this.http.request({
      method: "PUT",
      path: `/v2/groups${idPath(group.id ?? "/")}`,
      query: { dryRun: true },
      body: group,
      bodySchema: GroupUpdateSchema,
      schema: StepsSchema,
      signal: options.signal,
    });
    return res.data.steps;
  }

  /** `POST /v2/groups`: creates a group (409 when it exists). */
  async createGroup(group: GroupUpdate, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "POST",
      path: "/v2/groups",
      query: { force: options.force },
      body: group,
      bodySchema: GroupUpdateSchema,
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** `DELETE /v2/groups/{id}`: removes the group and everything in it. */
  async deleteGroup(id: string, options: DeployOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "DELETE",
      path: `/v2/groups${idPath(id)}`,
      query: { force: options.force },
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  // --- deployments --------------------------------------------------------------------------------------------------

  /** `GET /v2/deployments`: deployments in flight. */
  async listDeployments(options: CallOptions = {}): Promise<Deployment[]> {
    const res = await this.http.request({
      method: "GET",
      path: "/v2/deployments",
      schema: DeploymentListResponseSchema,
      signal: options.signal,
    });
    return res.data;
  }

  /** `DELETE /v2/deployments/{id}`: stops the deployment and starts one that reverts its changes. */
  async rollbackDeployment(id: string, options: CallOptions = {}): Promise<DeploymentRef> {
    const res = await this.http.request({
      method: "DELETE",
      path: `/v2/deployments/${encodeURIComponent(id)}`,
      schema: DeploymentResultSchema,
      signal: options.signal,
    });
    return refOf(res.data);
  }

  /** `DELETE /v2/deployments/{id}?force=true`: stops the deployment where it is, without reverting. */
  async cancelDeployment(id: string, options: CallOptions = {}): Promise<void> {
    await this.http.request({
      method: "DELETE",
      path: `/v2/deployments/${encodeURIComponent(id)}`,
      query: { force: true },
      signal: options.signal,
    });
  }

  // --- tasks and queue ----------------------------------------------------------------------------------------------

  /** `GET /v2/tasks`, optionally only tasks in the given states (`running`, `staging`, ...). */
  async listTasks(options: CallOptions & { status?: string[] } = {}): Promise<Task[]> {
    const res = await this.http.request({
      method: "GET",
      path: "/v2/tasks",
      query: { status: options.status },
      schema: TaskListResponseSchema,
      signal: options.signal,
    });
    return res.data.tasks;
  }

  /** `GET /v2/apps/{id}/tasks`. */
  async appTasks(id: string, options: CallOptions = {}): Promise<Task[]> {
    const res = await this.http.request({
      method: "GET",
      path: `/v2/apps${idPath(id)}/tasks`,
      schema: TaskListResponseSchema,
      signal: options.signal,
    });
    return res.data.tasks;
  }

  /**
   * `POST /v2/tasks/delete`: kills exactly these tasks. With `scale: true` the apps' instance counts drop by the number
   * killed (a deployment is returned) so Marathon does not replace them — how drained executors are removed.
   */
  async killTasks(
    ids: string[],
    options: DeployOptions & { scale?: boolean; wipe?: boolean } = {},
  ): Promise<{ tasks: Task[] } | DeploymentRef> {
    const res = await this.http.request({
      method: "POST",
      path: "/v2/tasks/delete",
      query: { scale: options.scale, wipe: options.wipe, force: options.force },
      body: { ids },
      schema: KilledTasksSchema,
      signal: options.signal,
    });
    const data = res.data;
    return isDeploymentResult(data) ? refOf(data) : { tasks: data.tasks };
  }

  /** `DELETE /v2/apps/{id}/tasks/{taskId}`: kills one task of an app (see {@link killTasks} for `scale`). */
  async killAppTask(
    appId: string,
    taskId: string,
    options: DeployOptions & { scale?: boolean; wipe?: boolean } = {},
  ): Promise<{ task: Task } | DeploymentRef> {
    const res = await this.http.request({
      method: "DELETE",
      path: `/v2/apps${idPath(appId)}/tasks/${encodeURIComponent(taskId)}`,
      query: { scale: options.scale, wipe: options.wipe, force: options.force },
      schema: z.union([TaskResponseSchema, DeploymentResultSchema]),
      signal: options.signal,
    });
    const data = res.data;
    return isDeploymentResult(data) ? refOf(data) : { task: data.task };
  }

  /** `GET /v2/queue`: what waits for resources, and why. */
  async queue(options: CallOptions & { embedLastUnusedOffers?: boolean } = {}): Promise<QueueItem[]> {
    const res = await this.http.request({
      method: "GET",
      path: "/v2/queue",
      query: { embed: options.embedLastUnusedOffers ? "lastUnusedOffers" : undefined },
      schema: QueueResponseSchema,
      signal: options.signal,
    });
    return res.data.queue;
  }

  /** `DELETE /v2/queue/{id}/delay`: launches the app's waiting tasks now instead of after its back-off. */
  async resetDelay(appId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request({
      method: "DELETE",
      path: `/v2/queue${idPath(appId)}/delay`,
      signal: options.signal,
    });
  }

  // --- pods (read) ----------------------------------------------------------------------------------------------------

  /** `GET /v2/pods`. */
  async listPods(options: CallOptions = {}): Promise<Pod[]> {
    return (
      await this.http.request({
        method: "GET",
        path: "/v2/pods",
        schema: PodListSchema,
        signal: options.signal,
      })
    ).data;
  }

  /** `GET /v2/pods/{id}`. */
  async getPod(id: string, options: CallOptions = {}): Promise<Pod> {
    return (
      await this.http.request({
        method: "GET",
        path: `/v2/pods${idPath(id)}`,
        schema: PodSchema,
        signal: options.signal,
      })
    ).data;
  }

  /** `GET /v2/pods/{id}::status`, or every pod's status without an id. */
  async podStatus(id?: string, options: CallOptions = {}): Promise<PodStatus[]> {
    if (id === undefined) {
      return (
        await this.http.request({
          method: "GET",
          path: "/v2/pods/::status",
          schema: PodStatusListSchema,
          signal: options.signal,
        })
      ).data;
    }
    return [
      (
        await this.http.request({
          method: "GET",
          path: `/v2/pods${idPath(id)}::status`,
          schema: PodStatusSchema,
          signal: options.signal,
        })
      ).data,
    ];
  }

  // --- info -----------------------------------------------------------------------------------------------------------

  /** `GET /v2/info`: version, leader, framework id and configuration. */
  async info(options: CallOptions = {}): Promise<Info> {
    return (
      await this.http.request({ method: "GET", path: "/v2/info", schema: InfoSchema, signal: options.signal })
    ).data;
  }

  /** `GET /v2/leader`: the leader's `host:port`, or undefined while there is none (404). */
  async leader(options: CallOptions = {}): Promise<string | undefined> {
    try {
      return (
        await this.http.request({
          method: "GET",
          path: "/v2/leader",
          schema: LeaderResponseSchema,
          signal: options.signal,
        })
      ).data.leader;
    } catch (error) {
      if (error instanceof Error && "status" in error && error.status === 404) return undefined;
      throw error;
    }
  }

  /** `GET /ping`: true when Marathon answers `pong`. */
  async ping(options: CallOptions = {}): Promise<boolean> {
    const res = await this.http.request({
      method: "GET",
      path: "/ping",
      signal: options.signal,
      headers: { accept: "text/plain, */*" },
    });
    return String(res.data).trim() === "pong";
  }

  // --- events ---------------------------------------------------------------------------------------------------------

  /**
   * `GET /v2/events`: Marathon's event stream, typed, following the leader, reconnecting with backoff. After every
   * reconnect it yields `{ kind: "reconnected" }`: events sent while disconnected are lost, so re-read state then.
   */
  events(options: EventStreamOptions = {}): MarathonEventStream {
    return new MarathonEventStream(this.http, options);
  }
}

/** `/a/b` → `/a/b`; `a/b` → `/a/b`; `/` → `` (the root). Each segment is URL-encoded. */
function idPath(id: string): string {
  const segments = id.split("/").filter(Boolean);
  return segments.length === 0 ? "" : `/${segments.map(encodeURIComponent).join("/")}`;
}

function deploymentIdOf(res: HttpResponse<unknown>): string {
  return res.headers["marathon-deployment-id"] ?? "";
}

function isDeploymentResult(data: object): data is DeploymentResult {
  return typeof (data as { deploymentId?: unknown }).deploymentId === "string";
}

function refOf(result: DeploymentResult): DeploymentRef {
  return { deploymentId: result.deploymentId, version: result.version };
}

/** PUT /v2/apps/{id} answers 200 with a DeploymentResult, or 201 with the created app when it did not exist. */
function deploymentRefOf(res: HttpResponse<unknown>): DeploymentRef {
  const parsed = DeploymentResultSchema.safeParse(res.data);
  if (parsed.success) return refOf(parsed.data);
  const version =
    res.data && typeof res.data === "object" && "version" in res.data ? String(res.data.version) : "";
  return { deploymentId: deploymentIdOf(res), version };
}
