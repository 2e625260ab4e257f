import { randomBytes, randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { OperatorCallSchema, SchedulerCallSchema } from "@bsaas/sdk/mesos";
import type { TaskCommand, TaskFetchUri, TaskLaunchSpec, TaskStatusUpdate } from "../agents/runner.js";
import type { Agent, AgentSpec, MesosTaskState } from "../agents/types.js";
import { isTerminalState } from "../agents/types.js";
import type { SchemaIssue, SchemaLike } from "../marathon/validation.js";
import { field, idOf, list, number, record, text } from "./access.js";
import { isRecord, type MesosObject, seconds, withoutNulls } from "./json.js";
import {
  add,
  agentTotal,
  allocatable,
  attributesJson,
  contains,
  domainJson,
  dominantShare,
  emptyBag,
  isEmptyBag,
  parseResources,
  type ResourceBag,
  resourcesJson,
  subtract,
} from "./resources.js";
import {
  type EventSink,
  type FrameworkRecord,
  MesosState,
  type MesosStateOptions,
  type OfferRecord,
  type PendingUpdate,
  type Subscription,
  type TaskRecord,
} from "./state.js";
import * as views from "./views.js";

/** The Mesos version the emulator reports. */
export const MESOS_VERSION = "1.11.0";

/** Schemas the master validates incoming calls with (the SDK's zod schemas; anything with `safeParse`). */
export interface MesosCallSchemas {
  schedulerCall?: SchemaLike;
  operatorCall?: SchemaLike;
}

/** Options of {@link MesosMaster}. */
export interface MesosMasterOptions extends MesosStateOptions {
  /** A state shared with other masters (failover); default: a new one built from the other options. */
  state?: MesosState;
  /** Interval of HEARTBEAT events on scheduler and operator streams, in seconds (default 15). */
  heartbeatIntervalSeconds?: number;
  /** Offers not used within this time are rescinded (default: never, like Mesos without `--offer_timeout`). */
  offerTimeoutMs?: number;
  /** Batch allocation interval (default 1000 ms, Mesos' `--allocation_interval`). */
  allocationIntervalMs?: number;
  /** How often an unacknowledged status update is sent again (default 10 000 ms). */
  statusUpdateRetryMs?: number;
  /** The hostname in MasterInfo and in redirects (default: the address the server listens on). */
  hostname?: string;
  /** Mesos version to report (default {@link MESOS_VERSION}). */
  version?: string;
  /** The master's id (default: the cluster id of a new state, else a random UUID). */
  id?: string;
  /** Call schemas; `false` turns schema validation off (structural checks still apply). */
  schemas?: MesosCallSchemas | false;
  /** The cluster name in legacy `/master/state` (default `bsaas-emulator`). */
  cluster?: string;
}

/** The answer to a non-streaming call. */
export interface CallAnswer {
  status: number;
  /** Text body (JSON, or a plain-text error). */
  body?: string;
  contentType?: string;
}

/** A validated call: its type and the (null-free) JSON. */
export interface ValidCall {
  type: string;
  call: Record<string, unknown>;
}

/** An in-process scheduler connection (what Marathon uses): same events and calls as over HTTP. */
export interface LocalScheduler {
  /** The framework id (set once SUBSCRIBED was sent). */
  readonly frameworkId: string | undefined;
  readonly streamId: string;
  /** Makes a (non-SUBSCRIBE) call; `framework_id` is filled in. Same status codes as over HTTP. */
  call(call: MesosObject): CallAnswer;
  /** Disconnects, as when an HTTP stream breaks (the failover timeout starts). */
  close(): void;
  readonly closed: boolean;
}

/** Counts of calls by type. */
export interface CallCounts {
  scheduler: Record<string, number>;
  operator: Record<string, number>;
}

const NO_FILTER_DEFAULT_REFUSE_SECONDS = 5;
const MAX_REFUSE_SECONDS = 365 * 24 * 3600;
const MAX_TIMER_MS = 2_147_483_647;
const MAX_COMPLETED_TASKS = 1000;
const MAX_COMPLETED_FRAMEWORKS = 50;

function isTaskRule(issue: SchemaIssue): boolean {
  return issue.code === "custom" && issue.path.some((p) => p === "task_infos" || p === "tasks");
}

function plain(status: number, body: string): CallAnswer {
  return { status, body, contentType: "text/plain; charset=utf-8" };
}

function newUuid(): string {
  return randomBytes(16).toString("base64");
}

/** Normalizes a base64 UUID for comparison (`==` padding, url-safe alphabets). */
function uuidKey(uuid: string): string {
  return Buffer.from(uuid, "base64").toString("hex");
}

/** The little-endian uint32 Mesos puts in `MasterInfo.ip` (network byte order read as a host integer). */
export function ipAsUint32(ip: string): number {
  const parts = ip.split(".").map((p) => Number(p));
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  const [a = 0, b = 0, c = 0, d = 0] = parts;
  return a + b * 256 + c * 65536 + d * 16777216;
}

/** An in-process event sink: events are handed to the listener in order, on microtasks. */
class LocalSink implements EventSink {
  readonly kind = "local" as const;
  private readonly queue: MesosObject[] = [];
  private scheduled = false;
  private readonly closeListeners: (() => void)[] = [];
  closed = false;

  constructor(private readonly listener: (event: MesosObject) => void) {}

  send(event: MesosObject): void {
    if (this.closed) return;
    this.queue.push(event);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => this.drain());
  }

  private drain(): void {
    this.scheduled = false;
    while (this.queue.length > 0 && !this.closed) {
      const event = this.queue.shift();
      if (!event) continue;
      try {
        this.listener(event);
      } catch (error) {
        // A failing subscriber must not take the master down (an HTTP scheduler's failure would not either).
        process.emitWarning(
          `in-process scheduler failed on ${String(event.type)}: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.drain();
    this.closed = true;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }
}

/**
 * An emulated Mesos master: frameworks subscribe (over HTTP through {@link startMesosMaster}, or in-process with
 * {@link MesosMaster.subscribeLocal}), get offers of the agents' free resources (dominant resource fairness, decline
 * filters, offer timeouts), launch tasks that run on a {@link TaskRunner}, and receive reliable status updates.
 * Operators read the state through the v1 operator API and the legacy JSON endpoints.
 *
 * Several masters may share one {@link MesosState}; only the elected one (see {@link becomeLeader}) acts.
 */
/** The read-only operator calls: the answer's `<call_lowercase>` field, built from the master's state. */
const OPERATOR_READS: Record<string, (master: MesosMaster) => unknown> = {
  GET_HEALTH: () => ({ healthy: true }),
  GET_VERSION: (m) => views.versionJson(m),
  GET_FLAGS: (m) => ({ flags: views.flags(m) }),
  GET_STATE: (m) => views.getState(m),
  GET_AGENTS: (m) => views.getAgents(m),
  GET_FRAMEWORKS: (m) => views.getFrameworks(m),
  GET_EXECUTORS: (m) => views.getExecutors(m),
  GET_TASKS: (m) => views.getTasks(m),
  GET_ROLES: (m) => views.getRoles(m),
  GET_MASTER: (m) => views.getMaster(m),
};

export class MesosMaster {
  readonly id: string;
  readonly state: MesosState;
  readonly version: string;
  readonly heartbeatIntervalSeconds: number;
  readonly allocationIntervalMs: number;
  readonly offerTimeoutMs: number | undefined;
  readonly statusUpdateRetryMs: number;
  readonly clusterName: string;
  readonly startTime = Date.now();
  readonly schemas: MesosCallSchemas;
  /** Whether this master leads. */
  elected = false;
  electedTime: number | undefined;
  /** MasterInfo of the known leader (this master's own when elected); undefined when no leader is known. */
  leaderInfo: MesosObject | undefined;
  hostname = "127.0.0.1";
  ip = "127.0.0.1";
  port = 5050;
  private readonly ownsState: boolean;
  private allocationTimer: NodeJS.Timeout | undefined;
  private allocationQueued = false;
  private readonly failoverTimers = new Map<string, NodeJS.Timeout>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly operatorStreams = new Set<{ sink: EventSink; heartbeat: NodeJS.Timeout }>();
  private readonly counts: CallCounts = { scheduler: {}, operator: {} };
  private readonly fixedHostname: string | undefined;
  private closed = false;

  constructor(options: MesosMasterOptions = {}) {
    this.ownsState = options.state === undefined;
    this.state = options.state ?? new MesosState(options);
    this.id = options.id ?? (this.ownsState ? this.state.clusterId : randomUUID());
    this.version = options.version ?? MESOS_VERSION;
    this.heartbeatIntervalSeconds = options.heartbeatIntervalSeconds ?? 15;
    this.allocationIntervalMs = options.allocationIntervalMs ?? 1000;
    this.offerTimeoutMs = options.offerTimeoutMs;
    this.statusUpdateRetryMs = options.statusUpdateRetryMs ?? 10_000;
    this.clusterName = options.cluster ?? "bsaas-emulator";
    this.schemas =
      options.schemas === false
        ? {}
        : (options.schemas ?? { schedulerCall: SchedulerCallSchema, operatorCall: OperatorCallSchema });
    this.fixedHostname = options.hostname;
    if (options.hostname !== undefined) this.hostname = options.hostname;
  }

  /** Sets the address the master serves on (MasterInfo, pid, redirects). */
  bind(host: string, port: number): void {
    this.ip = isIP(host) === 4 ? host : "127.0.0.1";
    this.hostname = this.fixedHostname ?? host;
    this.port = port;
    if (this.elected) this.leaderInfo = this.info();
  }

  get pid(): string {
    return `master@${this.ip}:${this.port}`;
  }

  /** MasterInfo (v1 JSON), as GET_MASTER, SUBSCRIBED and ZooKeeper show it. */
  info(): MesosObject {
    return {
      id: this.id,
      ip: ipAsUint32(this.ip),
      port: this.port,
      pid: this.pid,
      hostname: this.hostname,
      version: this.version,
      address: { hostname: this.hostname, ip: this.ip, port: this.port },
      capabilities: [{ type: "AGENT_UPDATE" }, { type: "AGENT_DRAINING" }, { type: "QUOTA_V2" }],
    };
  }

  /**
   * Counts of the calls this master handled, by type: of one API, or of both merged (SUBSCRIBE and TEARDOWN exist in
   * both and are added up).
   */
  callCounts(api?: "scheduler" | "operator"): Record<string, number> {
    if (api) return { ...this.counts[api] };
    const merged: Record<string, number> = { ...this.counts.scheduler };
    for (const [type, count] of Object.entries(this.counts.operator))
      merged[type] = (merged[type] ?? 0) + count;
    return merged;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Leadership
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Makes this master the leader: it takes over the shared state, gives disconnected frameworks their failover
   * timeout to re-subscribe, processes task updates that arrived without a leader, and starts allocating.
   */
  becomeLeader(): void {
    if (this.elected || this.closed) return;
    const previous = this.state.leader;
    if (previous instanceof MesosMaster && previous !== this) previous.stepDown();
    this.elected = true;
    this.electedTime = Date.now();
    this.leaderInfo = this.info();
    this.state.leader = this;
    for (const fw of this.state.frameworks.values()) {
      if (fw.subscription) continue;
      // Frameworks of the previous leader: known, but not connected until they re-subscribe here.
      if (fw.active) fw.recovered = true;
      fw.connected = false;
      fw.active = false;
      this.startFailoverTimer(fw);
    }
    for (const { key, update } of this.state.buffered.splice(0)) this.onRunnerUpdate(key, update);
    this.allocationTimer = setInterval(() => this.allocate(), this.allocationIntervalMs);
    this.requestAllocation();
  }

  /**
   * Stops leading: ends scheduler and operator streams on this master (frameworks must re-subscribe to the next
   * leader), drops outstanding offers and stops all timers. Tasks keep running.
   */
  stepDown(): void {
    if (!this.elected) return;
    this.elected = false;
    if (this.state.leader === this) this.state.leader = undefined;
    if (this.leaderInfo?.id === this.id) this.leaderInfo = undefined;
    if (this.allocationTimer) clearInterval(this.allocationTimer);
    this.allocationTimer = undefined;
    for (const timer of [...this.failoverTimers.values(), ...this.retryTimers.values()]) clearTimeout(timer);
    this.failoverTimers.clear();
    this.retryTimers.clear();
    for (const offer of [...this.state.offers.values()]) this.removeOffer(offer);
    for (const fw of this.state.frameworks.values()) {
      const subscription = fw.subscription;
      if (!subscription) continue;
      fw.subscription = undefined;
      fw.connected = false;
      if (subscription.heartbeat) clearInterval(subscription.heartbeat);
      subscription.sink.close();
    }
    for (const stream of this.operatorStreams) {
      clearInterval(stream.heartbeat);
      stream.sink.close();
    }
    this.operatorStreams.clear();
  }

  /** Steps down and, when this master created its state, stops every task. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.stepDown();
    this.closed = true;
    if (this.ownsState) await this.state.close();
  }

  // -------------------------------------------------------------------------------------------------------------
  // Validation
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Checks a scheduler call: the schema (400 `Failed to convert JSON into Call protobuf: ...`) and Mesos' own
   * validation (400 `Failed to validate scheduler::Call: ...`).
   */
  validateSchedulerCall(json: unknown): ValidCall | CallAnswer {
    const call = withoutNulls(json);
    if (!isRecord(call))
      return plain(400, "Failed to convert JSON into Call protobuf: Expecting a JSON object");
    const schemaError = this.schemaProblem(this.schemas.schedulerCall, call);
    if (schemaError) return plain(400, `Failed to convert JSON into Call protobuf: ${schemaError}`);
    const type = call.type;
    if (typeof type !== "string")
      return plain(400, "Failed to validate scheduler::Call: Expecting 'type' to be present");
    const invalid = (message: string) => plain(400, `Failed to validate scheduler::Call: ${message}`);
    if (type === "SUBSCRIBE") {
      const subscribe = record(call, "subscribe");
      if (!subscribe) return invalid("Expecting 'subscribe' to be present");
      const info = record(subscribe, "framework_info");
      if (!info)
        return plain(
          400,
          "Failed to convert JSON into Call protobuf: Missing required fields: subscribe.framework_info",
        );
      if (typeof info.user !== "string" || typeof info.name !== "string") {
        return plain(
          400,
          "Failed to convert JSON into Call protobuf: Missing required fields: subscribe.framework_info.user, subscribe.framework_info.name",
        );
      }
      if (idOf(info, "id") !== idOf(call, "framework_id")) {
        return invalid("'framework_id' differs from 'subscribe.framework_info.id'");
      }
      return { type, call };
    }
    if (idOf(call, "framework_id") === undefined) return invalid("Expecting 'framework_id' to be present");
    const payload: Record<string, string> = {
      ACCEPT: "accept",
      DECLINE: "decline",
      ACCEPT_INVERSE_OFFERS: "accept_inverse_offers",
      DECLINE_INVERSE_OFFERS: "decline_inverse_offers",
      KILL: "kill",
      SHUTDOWN: "shutdown",
      ACKNOWLEDGE: "acknowledge",
      ACKNOWLEDGE_OPERATION_STATUS: "acknowledge_operation_status",
      RECONCILE: "reconcile",
      RECONCILE_OPERATIONS: "reconcile_operations",
      MESSAGE: "message",
      UPDATE_FRAMEWORK: "update_framework",
    };
    const known = new Set([...Object.keys(payload), "TEARDOWN", "REVIVE", "SUPPRESS", "REQUEST"]);
    if (!known.has(type)) {
      return plain(400, `Failed to convert JSON into Call protobuf: Failed to find enum for '${type}'`);
    }
    const key = payload[type];
    if (key !== undefined && !isRecord(call[key])) return invalid(`Expecting '${key}' to be present`);
    if (type === "REQUEST" && !isRecord(call.request)) return invalid("Expecting 'request' to be present");
    if (type === "ACKNOWLEDGE") {
      const uuid = text(call.acknowledge, "uuid") ?? "";
      if (Buffer.from(uuid, "base64").length !== 16) return invalid("Not a valid UUID");
    }
    if (type === "UPDATE_FRAMEWORK") {
      const info = record(call.update_framework, "framework_info");
      if (idOf(info, "id") !== idOf(call, "framework_id")) {
        return invalid("'framework_id' differs from 'update_framework.framework_info.id'");
      }
    }
    return { type, call };
  }

  /** Checks an operator call (400 `Failed to convert JSON into Call protobuf` / `Failed to validate master::Call`). */
  validateOperatorCall(json: unknown): ValidCall | CallAnswer {
    const call = withoutNulls(json);
    if (!isRecord(call))
      return plain(400, "Failed to convert JSON into Call protobuf: Expecting a JSON object");
    const schemaError = this.schemaProblem(this.schemas.operatorCall, call);
    if (schemaError) return plain(400, `Failed to convert JSON into Call protobuf: ${schemaError}`);
    const type = call.type;
    if (typeof type !== "string")
      return plain(400, "Failed to validate master::Call: Expecting 'type' to be present");
    if (type === "TEARDOWN" && idOf(call.teardown, "framework_id") === undefined) {
      return plain(400, "Failed to validate master::Call: Expecting 'teardown' to be present");
    }
    return { type, call };
  }

  private schemaProblem(schema: SchemaLike | undefined, call: unknown): string | undefined {
    if (!schema) return undefined;
    const result = schema.safeParse(call);
    if (result.success) return undefined;
    // A TaskInfo that converts but breaks a rule (neither or both of command and executor) is accepted by Mesos and
    // answered with TASK_ERROR; only structural problems make the whole call a 400. Unknown JSON fields are ignored, as
    // Mesos' JSON-to-protobuf conversion walks the message's own fields (so newer clients keep working).
    const issues = result.error.issues.filter(
      (issue) => !isTaskRule(issue) && issue.code !== "unrecognized_keys",
    );
    if (issues.length === 0) return undefined;
    return issues
      .slice(0, 5)
      .map((issue) => `${issue.path.map((p) => String(p)).join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
  }

  // -------------------------------------------------------------------------------------------------------------
  // Scheduler API
  // -------------------------------------------------------------------------------------------------------------

  /**
   * Handles a validated SUBSCRIBE: registers (or re-registers) the framework and sends SUBSCRIBED on `sink`, or
   * ERROR (then closes it) when the framework was removed. Returns the stream id.
   */
  subscribe(valid: ValidCall, sink: EventSink, streamId: string = randomUUID()): string {
    this.count("scheduler", "SUBSCRIBE");
    const subscribe = record(valid.call, "subscribe") ?? {};
    const info = (record(subscribe, "framework_info") ?? {}) as MesosObject;
    const requestedId = idOf(info, "id");
    const now = Date.now();
    if (requestedId !== undefined && this.state.completedFrameworks.some((f) => f.id === requestedId)) {
      sink.send({ type: "ERROR", error: { message: "Framework has been removed" } });
      sink.close();
      return streamId;
    }
    let fw = requestedId === undefined ? undefined : this.state.frameworks.get(requestedId);
    const added = fw === undefined;
    if (fw) {
      const old = fw.subscription;
      if (old) {
        fw.subscription = undefined;
        if (old.heartbeat) clearInterval(old.heartbeat);
        old.sink.send({ type: "ERROR", error: { message: "Framework failed over" } });
        old.sink.close();
      }
      fw.info = { ...info, id: { value: fw.id } };
      fw.reregisteredTime = now;
      fw.unregisteredTime = undefined;
    } else {
      const id = requestedId ?? this.state.nextFrameworkId(this.id);
      fw = {
        id,
        info: { ...info, id: { value: id } },
        registeredTime: now,
        reregisteredTime: now,
        active: true,
        connected: true,
        recovered: false,
        suppressedRoles: new Set(),
        filters: [],
        offers: new Set(),
        tasks: new Map(),
        unreachableTasks: new Map(),
        completedTasks: [],
        pending: new Map(),
        allocations: 0,
        executors: new Map(),
      };
      this.state.frameworks.set(id, fw);
    }
    const framework = fw;
    this.clearFailoverTimer(framework);
    framework.active = true;
    framework.connected = true;
    framework.recovered = false;
    framework.suppressedRoles = new Set(
      list(subscribe, "suppressed_roles").filter((r) => typeof r === "string"),
    );
    const subscription: Subscription = { streamId, sink };
    framework.subscription = subscription;
    sink.onClose(() => this.onStreamClosed(framework, subscription));
    sink.send({
      type: "SUBSCRIBED",
      subscribed: {
        framework_id: { value: framework.id },
        heartbeat_interval_seconds: this.heartbeatIntervalSeconds,
        master_info: this.info(),
      },
    });
    sink.send({ type: "HEARTBEAT" });
    subscription.heartbeat = setInterval(
      () => sink.send({ type: "HEARTBEAT" }),
      this.heartbeatIntervalSeconds * 1000,
    );
    this.operatorEvent(
      added
        ? { type: "FRAMEWORK_ADDED", framework_added: { framework: views.frameworkJson(this, framework) } }
        : {
            type: "FRAMEWORK_UPDATED",
            framework_updated: { framework: views.frameworkJson(this, framework) },
          },
    );
    for (const taskId of framework.pending.keys()) this.sendHead(framework, taskId);
    this.requestAllocation();
    return streamId;
  }

  /**
   * Handles a validated non-SUBSCRIBE scheduler call with the stream id the request carried: 400 for an unknown
   * framework or a missing/wrong stream id, 403 when the framework is not subscribed, then 202 (or 200 for
   * UPDATE_FRAMEWORK).
   */
  schedulerCall(valid: ValidCall, streamId: string | undefined): CallAnswer {
    const { type, call } = valid;
    const frameworkId = idOf(call, "framework_id") ?? "";
    const fw = this.state.frameworks.get(frameworkId);
    if (!fw) return plain(400, "Framework cannot be found");
    if (!fw.connected || !fw.subscription) return plain(403, "Framework is not subscribed");
    if (streamId === undefined) {
      return plain(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    }
    if (streamId !== fw.subscription.streamId) {
      return plain(
        400,
        `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${fw.id}`,
      );
    }
    this.count("scheduler", type);
    switch (type) {
      case "TEARDOWN":
        this.removeFramework(fw);
        return { status: 202 };
      case "ACCEPT":
        this.accept(fw, record(call, "accept") ?? {});
        return { status: 202 };
      case "DECLINE": {
        const decline = record(call, "decline") ?? {};
        for (const offerId of list(decline, "offer_ids")) {
          this.declineOffer(fw, text(offerId, "value") ?? "", record(decline, "filters"));
        }
        return { status: 202 };
      }
      case "REVIVE":
        this.revive(fw, list(record(call, "revive"), "roles"));
        return { status: 202 };
      case "SUPPRESS":
        this.suppress(fw, list(record(call, "suppress"), "roles"));
        return { status: 202 };
      case "KILL":
        this.kill(fw, record(call, "kill") ?? {});
        return { status: 202 };
      case "SHUTDOWN":
        this.shutdownExecutor(fw, record(call, "shutdown") ?? {});
        return { status: 202 };
      case "ACKNOWLEDGE":
        this.acknowledge(fw, record(call, "acknowledge") ?? {});
        return { status: 202 };
      case "RECONCILE":
        this.reconcile(fw, list(record(call, "reconcile"), "tasks"));
        return { status: 202 };
      case "UPDATE_FRAMEWORK":
        this.updateFramework(fw, record(call, "update_framework") ?? {});
        return { status: 200 };
      default:
        // MESSAGE, REQUEST, inverse offers and operation feedback: accepted, nothing to do.
        return { status: 202 };
    }
  }

  /**
   * Subscribes a scheduler in-process: the same SUBSCRIBE (validated the same way), the same events (delivered in
   * order on microtasks), the same calls and answers as over HTTP.
   *
   * @throws {Error} when the call is invalid or this master does not lead.
   */
  subscribeLocal(subscribe: MesosObject, onEvent: (event: MesosObject) => void): LocalScheduler {
    if (!this.elected) throw new Error("this master is not the leader");
    const info = isRecord(subscribe.framework_info) ? subscribe.framework_info : {};
    const frameworkId = idOf(info, "id");
    const valid = this.validateSchedulerCall({
      type: "SUBSCRIBE",
      ...(frameworkId === undefined ? {} : { framework_id: { value: frameworkId } }),
      subscribe,
    });
    if (!("call" in valid)) throw new Error(valid.body ?? "invalid SUBSCRIBE");
    let id: string | undefined;
    const sink = new LocalSink((event) => {
      if (event.type === "SUBSCRIBED") id = idOf(event.subscribed, "framework_id");
      onEvent(event);
    });
    const streamId = this.subscribe(valid, sink);
    const master = this;
    return {
      get frameworkId() {
        return id;
      },
      streamId,
      call(call) {
        const checked = master.validateSchedulerCall({ ...call, framework_id: { value: id ?? "" } });
        if (!("call" in checked)) return checked;
        if (checked.type === "SUBSCRIBE") return plain(400, "use subscribeLocal to subscribe");
        if (!master.elected) return plain(503, "No leader elected");
        return master.schedulerCall(checked, streamId);
      },
      close() {
        sink.close();
      },
      get closed() {
        return sink.closed;
      },
    };
  }

  private count(api: "scheduler" | "operator", type: string): void {
    const counts = this.counts[api];
    counts[type] = (counts[type] ?? 0) + 1;
  }

  private onStreamClosed(fw: FrameworkRecord, subscription: object): void {
    if (fw.subscription !== subscription) return;
    const sub = fw.subscription;
    fw.subscription = undefined;
    if (sub.heartbeat) clearInterval(sub.heartbeat);
    if (!this.elected) return;
    fw.connected = false;
    fw.active = false;
    fw.unregisteredTime = Date.now();
    for (const offerId of [...fw.offers]) {
      const offer = this.state.offers.get(offerId);
      if (offer) this.removeOffer(offer);
    }
    this.operatorEvent({
      type: "FRAMEWORK_UPDATED",
      framework_updated: { framework: views.frameworkJson(this, fw) },
    });
    this.startFailoverTimer(fw);
  }

  private startFailoverTimer(fw: FrameworkRecord): void {
    this.clearFailoverTimer(fw);
    const timeout = number(fw.info, "failover_timeout") ?? 0;
    if (!(timeout > 0)) {
      this.removeFramework(fw);
      return;
    }
    const timer = setTimeout(
      () => {
        this.failoverTimers.delete(fw.id);
        if (!fw.connected) this.removeFramework(fw);
      },
      Math.min(timeout * 1000, MAX_TIMER_MS),
    );
    this.failoverTimers.set(fw.id, timer);
  }

  private clearFailoverTimer(fw: FrameworkRecord): void {
    const timer = this.failoverTimers.get(fw.id);
    if (timer) clearTimeout(timer);
    this.failoverTimers.delete(fw.id);
  }

  /** Removes a framework: its tasks are killed, its offers recovered, its stream ended. */
  removeFramework(fw: FrameworkRecord): void {
    if (!this.state.frameworks.has(fw.id)) return;
    this.clearFailoverTimer(fw);
    for (const offerId of [...fw.offers]) {
      const offer = this.state.offers.get(offerId);
      if (offer) this.removeOffer(offer);
    }
    for (const task of [...fw.tasks.values(), ...fw.unreachableTasks.values()]) {
      if (task.launched) this.state.runner.kill(task.taskId);
      const status = this.statusOf(task, "TASK_KILLED", {
        source: "SOURCE_MASTER",
        reason: "REASON_FRAMEWORK_REMOVED",
        message: "Framework removed",
      });
      this.transition(task, status);
    }
    fw.unreachableTasks.clear();
    for (const taskId of fw.pending.keys()) this.clearRetry(fw, taskId);
    fw.pending.clear();
    fw.filters = [];
    fw.active = false;
    fw.connected = false;
    fw.unregisteredTime = Date.now();
    const subscription = fw.subscription;
    fw.subscription = undefined;
    if (subscription) {
      if (subscription.heartbeat) clearInterval(subscription.heartbeat);
      subscription.sink.close();
    }
    this.state.frameworks.delete(fw.id);
    this.state.completedFrameworks.push(fw);
    if (this.state.completedFrameworks.length > MAX_COMPLETED_FRAMEWORKS) {
      const dropped = this.state.completedFrameworks.shift();
      for (const task of dropped?.completedTasks ?? []) this.state.tasks.delete(task.key);
    }
    this.operatorEvent({ type: "FRAMEWORK_REMOVED", framework_removed: { framework_info: fw.info } });
  }

  private updateFramework(fw: FrameworkRecord, update: Record<string, unknown>): void {
    const info = record(update, "framework_info") ?? {};
    fw.info = { ...(info as MesosObject), id: { value: fw.id } };
    if (Array.isArray(update.suppressed_roles)) {
      fw.suppressedRoles = new Set(update.suppressed_roles.filter((r): r is string => typeof r === "string"));
    }
    this.operatorEvent({
      type: "FRAMEWORK_UPDATED",
      framework_updated: { framework: views.frameworkJson(this, fw) },
    });
    this.requestAllocation();
  }

  private revive(fw: FrameworkRecord, roles: unknown[]): void {
    const wanted = roles.filter((r): r is string => typeof r === "string");
    if (wanted.length === 0) fw.suppressedRoles.clear();
    else for (const role of wanted) fw.suppressedRoles.delete(role);
    fw.filters = [];
    this.requestAllocation();
  }

  private suppress(fw: FrameworkRecord, roles: unknown[]): void {
    const wanted = roles.filter((r): r is string => typeof r === "string");
    for (const role of wanted.length > 0 ? wanted : views.rolesOf(fw)) fw.suppressedRoles.add(role);
  }

  /** Sends an event to a framework's current stream (dropped when it has none). */
  private sendEvent(fw: FrameworkRecord, event: MesosObject): void {
    fw.subscription?.sink.send(event);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Offers and allocation
  // -------------------------------------------------------------------------------------------------------------

  /** Asks for an allocation round soon (after the current call), as Mesos does on subscribe, revive, new agents. */
  requestAllocation(): void {
    if (this.allocationQueued || !this.elected) return;
    this.allocationQueued = true;
    queueMicrotask(() => {
      this.allocationQueued = false;
      this.allocate();
    });
  }

  /**
   * One allocation round: each agent's free, not yet offered resources go to the eligible framework with the
   * smallest dominant share (allocated + offered over the cluster total); decline filters are honoured.
   */
  allocate(): void {
    if (!this.elected || this.closed) return;
    const now = Date.now();
    const eligible = [...this.state.frameworks.values()].filter((fw) => {
      fw.filters = fw.filters.filter((f) => f.expiresAt > now);
      return fw.active && fw.connected && fw.subscription !== undefined && this.offerRole(fw) !== undefined;
    });
    if (eligible.length === 0) return;
    let total = emptyBag();
    for (const agent of this.state.cluster.agents) total = add(total, agentTotal(agent));
    const usage = new Map<string, ResourceBag>();
    for (const fw of eligible) usage.set(fw.id, this.usageOf(fw));
    const batches = new Map<FrameworkRecord, MesosObject[]>();
    for (const agent of this.state.cluster.agents) {
      const free = this.freeOf(agent.id);
      if (!allocatable(free)) continue;
      const candidates = eligible.filter(
        (fw) => !fw.filters.some((f) => f.agentId === agent.id && contains(f.resources, free)),
      );
      if (candidates.length === 0) continue;
      candidates.sort((a, b) => {
        const sa = dominantShare(usage.get(a.id) ?? emptyBag(), total);
        const sb = dominantShare(usage.get(b.id) ?? emptyBag(), total);
        if (Math.abs(sa - sb) > 1e-12) return sa - sb;
        if (a.allocations !== b.allocations) return a.allocations - b.allocations;
        return a.registeredTime - b.registeredTime || (a.id < b.id ? -1 : 1);
      });
      const fw = candidates[0];
      const role = fw ? this.offerRole(fw) : undefined;
      if (!fw || role === undefined) continue;
      const offer = this.createOffer(fw, agent, free, role);
      fw.allocations++;
      usage.set(fw.id, add(usage.get(fw.id) ?? emptyBag(), free));
      const batch = batches.get(fw) ?? [];
      batch.push(offer.json);
      batches.set(fw, batch);
    }
    for (const [fw, offers] of batches) this.sendEvent(fw, { type: "OFFERS", offers: { offers } });
  }

  /** The role a framework gets offers for (its first unsuppressed role), or undefined when all are suppressed. */
  private offerRole(fw: FrameworkRecord): string | undefined {
    return views.rolesOf(fw).find((role) => !fw.suppressedRoles.has(role));
  }

  /** Resources of an agent neither used by tasks nor offered. */
  freeOf(agentId: string): ResourceBag {
    const free = this.state.cluster.free(agentId);
    return { cpus: free.cpus, mem: free.mem, disk: free.disk, gpus: free.gpus, ports: free.ports };
  }

  /** What a framework holds: resources of its active tasks plus its outstanding offers. */
  usageOf(fw: FrameworkRecord): ResourceBag {
    let used = emptyBag();
    for (const task of fw.tasks.values()) used = add(used, task.resources);
    for (const offerId of fw.offers) {
      const offer = this.state.offers.get(offerId);
      if (offer) used = add(used, offer.resources);
    }
    return used;
  }

  private createOffer(fw: FrameworkRecord, agent: Agent, resources: ResourceBag, role: string): OfferRecord {
    const id = this.state.nextOfferId(this.id);
    this.state.cluster.allocate(`offer:${id}`, {
      agentId: agent.id,
      cpus: resources.cpus,
      mem: resources.mem,
      disk: resources.disk,
      gpus: resources.gpus,
      ports: resources.ports,
    });
    const json: MesosObject = {
      id: { value: id },
      framework_id: { value: fw.id },
      agent_id: { value: agent.id },
      hostname: agent.hostname,
      url: views.agentUrl(agent),
      resources: resourcesJson(resources, { allocationRole: role }),
      attributes: attributesJson(agent),
      executor_ids: [],
      allocation_info: { role },
    };
    const domain = domainJson(agent);
    if (domain) json.domain = domain;
    const offer: OfferRecord = { id, frameworkId: fw.id, agentId: agent.id, resources, role, json };
    this.state.offers.set(id, offer);
    fw.offers.add(id);
    if (this.offerTimeoutMs !== undefined) {
      offer.timer = setTimeout(() => {
        offer.timer = undefined;
        if (this.state.offers.get(id) === offer) this.rescind(offer);
      }, this.offerTimeoutMs);
    }
    return offer;
  }

  /** Takes an offer back: RESCIND to its framework, resources back to the pool. */
  rescind(offer: OfferRecord): void {
    const fw = this.state.frameworks.get(offer.frameworkId);
    this.removeOffer(offer);
    if (fw) this.sendEvent(fw, { type: "RESCIND", rescind: { offer_id: { value: offer.id } } });
  }

  private removeOffer(offer: OfferRecord): void {
    if (offer.timer) clearTimeout(offer.timer);
    offer.timer = undefined;
    this.state.offers.delete(offer.id);
    this.state.frameworks.get(offer.frameworkId)?.offers.delete(offer.id);
    this.state.cluster.release(`offer:${offer.id}`);
  }

  private refuseSeconds(filters: Record<string, unknown> | undefined): number {
    const value = number(filters, "refuse_seconds");
    if (value === undefined || value < 0 || !Number.isFinite(value)) return NO_FILTER_DEFAULT_REFUSE_SECONDS;
    return Math.min(value, MAX_REFUSE_SECONDS);
  }

  private addFilter(
    fw: FrameworkRecord,
    agentId: string,
    resources: ResourceBag,
    filters: Record<string, unknown> | undefined,
  ): void {
    const refuse = this.refuseSeconds(filters);
    if (refuse <= 0 || isEmptyBag(resources)) return;
    fw.filters.push({ agentId, resources, expiresAt: Date.now() + refuse * 1000 });
  }

  private declineOffer(
    fw: FrameworkRecord,
    offerId: string,
    filters: Record<string, unknown> | undefined,
  ): void {
    const offer = this.state.offers.get(offerId);
    if (!offer || offer.frameworkId !== fw.id) return;
    this.removeOffer(offer);
    this.addFilter(fw, offer.agentId, offer.resources, filters);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Launching
  // -------------------------------------------------------------------------------------------------------------

  private accept(fw: FrameworkRecord, accept: Record<string, unknown>): void {
    const offerIds = list(accept, "offer_ids").map((o) => text(o, "value") ?? "");
    const operations = list(accept, "operations");
    const filters = record(accept, "filters");
    const offers: OfferRecord[] = [];
    let invalid: string | undefined;
    for (const offerId of offerIds) {
      const offer = this.state.offers.get(offerId);
      if (!offer || offer.frameworkId !== fw.id) invalid ??= `Offer ${offerId} is no longer valid`;
      else if (offers.some((o) => o.id === offer.id))
        invalid ??= `Duplicate offer ${offerId} in the same call`;
      else offers.push(offer);
    }
    if (offerIds.length === 0) invalid = "No offers specified";
    const agentId = offers[0]?.agentId;
    if (!invalid && offers.some((o) => o.agentId !== agentId))
      invalid = "Aggregated offers must belong to one agent";
    if (invalid || agentId === undefined) {
      // Mesos recovers the resources without a filter and drops (or loses) every task of the call.
      for (const offer of offers) this.removeOffer(offer);
      for (const taskInfo of this.tasksOfOperations(operations)) {
        const state: MesosTaskState = views.hasCapability(fw, "PARTITION_AWARE")
          ? "TASK_DROPPED"
          : "TASK_LOST";
        this.sendMasterUpdate(
          fw,
          taskInfo,
          state,
          "REASON_INVALID_OFFERS",
          `Task launched with invalid offers: ${invalid}`,
        );
      }
      return;
    }
    let available = emptyBag();
    for (const offer of offers) {
      available = add(available, offer.resources);
      this.removeOffer(offer);
    }
    const role = offers[0]?.role ?? "*";
    const agent = this.state.cluster.agent(agentId);
    for (const operation of operations) {
      const type = text(operation, "type");
      if (type === "LAUNCH") {
        for (const taskInfo of list(record(operation, "launch"), "task_infos")) {
          if (!isRecord(taskInfo)) continue;
          const error = agent ? this.taskProblem(fw, taskInfo, agentId, available) : "Agent is gone";
          if (error) {
            this.sendMasterUpdate(fw, taskInfo, "TASK_ERROR", "REASON_TASK_INVALID", error);
            continue;
          }
          const resources = parseResources(taskInfo.resources).bag;
          available = subtract(available, resources);
          if (agent) this.launchTask(fw, taskInfo, agent, role, resources);
        }
      } else if (type === "LAUNCH_GROUP") {
        available = this.launchGroup(
          fw,
          record(operation, "launch_group") ?? {},
          agent,
          agentId,
          role,
          available,
        );
      }
      // Reservations, volumes and disks are not emulated: such operations are ignored.
    }
    this.addFilter(fw, agentId, available, filters);
  }

  private tasksOfOperations(operations: unknown[]): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const operation of operations) {
      const type = text(operation, "type");
      if (type === "LAUNCH") out.push(...list(record(operation, "launch"), "task_infos").filter(isRecord));
      if (type === "LAUNCH_GROUP") {
        out.push(...list(record(record(operation, "launch_group"), "task_group"), "tasks").filter(isRecord));
      }
    }
    return out;
  }

  /** Why Mesos would refuse a TaskInfo (TASK_ERROR), or undefined. */
  private taskProblem(
    fw: FrameworkRecord,
    taskInfo: Record<string, unknown>,
    agentId: string,
    available: ResourceBag,
    inGroup = false,
  ): string | undefined {
    const taskId = idOf(taskInfo, "task_id");
    if (!taskId) return "Task ID must not be empty";
    if (/[/\s]/.test(taskId) || taskId === "." || taskId === "..")
      return `TaskID '${taskId}' contains invalid characters`;
    if (fw.tasks.has(taskId) || fw.unreachableTasks.has(taskId)) return `Task has duplicate ID: ${taskId}`;
    if (typeof taskInfo.name !== "string") return "Task name must be set";
    const taskAgent = idOf(taskInfo, "agent_id");
    if (taskAgent !== agentId) return `Task uses invalid agent: ${taskAgent ?? "(none)"}`;
    const hasCommand = isRecord(taskInfo.command);
    const hasExecutor = isRecord(taskInfo.executor);
    if (!inGroup && hasCommand === hasExecutor) {
      return "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present";
    }
    const container = record(taskInfo, "container");
    if (container && text(container, "type") === "DOCKER" && !record(container, "docker")) {
      return "DockerInfo 'docker' is not set for DOCKER typed ContainerInfo";
    }
    const parsed = parseResources(taskInfo.resources);
    if (parsed.error) return `Invalid resources: ${parsed.error}`;
    if (isEmptyBag(parsed.bag)) return "Task uses no resources";
    if (!contains(available, parsed.bag)) {
      return `Task uses more resources ${views.resourcesText(parsed.bag)} than available ${views.resourcesText(available)}`;
    }
    return undefined;
  }

  private launchGroup(
    fw: FrameworkRecord,
    group: Record<string, unknown>,
    agent: Agent | undefined,
    agentId: string,
    role: string,
    available: ResourceBag,
  ): ResourceBag {
    const executor = record(group, "executor");
    const tasks = list(record(group, "task_group"), "tasks").filter(isRecord);
    const executorId = idOf(executor, "executor_id");
    let left = available;
    let error: string | undefined;
    if (!executor || !executorId) error = "Executor must be set with an executor_id";
    else if (text(executor, "type") !== undefined && text(executor, "type") !== "DEFAULT") {
      error = "Only DEFAULT executors are supported by LAUNCH_GROUP";
    }
    const executorResources = parseResources(executor?.resources);
    if (!error && executorResources.error) error = `Invalid executor resources: ${executorResources.error}`;
    if (!error && !contains(left, executorResources.bag))
      error = "Executor uses more resources than available";
    if (!error) left = subtract(left, executorResources.bag);
    const ids = new Set<string>();
    for (const task of tasks) {
      if (error) break;
      const problem = agent ? this.taskProblem(fw, task, agentId, left, true) : "Agent is gone";
      if (problem) error = problem;
      else if (isRecord(task.executor)) error = "Task in a task group must not have an executor";
      else if (ids.has(idOf(task, "task_id") ?? "")) error = "Task group has duplicate task IDs";
      else {
        ids.add(idOf(task, "task_id") ?? "");
        left = subtract(left, parseResources(task.resources).bag);
      }
    }
    if (tasks.length === 0) error ??= "Task group must not be empty";
    if (error || !agent || !executor || !executorId) {
      for (const task of tasks) {
        this.sendMasterUpdate(
          fw,
          task,
          "TASK_ERROR",
          "REASON_TASK_GROUP_INVALID",
          error ?? "invalid task group",
        );
      }
      return available;
    }
    fw.executors.set(executorId, {
      info: { ...(executor as MesosObject), framework_id: { value: fw.id } },
      agentId,
    });
    for (const task of tasks) {
      this.launchTask(fw, task, agent, role, parseResources(task.resources).bag, executorId);
    }
    return left;
  }

  private launchTask(
    fw: FrameworkRecord,
    taskInfo: Record<string, unknown>,
    agent: Agent,
    role: string,
    resources: ResourceBag,
    executorId?: string,
  ): void {
    const taskId = idOf(taskInfo, "task_id") ?? "";
    const key = `${fw.id}/${taskId}`;
    const customExecutor = record(taskInfo, "executor");
    const task: TaskRecord = {
      key,
      taskId,
      frameworkId: fw.id,
      agentId: agent.id,
      name: text(taskInfo, "name") ?? "",
      info: taskInfo as MesosObject,
      resources,
      role,
      state: "TASK_STAGING",
      statuses: [],
      containerId: randomUUID(),
      launched: false,
    };
    const execId = executorId ?? idOf(customExecutor, "executor_id");
    if (execId !== undefined) task.executorId = execId;
    if (customExecutor && execId !== undefined && !fw.executors.has(execId)) {
      fw.executors.set(execId, {
        info: { ...(customExecutor as MesosObject), framework_id: { value: fw.id } },
        agentId: agent.id,
      });
    }
    this.state.tasks.set(key, task);
    fw.tasks.set(taskId, task);
    this.state.cluster.allocate(`task:${key}`, {
      agentId: agent.id,
      cpus: resources.cpus,
      mem: resources.mem,
      disk: resources.disk,
      gpus: resources.gpus,
      ports: resources.ports,
    });
    this.operatorEvent({ type: "TASK_ADDED", task_added: { task: views.taskJson(this, task) } });
    try {
      this.state.runner.launch(this.launchSpec(fw, task, taskInfo, agent), (update) =>
        this.state.deliver(key, update),
      );
      task.launched = true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.agentUpdate(
        task,
        "TASK_FAILED",
        `Failed to launch container: ${message}`,
        "SOURCE_AGENT",
        "REASON_CONTAINER_LAUNCH_FAILED",
      );
    }
  }

  /** The runner's launch spec of a task: its CommandInfo / ContainerInfo, resources, ports and environment. */
  private launchSpec(
    fw: FrameworkRecord,
    task: TaskRecord,
    taskInfo: Record<string, unknown>,
    agent: Agent,
  ): TaskLaunchSpec {
    const commandInfo = record(taskInfo, "command") ?? record(record(taskInfo, "executor"), "command");
    let command: TaskCommand | undefined;
    if (commandInfo) {
      const shell = commandInfo.shell !== false;
      const value = text(commandInfo, "value");
      const args = list(commandInfo, "arguments").filter((a): a is string => typeof a === "string");
      if (shell && value !== undefined) command = { shell: true, value };
      else if (!shell && value !== undefined) command = { shell: false, argv: [value, ...args.slice(1)] };
    }
    const env: Record<string, string> = {};
    task.resources.ports.forEach((port, index) => {
      env[`PORT${index}`] = String(port);
    });
    env.MESOS_FRAMEWORK_ID = fw.id;
    env.MESOS_EXECUTOR_ID = task.executorId ?? task.taskId;
    for (const variable of list(record(commandInfo, "environment"), "variables")) {
      const name = text(variable, "name");
      const value = text(variable, "value");
      if (name !== undefined && value !== undefined && (text(variable, "type") ?? "VALUE") === "VALUE") {
        env[name] = value;
      }
    }
    const containerInfo = record(taskInfo, "container");
    let container: TaskLaunchSpec["container"];
    if (containerInfo) {
      const type = text(containerInfo, "type") === "DOCKER" ? "DOCKER" : "MESOS";
      const image =
        type === "DOCKER"
          ? text(record(containerInfo, "docker"), "image")
          : (text(record(record(record(containerInfo, "mesos"), "image"), "docker"), "name") ??
            text(record(record(record(containerInfo, "mesos"), "image"), "appc"), "name"));
      container = image === undefined ? { type } : { type, image };
    }
    const graceNs = number(record(record(taskInfo, "kill_policy"), "grace_period"), "nanoseconds");
    const uris: TaskFetchUri[] = [];
    for (const uri of list(commandInfo, "uris")) {
      const value = text(uri, "value");
      if (value === undefined) continue;
      const item: TaskFetchUri = { value };
      for (const flag of ["executable", "extract", "cache"] as const) {
        const given = field(uri, flag);
        if (typeof given === "boolean") item[flag] = given;
      }
      const outputFile = text(uri, "output_file");
      if (outputFile !== undefined) item.outputFile = outputFile;
      uris.push(item);
    }
    return {
      taskId: task.taskId,
      agent,
      resources: {
        cpus: task.resources.cpus,
        mem: task.resources.mem,
        disk: task.resources.disk,
        gpus: task.resources.gpus,
      },
      ports: task.resources.ports,
      env,
      ...(command ? { command } : {}),
      ...(container ? { container } : {}),
      ...(graceNs === undefined ? {} : { killGracePeriodMs: graceNs / 1e6 }),
      ...(uris.length > 0 ? { uris } : {}),
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Status updates
  // -------------------------------------------------------------------------------------------------------------

  /** A runner update for a task (called by the shared state on the leader). */
  onRunnerUpdate(key: string, update: TaskStatusUpdate): void {
    const task = this.state.tasks.get(key);
    if (!task || isTerminalState(task.state) || update.state === "TASK_STAGING") return;
    const fw = this.state.frameworks.get(task.frameworkId);
    if (update.state === "TASK_KILLING" && !(fw && views.hasCapability(fw, "TASK_KILLING_STATE"))) return;
    let source = "SOURCE_EXECUTOR";
    let reason: string | undefined;
    if (update.state === "TASK_FAILED") {
      if (/^the process runner|^Failed to launch|could not create the sandbox/.test(update.message)) {
        source = "SOURCE_AGENT";
        reason = "REASON_CONTAINER_LAUNCH_FAILED";
      } else reason = "REASON_COMMAND_EXECUTOR_FAILED";
    } else if (update.state === "TASK_KILLED" && /before it started/.test(update.message)) {
      source = "SOURCE_AGENT";
      reason = "REASON_TASK_KILLED_DURING_LAUNCH";
    } else if (update.state === "TASK_ERROR") {
      source = "SOURCE_AGENT";
      reason = "REASON_TASK_INVALID";
    } else if (
      update.state === "TASK_GONE" ||
      update.state === "TASK_LOST" ||
      update.state === "TASK_DROPPED"
    ) {
      source = "SOURCE_AGENT";
      reason = "REASON_AGENT_REMOVED";
    } else if (update.state === "TASK_UNREACHABLE") {
      source = "SOURCE_MASTER";
      reason = "REASON_AGENT_UNREACHABLE";
    }
    this.agentUpdate(task, update.state, update.message, source, reason);
  }

  /** A reliable update (with uuid, re-sent until acknowledged), as an agent sends them. */
  private agentUpdate(
    task: TaskRecord,
    state: MesosTaskState,
    message: string,
    source: string,
    reason: string | undefined,
  ): void {
    const uuid = newUuid();
    const status = this.statusOf(task, state, {
      message,
      source,
      ...(reason ? { reason } : {}),
      uuid,
      fromAgent: true,
    });
    this.transition(task, status);
    const fw = this.state.frameworks.get(task.frameworkId);
    if (!fw) return;
    const queue = fw.pending.get(task.taskId) ?? [];
    queue.push({ status, uuid, state });
    fw.pending.set(task.taskId, queue);
    if (queue.length === 1) this.sendHead(fw, task.taskId);
  }

  /** Builds a TaskStatus (v1 JSON) for a task. */
  statusOf(
    task: TaskRecord,
    state: MesosTaskState,
    options: { message?: string; source: string; reason?: string; uuid?: string; fromAgent?: boolean },
  ): MesosObject {
    const agent = this.state.cluster.agent(task.agentId);
    const status: MesosObject = {
      task_id: { value: task.taskId },
      state,
      source: options.source,
      agent_id: { value: task.agentId },
      timestamp: seconds(Date.now()),
    };
    if (options.message) status.message = options.message;
    if (options.reason) status.reason = options.reason;
    if (options.fromAgent) status.executor_id = { value: task.executorId ?? task.taskId };
    if (options.uuid) status.uuid = options.uuid;
    if (task.launched || options.fromAgent) {
      status.container_status = {
        container_id: { value: task.containerId },
        network_infos: [{ ip_addresses: [{ protocol: "IPv4", ip_address: agent?.address ?? "127.0.0.1" }] }],
      };
    }
    if (state === "TASK_UNREACHABLE" && task.unreachableTime !== undefined) {
      status.unreachable_time = { nanoseconds: BigInt(task.unreachableTime) * 1_000_000n };
    }
    return status;
  }

  /** Records a new state of a task: statuses, TASK_UPDATED, and for terminal states its resources and lists. */
  private transition(task: TaskRecord, status: MesosObject): void {
    const state = status.state as MesosTaskState;
    task.state = state;
    const { uuid: _uuid, ...stored } = status;
    task.statuses.push(stored);
    if (task.statuses.length > 20) task.statuses.splice(0, task.statuses.length - 20);
    this.operatorEvent({
      type: "TASK_UPDATED",
      task_updated: { framework_id: { value: task.frameworkId }, status, state },
    });
    if (!isTerminalState(state)) return;
    this.state.cluster.release(`task:${task.key}`);
    const fw =
      this.state.frameworks.get(task.frameworkId) ??
      this.state.completedFrameworks.find((f) => f.id === task.frameworkId);
    if (!fw) return;
    fw.tasks.delete(task.taskId);
    if (state === "TASK_UNREACHABLE") {
      fw.unreachableTasks.set(task.taskId, task);
      return;
    }
    fw.unreachableTasks.delete(task.taskId);
    fw.completedTasks.push(task);
    if (fw.completedTasks.length > MAX_COMPLETED_TASKS) {
      const dropped = fw.completedTasks.shift();
      if (dropped) this.state.tasks.delete(dropped.key);
    }
  }

  /** An update generated by the master (no uuid, not re-sent): launch errors, lost tasks, reconciliation. */
  private sendMasterUpdate(
    fw: FrameworkRecord,
    taskInfo: Record<string, unknown>,
    state: MesosTaskState,
    reason: string,
    message: string,
  ): void {
    const status: MesosObject = {
      task_id: { value: idOf(taskInfo, "task_id") ?? "" },
      state,
      source: "SOURCE_MASTER",
      reason,
      message,
      timestamp: seconds(Date.now()),
    };
    const agentId = idOf(taskInfo, "agent_id");
    if (agentId !== undefined) status.agent_id = { value: agentId };
    this.sendEvent(fw, { type: "UPDATE", update: { status } });
  }

  private retryKey(fw: FrameworkRecord, taskId: string): string {
    return `${fw.id}/${taskId}`;
  }

  private clearRetry(fw: FrameworkRecord, taskId: string): void {
    const key = this.retryKey(fw, taskId);
    const timer = this.retryTimers.get(key);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(key);
  }

  /** Sends the oldest unacknowledged update of a task, and again every `statusUpdateRetryMs` until acknowledged. */
  private sendHead(fw: FrameworkRecord, taskId: string): void {
    this.clearRetry(fw, taskId);
    const head: PendingUpdate | undefined = fw.pending.get(taskId)?.[0];
    if (!head || !fw.subscription || !this.elected) return;
    this.sendEvent(fw, { type: "UPDATE", update: { status: head.status } });
    const key = this.retryKey(fw, taskId);
    this.retryTimers.set(
      key,
      setTimeout(() => {
        this.retryTimers.delete(key);
        if (fw.pending.get(taskId)?.[0] === head) this.sendHead(fw, taskId);
      }, this.statusUpdateRetryMs),
    );
  }

  private acknowledge(fw: FrameworkRecord, ack: Record<string, unknown>): void {
    const taskId = idOf(ack, "task_id") ?? "";
    const uuid = text(ack, "uuid") ?? "";
    const queue = fw.pending.get(taskId);
    const head = queue?.[0];
    if (!queue || !head || uuidKey(head.uuid) !== uuidKey(uuid)) return;
    queue.shift();
    this.clearRetry(fw, taskId);
    if (queue.length === 0) fw.pending.delete(taskId);
    else this.sendHead(fw, taskId);
  }

  /** The update being forwarded for a task (`status_update_state`, `status_update_uuid`). */
  pendingOf(task: TaskRecord): PendingUpdate | undefined {
    const fw =
      this.state.frameworks.get(task.frameworkId) ??
      this.state.completedFrameworks.find((f) => f.id === task.frameworkId);
    return fw?.pending.get(task.taskId)?.[0];
  }

  private kill(fw: FrameworkRecord, kill: Record<string, unknown>): void {
    const taskId = idOf(kill, "task_id") ?? "";
    const task = fw.tasks.get(taskId);
    if (!task) {
      const agentId = idOf(kill, "agent_id");
      this.sendMasterUpdate(
        fw,
        { task_id: { value: taskId }, ...(agentId === undefined ? {} : { agent_id: { value: agentId } }) },
        "TASK_LOST",
        "REASON_RECONCILIATION",
        "Attempted to kill an unknown task",
      );
      return;
    }
    if (task.launched) this.state.runner.kill(task.taskId);
  }

  private shutdownExecutor(fw: FrameworkRecord, shutdown: Record<string, unknown>): void {
    const executorId = idOf(shutdown, "executor_id");
    if (executorId === undefined) return;
    for (const task of fw.tasks.values()) {
      if ((task.executorId ?? task.taskId) === executorId && task.launched)
        this.state.runner.kill(task.taskId);
    }
    fw.executors.delete(executorId);
  }

  private reconcile(fw: FrameworkRecord, tasks: unknown[]): void {
    const aware = views.hasCapability(fw, "PARTITION_AWARE");
    const latest = (task: TaskRecord) =>
      this.statusOf(task, task.state, {
        source: "SOURCE_MASTER",
        reason: "REASON_RECONCILIATION",
        message: "Reconciliation: Latest task state",
      });
    if (tasks.length === 0) {
      for (const task of [...fw.tasks.values(), ...fw.unreachableTasks.values()]) {
        this.sendEvent(fw, { type: "UPDATE", update: { status: latest(task) } });
      }
      return;
    }
    for (const item of tasks) {
      const taskId = idOf(item, "task_id") ?? "";
      const agentId = idOf(item, "agent_id");
      const task = fw.tasks.get(taskId) ?? fw.unreachableTasks.get(taskId);
      if (task) {
        this.sendEvent(fw, { type: "UPDATE", update: { status: latest(task) } });
        continue;
      }
      let state: MesosTaskState = "TASK_LOST";
      let message = "Reconciliation: Task is unknown to the master";
      if (aware) {
        if (agentId !== undefined && this.state.agents.has(agentId)) {
          state = "TASK_GONE";
          message = "Reconciliation: Task is unknown to the agent";
        } else state = "TASK_UNKNOWN";
      }
      this.sendMasterUpdate(
        fw,
        { task_id: { value: taskId }, ...(agentId === undefined ? {} : { agent_id: { value: agentId } }) },
        state,
        "REASON_RECONCILIATION",
        message,
      );
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Agents
  // -------------------------------------------------------------------------------------------------------------

  /** Adds an agent (AGENT_ADDED; offered at once). */
  addAgent(spec: AgentSpec = {}): Agent {
    const agent = this.state.cluster.addAgent(spec);
    this.state.agents.set(agent.id, { id: agent.id, registeredTime: Date.now() });
    this.operatorEvent({ type: "AGENT_ADDED", agent_added: { agent: views.agentJson(this, agent) } });
    this.requestAllocation();
    return agent;
  }

  /**
   * Removes an agent as if it were lost: its offers are rescinded, its tasks go TASK_UNREACHABLE (partition-aware
   * frameworks) or TASK_LOST, frameworks get FAILURE, operators AGENT_REMOVED. Its task processes are stopped.
   */
  removeAgent(agentId: string): boolean {
    if (!this.state.agents.has(agentId)) return false;
    for (const offer of [...this.state.offers.values()]) if (offer.agentId === agentId) this.rescind(offer);
    const agent = this.state.cluster.agent(agentId);
    const now = Date.now();
    for (const task of [...this.state.tasks.values()]) {
      if (task.agentId !== agentId || isTerminalState(task.state)) continue;
      const fw = this.state.frameworks.get(task.frameworkId);
      const state: MesosTaskState =
        fw && views.hasCapability(fw, "PARTITION_AWARE") ? "TASK_UNREACHABLE" : "TASK_LOST";
      if (state === "TASK_UNREACHABLE") task.unreachableTime = now;
      const status = this.statusOf(task, state, {
        source: "SOURCE_MASTER",
        reason: "REASON_AGENT_UNREACHABLE",
        message: `Agent ${agent?.hostname ?? agentId} is unreachable`,
      });
      this.transition(task, status);
      if (fw) {
        fw.pending.delete(task.taskId);
        this.clearRetry(fw, task.taskId);
        this.sendEvent(fw, { type: "UPDATE", update: { status } });
      }
      if (task.launched) this.state.runner.kill(task.taskId);
    }
    this.state.agents.delete(agentId);
    this.state.cluster.removeAgent(agentId);
    for (const fw of this.state.frameworks.values()) {
      this.sendEvent(fw, { type: "FAILURE", failure: { agent_id: { value: agentId } } });
    }
    this.operatorEvent({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: agentId } } });
    return true;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Operator API
  // -------------------------------------------------------------------------------------------------------------

  /** Handles a validated operator call other than SUBSCRIBE (200 with a JSON body, or an error). */
  operatorCall(valid: ValidCall): CallAnswer {
    const { type, call } = valid;
    const json = (body: MesosObject): CallAnswer => ({
      status: 200,
      body: views.stringify(body),
      contentType: "application/json",
    });
    const read = OPERATOR_READS[type];
    if (read) {
      this.count("operator", type);
      return json({ type, [type.toLowerCase()]: read(this) } as MesosObject);
    }
    switch (type) {
      case "TEARDOWN": {
        this.count("operator", type);
        const id = idOf(call.teardown, "framework_id") ?? "";
        const fw = this.state.frameworks.get(id);
        if (!fw) return plain(400, "No framework found with specified ID");
        this.removeFramework(fw);
        return { status: 200 };
      }
      default:
        return plain(501, `The emulated master does not implement ${type}`);
    }
  }

  /** Starts an operator event stream on `sink`: SUBSCRIBED with a GET_STATE snapshot, then events and heartbeats. */
  subscribeOperator(sink: EventSink): void {
    this.count("operator", "SUBSCRIBE");
    sink.send({
      type: "SUBSCRIBED",
      subscribed: {
        get_state: views.getState(this),
        heartbeat_interval_seconds: this.heartbeatIntervalSeconds,
      },
    });
    const stream = {
      sink,
      heartbeat: setInterval(() => sink.send({ type: "HEARTBEAT" }), this.heartbeatIntervalSeconds * 1000),
    };
    this.operatorStreams.add(stream);
    sink.onClose(() => {
      clearInterval(stream.heartbeat);
      this.operatorStreams.delete(stream);
    });
  }

  private operatorEvent(event: MesosObject): void {
    for (const stream of this.operatorStreams) stream.sink.send(event);
  }

  /** Frameworks currently known (subscribed or within their failover timeout). */
  frameworks(): FrameworkRecord[] {
    return [...this.state.frameworks.values()];
  }
}
