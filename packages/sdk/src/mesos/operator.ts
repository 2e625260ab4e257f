import { z } from "zod";
import { AbortedError, HttpError, NetworkError } from "../http/errors.js";
import { backoffDelay, type RetryPolicy, sleep } from "../http/retry.js";
import { MesosConnection, type MesosConnectionOptions } from "./connection.js";
import { parseMesosJson } from "./json.js";
import {
  GetAgentsSchema,
  GetFrameworksSchema,
  GetHealthSchema,
  GetMasterSchema,
  GetRolesSchema,
  GetStateSchema,
  GetTasksSchema,
  GetVersionSchema,
  type MasterState,
  MasterStateSchema,
  type MasterStateSummary,
  MasterStateSummarySchema,
  type OperatorEvent,
  OperatorEventSchema,
} from "./schemas/index.js";
import { type RecordItem, readEvents } from "./stream.js";

/** Options of {@link MesosOperatorClient}. */
export type MesosOperatorOptions = MesosConnectionOptions;

/** What {@link MesosOperatorClient.subscribe} yields. */
export type OperatorStreamItem =
  | RecordItem<OperatorEvent>
  /** The stream was down and is back; the next event is a new `SUBSCRIBED` snapshot: rebuild state from it. */
  | { kind: "reconnected"; downMs: number };

const RECONNECT: RetryPolicy = { retries: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 15_000 };

function response<K extends string, S extends z.ZodType>(type: K, key: string, schema: S) {
  return z.looseObject({ type: z.literal(type), [key]: schema }) as unknown as z.ZodType<
    { type: K } & Record<string, z.output<S>>
  >;
}

/**
 * Mesos' operator API v1 (`POST /api/v1`) and the legacy state endpoints, on the leading master. 64-bit integers
 * (nanosecond timestamps) are kept exact as `bigint`.
 *
 * @example
 * const mesos = new MesosOperatorClient({ master: "zk://127.0.0.1:2181/mesos" });
 * const { agents } = await mesos.getAgents();
 */
export class MesosOperatorClient {
  readonly connection: MesosConnection;

  constructor(options: MesosOperatorOptions) {
    this.connection = new MesosConnection(options);
  }

  /** Sends an operator call and parses `<call_lowercase>` of the answer with `schema`. */
  async call<S extends z.ZodType>(
    type: string,
    schema: S,
    payload: Record<string, unknown> = {},
    signal?: AbortSignal,
  ): Promise<z.output<S>> {
    const key = type.toLowerCase();
    const http = await this.connection.http(signal);
    try {
      const res = await http.request({
        method: "POST",
        path: "/api/v1",
        body: { type, ...payload },
        schema: response(type, key, schema),
        decode: parseMesosJson,
        idempotent: type.startsWith("GET_"),
        signal,
      });
      return (res.data as Record<string, z.output<S>>)[key] as z.output<S>;
    } catch (error) {
      if (error instanceof NetworkError) this.connection.reset();
      throw error;
    }
  }

  getHealth(signal?: AbortSignal) {
    return this.call("GET_HEALTH", GetHealthSchema, {}, signal);
  }
  getVersion(signal?: AbortSignal) {
    return this.call("GET_VERSION", GetVersionSchema, {}, signal);
  }
  getState(signal?: AbortSignal) {
    return this.call("GET_STATE", GetStateSchema, {}, signal);
  }
  getAgents(signal?: AbortSignal) {
    return this.call("GET_AGENTS", GetAgentsSchema, {}, signal);
  }
  getFrameworks(signal?: AbortSignal) {
    return this.call("GET_FRAMEWORKS", GetFrameworksSchema, {}, signal);
  }
  getTasks(signal?: AbortSignal) {
    return this.call("GET_TASKS", GetTasksSchema, {}, signal);
  }
  getRoles(signal?: AbortSignal) {
    return this.call("GET_ROLES", GetRolesSchema, {}, signal);
  }
  getMaster(signal?: AbortSignal) {
    return this.call("GET_MASTER", GetMasterSchema, {}, signal);
  }

  /** Legacy `GET /master/state`: the whole cluster in one object (flattened resources, `slaves`). */
  async masterState(signal?: AbortSignal): Promise<MasterState> {
    const http = await this.connection.http(signal);
    return (
      await http.request({
        method: "GET",
        path: "/master/state",
        schema: MasterStateSchema,
        decode: parseMesosJson,
        signal,
      })
    ).data;
  }

  /** Legacy `GET /master/state-summary`. */
  async stateSummary(signal?: AbortSignal): Promise<MasterStateSummary> {
    const http = await this.connection.http(signal);
    return (
      await http.request({
        method: "GET",
        path: "/master/state-summary",
        schema: MasterStateSummarySchema,
        decode: parseMesosJson,
        signal,
      })
    ).data;
  }

  /**
   * Operator `SUBSCRIBE`: a snapshot (`SUBSCRIBED` with `get_state`), then TASK_ADDED, TASK_UPDATED, AGENT_ADDED,
   * AGENT_REMOVED, FRAMEWORK_* and HEARTBEAT events. On a drop (or heart-beats missing for 5 intervals) it finds the
   * leader again, resubscribes with backoff and yields `reconnected` before the new snapshot. Ends when `signal` fires.
   */
  async *subscribe(
    options: { signal?: AbortSignal; reconnect?: Partial<RetryPolicy> } = {},
  ): AsyncGenerator<OperatorStreamItem> {
    const policy = { ...RECONNECT, ...options.reconnect };
    let failures = 0;
    let downSince = 0;
    let connected = false;
    while (!options.signal?.aborted) {
      let stream: Awaited<ReturnType<Awaited<ReturnType<MesosConnection["http"]>>["stream"]>>;
      try {
        const http = await this.connection.http(options.signal);
        stream = await http.stream({
          method: "POST",
          path: "/api/v1",
          body: { type: "SUBSCRIBE" },
          headers: { accept: "application/json" },
          signal: options.signal,
        });
      } catch (error) {
        if (options.signal?.aborted || error instanceof AbortedError) return;
        if (error instanceof HttpError && !error.retryable && error.status < 500) throw error;
        this.connection.reset();
        failures++;
        downSince ||= Date.now();
        await sleep(
          backoffDelay(policy, failures),
          options.signal,
          "resubscribing to the Mesos master",
        ).catch(() => undefined);
        continue;
      }
      if (connected) yield { kind: "reconnected", downMs: Date.now() - downSince };
      connected = true;
      failures = 0;
      let idleMs = 75_000;
      for await (const item of readEvents(
        stream,
        OperatorEventSchema,
        "Mesos operator stream",
        () => idleMs,
      )) {
        if (item.kind === "event" && item.event.type === "SUBSCRIBED") {
          const seconds = Number(
            (item.event as { subscribed?: { heartbeat_interval_seconds?: number } }).subscribed
              ?.heartbeat_interval_seconds ?? 15,
          );
          idleMs = seconds * 5 * 1000;
        }
        yield item;
      }
      if (options.signal?.aborted) return;
      this.connection.reset();
      downSince = Date.now();
      await sleep(backoffDelay(policy, 1), options.signal, "resubscribing to the Mesos master").catch(
        () => undefined,
      );
    }
  }

  close(): void {
    this.connection.close();
  }
}
