import { BsaasError } from "../errors.js";
import type { HttpStream } from "../http/client.js";
import { AbortedError, HttpError, NetworkError } from "../http/errors.js";
import { backoffDelay, type RetryPolicy, sleep } from "../http/retry.js";
import { MesosConnection, type MesosConnectionOptions } from "./connection.js";
import { parseMesosJson } from "./json.js";
import {
  type Filters,
  type FrameworkInfo,
  type OperationInput,
  SchedulerCallSchema,
  type SchedulerEvent,
  SchedulerEventSchema,
  type TaskInfoInput,
} from "./schemas/index.js";
import { type RecordItem, readEvents } from "./stream.js";

/** Options of {@link MesosScheduler}. */
export interface MesosSchedulerOptions extends MesosConnectionOptions {
  /** The framework to register (`name` and `user` required). Set `id` to resume an earlier framework. */
  framework: FrameworkInfo;
  /** Acknowledge status updates that carry a `uuid` once they were yielded. Default true. */
  autoAcknowledge?: boolean;
  /** Backoff between re-subscriptions. */
  reconnect?: Partial<RetryPolicy>;
}

/** What {@link MesosScheduler.events} yields. */
export type SchedulerStreamItem =
  | RecordItem<SchedulerEvent>
  /** The subscription was lost and is back (same framework id): offers outstanding before are void; reconcile. */
  | { kind: "resubscribed"; frameworkId: string; downMs: number };

const RECONNECT: RetryPolicy = { retries: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 15_000 };

/**
 * A Mesos framework scheduler over the v1 scheduler API. `events()` subscribes (and re-subscribes with the framework
 * id after a drop, missing heart-beats or a leader change, finding the leader again through `/master/redirect` or
 * ZooKeeper) and yields typed events; the call methods send `ACCEPT`, `DECLINE`, `KILL`, ... on separate connections
 * with the `Mesos-Stream-Id` of the current subscription.
 *
 * @example
 * const scheduler = new MesosScheduler({ master: "zk://127.0.0.1:2181/mesos", framework: { name: "bsaas", user: "condor", failover_timeout: 604800 } });
 * for await (const item of scheduler.events()) {
 *   if (item.kind === "event" && item.event.type === "OFFERS") await scheduler.decline(item.event.offers.offers.map((o) => o.id.value));
 * }
 */
export class MesosScheduler {
  readonly connection: MesosConnection;
  private framework: FrameworkInfo;
  private streamId: string | undefined;
  private readonly controller = new AbortController();
  private current: HttpStream | undefined;

  constructor(private readonly options: MesosSchedulerOptions) {
    this.connection = new MesosConnection(options);
    this.framework = { ...options.framework };
  }

  /** The framework id Mesos assigned (after the first `SUBSCRIBED`), or the one given to resume. */
  get frameworkId(): string | undefined {
    return (this.framework as { id?: { value?: string } }).id?.value;
  }

  /** Subscribes and yields events until `close()` or the signal. Only one consumer at a time. */
  async *events(signal?: AbortSignal): AsyncGenerator<SchedulerStreamItem> {
    const stop = () => this.controller.abort();
    signal?.addEventListener("abort", stop, { once: true });
    const policy = { ...RECONNECT, ...this.options.reconnect };
    let failures = 0;
    let subscribed = false;
    let downSince = 0;
    try {
      while (!this.controller.signal.aborted) {
        let stream: HttpStream;
        try {
          stream = await this.subscribe();
        } catch (error) {
          if (this.controller.signal.aborted) return;
          if (error instanceof HttpError && !error.retryable && error.status < 500) throw error;
          this.connection.reset();
          failures++;
          downSince ||= Date.now();
          await sleep(backoffDelay(policy, failures), this.controller.signal, "resubscribing to Mesos");
          continue;
        }
        failures = 0;
        let idleMs = 75_000;
        for await (const item of readEvents(
          stream,
          SchedulerEventSchema,
          "Mesos scheduler stream",
          () => idleMs,
        )) {
          if (item.kind === "event" && item.event.type === "SUBSCRIBED") {
            const s = item.event.subscribed;
            this.framework = { ...this.framework, id: { value: s.framework_id.value } } as FrameworkInfo;
            idleMs = Number(s.heartbeat_interval_seconds ?? 15) * 5 * 1000;
            yield item;
            if (subscribed)
              yield {
                kind: "resubscribed",
                frameworkId: s.framework_id.value,
                downMs: Date.now() - downSince,
              };
            subscribed = true;
            continue;
          }
          yield item;
          if (
            item.kind === "event" &&
            item.event.type === "UPDATE" &&
            this.options.autoAcknowledge !== false
          ) {
            const status = item.event.update.status;
            if (status.uuid && status.agent_id) {
              await this.acknowledge(status.agent_id.value, status.task_id.value, status.uuid).catch(
                () => undefined,
              );
            }
          }
        }
        if (this.controller.signal.aborted) return;
        this.connection.reset();
        this.streamId = undefined;
        downSince = Date.now();
        await sleep(backoffDelay(policy, 1), this.controller.signal, "resubscribing to Mesos");
      }
    } catch (error) {
      if (error instanceof AbortedError && this.controller.signal.aborted) return;
      throw error;
    } finally {
      signal?.removeEventListener("abort", stop);
      this.current?.close();
    }
  }

  /** `ACCEPT` with operations (LAUNCH, LAUNCH_GROUP, ...); resources of the offers not used are declined. */
  accept(offerIds: string[], operations: OperationInput[], filters?: Filters): Promise<void> {
    return this.call("ACCEPT", {
      accept: {
        offer_ids: offerIds.map((value) => ({ value })),
        operations,
        ...(filters ? { filters } : {}),
      },
    });
  }

  /** `ACCEPT` with one LAUNCH of these tasks. */
  launch(offerIds: string[], tasks: TaskInfoInput[], filters?: Filters): Promise<void> {
    return this.accept(offerIds, [{ type: "LAUNCH", launch: { task_infos: tasks } }], filters);
  }

  /** `DECLINE`; `refuse_seconds` keeps these agents' resources away from this framework for that long. */
  decline(offerIds: string[], filters?: Filters): Promise<void> {
    return this.call("DECLINE", {
      decline: { offer_ids: offerIds.map((value) => ({ value })), ...(filters ? { filters } : {}) },
    });
  }

  /** `REVIVE`: clears decline filters and resumes offers. */
  revive(roles?: string[]): Promise<void> {
    return this.call("REVIVE", roles ? { revive: { roles } } : {});
  }

  /** `SUPPRESS`: no more offers until `revive`. */
  suppress(roles?: string[]): Promise<void> {
    return this.call("SUPPRESS", roles ? { suppress: { roles } } : {});
  }

  /** `KILL` a task. */
  kill(taskId: string, agentId?: string): Promise<void> {
    return this.call("KILL", {
      kill: { task_id: { value: taskId }, ...(agentId ? { agent_id: { value: agentId } } : {}) },
    });
  }

  /** `ACKNOWLEDGE` a status update (`uuid` as Mesos sent it, base64). */
  acknowledge(agentId: string, taskId: string, uuid: string): Promise<void> {
    return this.call("ACKNOWLEDGE", {
      acknowledge: { agent_id: { value: agentId }, task_id: { value: taskId }, uuid },
    });
  }

  /** `RECONCILE` these tasks, or all of the framework's tasks (implicit reconciliation) with none. */
  reconcile(tasks: { taskId: string; agentId?: string }[] = []): Promise<void> {
    return this.call("RECONCILE", {
      reconcile: {
        tasks: tasks.map((t) => ({
          task_id: { value: t.taskId },
          ...(t.agentId ? { agent_id: { value: t.agentId } } : {}),
        })),
      },
    });
  }

  /** `SHUTDOWN` an executor. */
  shutdown(executorId: string, agentId: string): Promise<void> {
    return this.call("SHUTDOWN", {
      shutdown: { executor_id: { value: executorId }, agent_id: { value: agentId } },
    });
  }

  /** `TEARDOWN`: kills every task of the framework and removes it; then stops the event loop. */
  async teardown(): Promise<void> {
    await this.call("TEARDOWN", {});
    this.close();
  }

  /** Stops the event loop and closes the subscription (the framework stays registered until its failover timeout). */
  close(): void {
    this.controller.abort();
    this.current?.close();
    this.connection.close();
  }

  private async subscribe(): Promise<HttpStream> {
    const http = await this.connection.http(this.controller.signal);
    const id = this.frameworkId;
    this.current = await http.stream({
      method: "POST",
      path: "/api/v1/scheduler",
      body: {
        type: "SUBSCRIBE",
        ...(id ? { framework_id: { value: id } } : {}),
        subscribe: { framework_info: this.framework },
      },
      headers: { accept: "application/json" },
      signal: this.controller.signal,
    });
    this.streamId = this.current.headers["mesos-stream-id"];
    return this.current;
  }

  private async call(type: string, payload: Record<string, unknown>): Promise<void> {
    const id = this.frameworkId;
    if (!id || !this.streamId) {
      throw new BsaasError("MESOS_NOT_SUBSCRIBED", `Cannot send ${type}: the scheduler is not subscribed`, {
        hint: "Iterate scheduler.events() and wait for SUBSCRIBED first.",
      });
    }
    const http = await this.connection.http(this.controller.signal);
    try {
      await http.request({
        method: "POST",
        path: "/api/v1/scheduler",
        body: { framework_id: { value: id }, type, ...payload },
        bodySchema: SchedulerCallSchema,
        headers: { "mesos-stream-id": this.streamId },
        decode: parseMesosJson,
        idempotent: type !== "ACCEPT",
      });
    } catch (error) {
      if (error instanceof NetworkError) this.connection.reset();
      throw error;
    }
  }
}
