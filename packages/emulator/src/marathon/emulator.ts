import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppDefinitionSchema, AppUpdateSchema, GroupUpdateSchema } from "@bsaas/sdk/marathon";
import type { AgentCluster } from "../agents/cluster.js";
import type { TaskRunner } from "../agents/runner.js";
import { SimulatedRunner } from "../agents/simulated-runner.js";
import type { AgentSpec, MesosTaskState } from "../agents/types.js";
import { MesosMaster } from "../mesos/master.js";
import { type MesosMasterServer, startMesosMaster } from "../mesos/server.js";
import { type LoopbackServer, startLoopbackServer } from "../server.js";
import { type ApiResponse, MarathonApi } from "./api.js";
import { VersionClock } from "./clock.js";
import { MarathonCore, type MarathonTiming } from "./core.js";
import { HttpError } from "./errors.js";
import { EventBus, EventStreamHub, type MarathonEvent } from "./events.js";
import { findApp } from "./groups.js";
import type { JsonObject, JsonValue } from "./json.js";
import { MesosDriver } from "./mesos-driver.js";
import { forwardToLeader, sendProxied, VIA_HEADER } from "./proxy.js";
import type { RequestSchemas } from "./validation.js";

/** Credentials the emulator asks for. */
export type MarathonAuth =
  | { type: "basic"; username: string; password: string }
  /** DC/OS style: `Authorization: token=<t>` or `Authorization: Bearer <t>`. */
  | { type: "token"; token: string };

/** Options of {@link startMarathonEmulator}. */
export interface MarathonEmulatorOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default: a free one). */
  port?: number;
  /** Allow a non-loopback `host`. */
  allowAnyHost?: boolean;
  /**
   * The Mesos master Marathon registers with as the framework `marathon` (a started master, or an in-process
   * {@link MesosMaster}). Default: Marathon starts its own master on loopback with `agents`, `runner`, `workDir`,
   * `execPrefix`, `rootfs` and `cleanup` (the options below), and stops it on `close()`.
   */
  mesos?: MesosMaster | MesosMasterServer;
  /** Allocation interval of the master Marathon starts itself (default 50 ms: resources freed are offered quickly). */
  allocationIntervalMs?: number;
  /** FrameworkInfo.failover_timeout Marathon registers with, in seconds (default one week, like Marathon). */
  failoverTimeoutSeconds?: number;
  /** Agent count or specs (default 3 agents of 4 cpus, 8192 MB, 20000 MB disk, 1000 ports each). */
  agents?: number | readonly AgentSpec[];
  /** First host port of the default agent port ranges (default 31000). */
  portRangeStart?: number;
  /** How tasks run: `simulated` (default; state changes only) or `process` (real local processes), or a runner. */
  runner?: "simulated" | "process" | TaskRunner;
  /** Sandbox root of the process runner (default: a new temporary directory). */
  workDir?: string;
  /** Command prefix of the process runner, e.g. `["unshare", "--net"]`. */
  execPrefix?: readonly string[];
  /** Root filesystem of the process runner's agents: tasks run chrooted into it (see `ProcessRunnerOptions.rootfs`). */
  rootfs?: string;
  /** Remove the process runner's sandboxes on `close()` (default false: they are kept). */
  cleanup?: boolean;
  /** Require credentials on every request but `/ping`. */
  auth?: MarathonAuth;
  /** Heart-beat period of `/v2/events` (default 10 000 ms, like Jetty's EventSource). */
  heartbeatMs?: number;
  /**
   * Time scaling for tests, plus the simulated runner's step delay (default 20 ms) of the master Marathon starts
   * itself, and how long offers Marathon cannot use are declined for (`declineOfferDurationMs`, default 5000 ms).
   */
  timing?: MarathonTiming & { taskStepDelayMs?: number };
  /** Follower mode: proxy every request to this leader (`/v2/events` is redirected instead). */
  leaderUrl?: string;
  /** Keep every response (method, path, status, parsed JSON body) in `emulator.responses`. */
  recordResponses?: boolean;
  /** Request schemas (default: the SDK's); `false` turns schema validation off. */
  schemas?: RequestSchemas | false;
  /** The Marathon version `/v2/info` reports (default 1.11.24). */
  marathonVersion?: string;
}

/** Counts of mutating requests (POST, PUT, PATCH, DELETE). */
export interface MutatingRequestStats {
  total: number;
  byMethod: Record<string, number>;
  /** Keyed `"<METHOD> <path>"`, e.g. `"PUT /v2/groups/site-a"` (no query string). */
  byRoute: Record<string, number>;
}

/** One recorded response. */
export interface RecordedResponse {
  method: string;
  path: string;
  query: string;
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: JsonValue | undefined;
}

/** Options of {@link MarathonEmulator.waitFor}. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Named in the error when the time is up. */
  description?: string;
}

/** A running Marathon emulator. */
export interface MarathonEmulator {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Every event, as `/v2/events` sends them (`events.on("event", fn)`, `events.history`). */
  readonly events: EventBus;
  /** The agents of the Mesos master Marathon schedules through. */
  readonly cluster: AgentCluster;
  /** The runner of the Mesos master's agents. */
  readonly runner: TaskRunner;
  /** The Mesos master Marathon is a framework of. */
  readonly mesos: MesosMaster;
  /** The master's URL, when it serves HTTP. */
  readonly mesosUrl: string | undefined;
  /** Marathon's framework id at the master (`/v2/info` reports it). */
  readonly frameworkId: string;
  /** Responses, when `recordResponses` is set. */
  readonly responses: RecordedResponse[];
  /** Stops the server, ends event streams, kills every task process. */
  close(): Promise<void>;
  /** The next `count` requests answer `status` (503 by default, or 502) with Marathon's leader message. */
  failNextRequests(count: number, status?: 502 | 503): void;
  stats(): MutatingRequestStats;
  resetStats(): void;
  /** Resolves once `predicate` holds (polled), rejects after the timeout (default 10 s). */
  waitFor(predicate: () => boolean | Promise<boolean>, options?: WaitOptions): Promise<void>;
  /** The next event of a type (and matching `predicate`); with `includePast`, earlier events count too. */
  waitForEvent(
    eventType: string,
    predicate?: (event: MarathonEvent) => boolean,
    options?: { timeoutMs?: number; includePast?: boolean },
  ): Promise<MarathonEvent>;
  /** Resolves when no deployment is running. */
  waitForDeployments(timeoutMs?: number): Promise<void>;
  /** Ids of the current tasks of an app (or of all apps). */
  taskIds(appId?: string): string[];
  /** Makes a task fail (simulated runner). */
  failTask(taskId: string, message?: string): void;
  /** Makes a task finish (simulated runner). */
  finishTask(taskId: string, message?: string): void;
  /** Makes a task be lost (simulated runner; `TASK_GONE` by default). */
  loseTask(taskId: string, state?: MesosTaskState): void;
  /** Sets the result of every health check of a task (simulated runner). */
  setTaskHealth(taskId: string, alive: boolean): void;
  /** The sandbox of a task (process runner). */
  sandboxOf(taskId: string): string | undefined;
}

const DEFAULT_SCHEMAS: RequestSchemas = {
  appDefinition: AppDefinitionSchema,
  appUpdate: AppUpdateSchema,
  groupUpdate: GroupUpdateSchema,
};

const LEADER_UNKNOWN = "Could not determine the current leader";

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function authorized(auth: MarathonAuth, header: string | undefined): boolean {
  if (!header) return false;
  if (auth.type === "basic") {
    const match = /^Basic\s+(.+)$/i.exec(header);
    if (!match?.[1]) return false;
    return safeEqual(Buffer.from(match[1], "base64").toString("utf8"), `${auth.username}:${auth.password}`);
  }
  const match = /^(?:token=|Bearer\s+)(.+)$/i.exec(header.trim());
  return match?.[1] !== undefined && safeEqual(match[1], auth.token);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Starts a Marathon (REST API v2) on loopback, scheduling onto an emulated cluster of agents. Clients written for
 * Marathon work against it unchanged: routes, bodies, status codes, headers and the event stream follow upstream.
 *
 * @example
 * const marathon = await startMarathonEmulator({ runner: "simulated" });
 * await fetch(`${marathon.url}/v2/apps`, { method: "POST", body: JSON.stringify({ id: "/sleep", cmd: "sleep 100" }) });
 * await marathon.waitForDeployments();
 * await marathon.close();
 */
export async function startMarathonEmulator(
  options: MarathonEmulatorOptions = {},
): Promise<MarathonEmulator> {
  const timing = {
    healthCheckScale: options.timing?.healthCheckScale ?? 1,
    backoffScale: options.timing?.backoffScale ?? 1,
    killGraceScale: options.timing?.killGraceScale ?? 1,
    declineOfferDurationMs: options.timing?.declineOfferDurationMs ?? 5000,
  };
  let ownMaster: MesosMasterServer | undefined;
  let master: MesosMaster;
  let mesosUrl: string | undefined;
  if (options.mesos instanceof MesosMaster) {
    master = options.mesos;
  } else if (options.mesos) {
    master = options.mesos.master;
    mesosUrl = options.mesos.url;
  } else {
    ownMaster = await startMesosMaster({
      ...(options.agents === undefined ? {} : { agents: options.agents }),
      ...(options.portRangeStart === undefined ? {} : { portRangeStart: options.portRangeStart }),
      ...(options.runner === undefined ? {} : { runner: options.runner }),
      ...(options.workDir === undefined ? {} : { workDir: options.workDir }),
      ...(options.execPrefix === undefined ? {} : { execPrefix: options.execPrefix }),
      ...(options.rootfs === undefined ? {} : { rootfs: options.rootfs }),
      ...(options.cleanup === undefined ? {} : { cleanup: options.cleanup }),
      taskStepDelayMs: options.timing?.taskStepDelayMs ?? 20,
      allocationIntervalMs: options.allocationIntervalMs ?? 50,
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.allowAnyHost === undefined ? {} : { allowAnyHost: options.allowAnyHost }),
    });
    master = ownMaster.master;
    mesosUrl = ownMaster.url;
  }
  const cluster = master.state.cluster;
  const runner = master.state.runner;
  const bus = new EventBus();
  bus.setMaxListeners(0);
  const core = new MarathonCore(runner, bus, new VersionClock(), timing);
  const hub = new EventStreamHub(bus, options.heartbeatMs ?? 10_000);
  let driver: MesosDriver | undefined;
  const frameworkId = () => driver?.frameworkId ?? "";
  const marathonVersion = options.marathonVersion ?? "1.11.24";
  const responses: RecordedResponse[] = [];
  let stats: MutatingRequestStats = { total: 0, byMethod: {}, byRoute: {} };
  let failures: { count: number; status: number } = { count: 0, status: 503 };
  let server: LoopbackServer | undefined;
  const hostPort = () => `${server?.host ?? "127.0.0.1"}:${server?.port ?? 0}`;
  const baseUrl = () => server?.url ?? "";
  const schemas = options.schemas === false ? undefined : (options.schemas ?? DEFAULT_SCHEMAS);

  const info = (): JsonObject => ({
    name: "marathon",
    version: marathonVersion,
    buildref: "bsaas-emulator",
    elected: true,
    leader: hostPort(),
    frameworkId: frameworkId(),
    marathon_config: {
      access_control_allow_origin: [],
      checkpoint: true,
      decline_offer_duration: 120000,
      default_network_name: null,
      env_vars_prefix: null,
      executor: "//cmd",
      failover_timeout: 604800,
      features: [],
      framework_name: "marathon",
      ha: false,
      hostname: server?.host ?? "127.0.0.1",
      launch_token: 100,
      launch_token_refresh_interval: 30000,
      leader_proxy_connection_timeout_ms: 5000,
      leader_proxy_read_timeout_ms: 10000,
      local_port_max: 20000,
      local_port_min: 10000,
      master: `${master.ip}:${master.port}`,
      max_instances_per_offer: 5,
      mesos_bridge_name: "mesos-bridge",
      mesos_heartbeat_failure_threshold: 5,
      mesos_heartbeat_interval: 15000,
      mesos_leader_ui_url: mesosUrl ?? null,
      mesos_role: null,
      mesos_user: process.env.USER ?? "root",
      min_revive_offers_interval: 5000,
      offer_matching_timeout: 3000,
      on_elected_prepare_timeout: 180000,
      reconciliation_initial_delay: 15000,
      reconciliation_interval: 600000,
      scale_apps_initial_delay: 15000,
      scale_apps_interval: 300000,
      store_cache: true,
      task_launch_confirm_timeout: 300000,
      task_launch_timeout: 300000,
      task_lost_expunge_initial_delay: 300000,
      task_lost_expunge_interval: 30000,
      task_reservation_timeout: 20000,
      webui_url: null,
    },
    zookeeper_config: {
      zk: "zk://localhost:2181/marathon",
      zk_compression: true,
      zk_compression_threshold: 65536,
      zk_connection_timeout: 10000,
      zk_max_node_size: 1024000,
      zk_max_versions: 50,
      zk_session_timeout: 10000,
      zk_timeout: 10000,
    },
    http_config: { http_port: server?.port ?? 0, https_port: 8443 },
  });

  const api = new MarathonApi({
    core,
    schemas,
    baseUrl,
    info,
    leader: hostPort,
    abdicate: () => hub.closeAll(),
  });

  const record = (
    req: IncomingMessage,
    url: URL,
    status: number,
    headers: Record<string, string>,
    text: string,
  ) => {
    if (!options.recordResponses) return;
    let body: JsonValue | undefined;
    if (text.length > 0 && (headers["content-type"] ?? "").includes("json")) {
      try {
        body = JSON.parse(text) as JsonValue;
      } catch {
        body = undefined;
      }
    }
    responses.push({
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.search,
      status,
      headers,
      body,
    });
  };

  const send = (req: IncomingMessage, res: ServerResponse, url: URL, answer: ApiResponse) => {
    const headers: Record<string, string> = { ...(answer.headers ?? {}) };
    if (!options.leaderUrl) headers["X-Marathon-Leader"] = `http://${hostPort()}`;
    let text = "";
    if (answer.body !== undefined) {
      text = JSON.stringify(answer.body);
      headers["content-type"] = "application/json";
    } else if (answer.text !== undefined) {
      text = answer.text;
      headers["content-type"] = answer.contentType ?? "text/plain;charset=utf-8";
    }
    headers["content-length"] = String(Buffer.byteLength(text));
    record(
      req,
      url,
      answer.status,
      Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
      text,
    );
    res.writeHead(answer.status, headers);
    res.end(req.method === "HEAD" ? undefined : text);
  };

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    if (method === "POST" || method === "PUT" || method === "PATCH" || method === "DELETE") {
      stats.total++;
      stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
      const route = `${method} ${url.pathname}`;
      stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
    }
    const body = await readBody(req);
    if (failures.count > 0) {
      failures.count--;
      send(req, res, url, { status: failures.status, body: { message: LEADER_UNKNOWN } });
      return;
    }
    const via = `1.1 ${hostPort()}`;
    if (options.leaderUrl) {
      if (url.pathname === "/v2/events" || url.pathname.startsWith("/v2/events/")) {
        const location = new URL(`${url.pathname}${url.search}`, options.leaderUrl).toString();
        res.writeHead(302, { Location: location, "content-length": "0" });
        res.end();
        return;
      }
      const seen = req.headers[VIA_HEADER];
      if (
        (Array.isArray(seen) ? seen : [seen]).some((v) => v?.split(",").some((part) => part.trim() === via))
      ) {
        send(req, res, url, { status: 502, body: { message: "Detected proxying loop." } });
        return;
      }
      try {
        const answer = await forwardToLeader(options.leaderUrl, req, body, via, 10_000);
        const contentType = answer.headers["content-type"];
        record(
          req,
          url,
          answer.status,
          { "content-type": Array.isArray(contentType) ? contentType.join(",") : (contentType ?? "") },
          answer.body.toString("utf8"),
        );
        sendProxied(res, answer, via);
      } catch (error) {
        const message =
          error instanceof Error && /timed out/.test(error.message)
            ? "Connection to leader timed out."
            : "Connection to leader refused.";
        send(req, res, url, { status: 502, body: { message } });
      }
      return;
    }
    if (options.auth && url.pathname !== "/ping" && !authorized(options.auth, req.headers.authorization)) {
      const headers: Record<string, string> =
        options.auth.type === "basic" ? { "WWW-Authenticate": 'Basic realm="Mesosphere Marathon"' } : {};
      const message =
        options.auth.type === "basic" ? "Invalid username or password." : "Invalid authentication token.";
      send(req, res, url, { status: 401, body: { message }, headers });
      return;
    }
    if (url.pathname === "/v2/events") {
      if (method !== "GET") {
        send(req, res, url, { status: 405, body: { message: "Method Not Allowed" } });
        return;
      }
      if (!(req.headers.accept ?? "").includes("text/event-stream")) {
        const html =
          "<html>\n<head>\n<title>Error 405 </title>\n</head>\n<body>\n<h2>HTTP ERROR: 405</h2>\n" +
          "<p>Problem accessing /v2/events. Reason:\n<pre>    HTTP method GET is not supported by this URL</pre></p>\n" +
          "</body>\n</html>\n";
        send(req, res, url, { status: 405, text: html, contentType: "text/html;charset=iso-8859-1" });
        return;
      }
      hub.attach(req, res, url.searchParams.getAll("event_type"), {
        "X-Marathon-Leader": `http://${hostPort()}`,
      });
      return;
    }
    let answer: ApiResponse;
    try {
      answer = await api.handle({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: body.toString("utf8"),
        remoteAddress: req.socket.remoteAddress ?? "",
      });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      answer = {
        status: error.status,
        ...(error.body === undefined ? {} : { body: error.body }),
        headers: error.headers,
      };
    }
    send(req, res, url, answer);
  };

  try {
    server = await startLoopbackServer(handler, {
      ...(options.host === undefined ? {} : { host: options.host }),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.allowAnyHost === undefined ? {} : { allowAnyHost: options.allowAnyHost }),
    });
  } catch (error) {
    await ownMaster?.close();
    throw error;
  }
  const started = server;
  // Marathon registers with the master as the framework "marathon" and schedules through its offers.
  const mesosDriver = new MesosDriver(
    master,
    { onOffers: (offers) => core.onOffers(offers), onUpdate: (status) => core.onMesosUpdate(status) },
    {
      failoverTimeoutSeconds: options.failoverTimeoutSeconds ?? 604_800,
      webuiUrl: started.url,
      hostname: started.host,
    },
  );
  driver = mesosDriver;
  core.driver = mesosDriver;
  try {
    await mesosDriver.start();
  } catch (error) {
    await started.close();
    await core.close();
    await ownMaster?.close();
    throw error;
  }
  const registeredId = frameworkId();

  const simulated = (): SimulatedRunner => {
    if (runner instanceof SimulatedRunner) return runner;
    throw new Error("this test hook needs the simulated runner");
  };

  let closing: Promise<void> | undefined;
  const emulator: MarathonEmulator = {
    url: started.url,
    host: started.host,
    port: started.port,
    events: bus,
    cluster,
    runner,
    mesos: master,
    mesosUrl,
    frameworkId: registeredId,
    responses,
    close() {
      closing ??= (async () => {
        hub.closeAll();
        await started.close();
        await core.close();
        mesosDriver.close();
        await ownMaster?.close();
      })();
      return closing;
    },
    failNextRequests(count, status = 503) {
      failures = { count, status };
    },
    stats() {
      return structuredClone(stats);
    },
    resetStats() {
      stats = { total: 0, byMethod: {}, byRoute: {} };
    },
    async waitFor(predicate, waitOptions = {}) {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 10_000);
      for (;;) {
        if (await predicate()) return;
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${waitOptions.description ?? "a condition"}`);
        }
        await new Promise((resolve) => setTimeout(resolve, waitOptions.intervalMs ?? 10));
      }
    },
    waitForEvent(eventType, predicate = () => true, waitOptions = {}) {
      if (waitOptions.includePast) {
        const past = bus.history.find((e) => e.eventType === eventType && predicate(e));
        if (past) return Promise.resolve(past);
      }
      return new Promise((resolve, reject) => {
        const listener = (event: MarathonEvent) => {
          if (event.eventType !== eventType || !predicate(event)) return;
          clearTimeout(timer);
          bus.off("event", listener);
          resolve(event);
        };
        const timer = setTimeout(() => {
          bus.off("event", listener);
          reject(new Error(`timed out waiting for a ${eventType} event`));
        }, waitOptions.timeoutMs ?? 10_000);
        bus.on("event", listener);
      });
    },
    waitForDeployments(timeoutMs = 10_000) {
      return emulator.waitFor(() => core.deployments.size === 0, {
        timeoutMs,
        description: "all deployments to finish",
      });
    },
    taskIds(appId) {
      return [...core.instances.values()]
        .filter((i) => appId === undefined || i.appId === appId)
        .map((i) => i.task?.taskId)
        .filter((id): id is string => id !== undefined);
    },
    failTask(taskId, message) {
      simulated().fail(taskId, message);
    },
    finishTask(taskId, message) {
      simulated().finish(taskId, message);
    },
    loseTask(taskId, state) {
      simulated().lose(taskId, state);
    },
    setTaskHealth(taskId, alive) {
      const instance = core.instanceByTaskId(taskId);
      if (!instance) throw new Error(`unknown task ${taskId}`);
      const count = findApp(core.root, instance.appId)?.healthChecks.length ?? 0;
      for (let i = 0; i < count; i++) {
        core.onHealthResult(
          instance,
          taskId,
          i,
          alive ? { ok: true } : { ok: false, cause: "set by test" },
          true,
        );
      }
    },
    sandboxOf(taskId) {
      return runner.sandboxOf(taskId);
    },
  };
  return emulator;
}
