import { parseMesosJson, readRecordIO } from "@bsaas/sdk/mesos";

/** `{value}` ids. */
export interface IdJson {
  value: string;
}

/** The parts of a TaskStatus the tests read. */
export interface StatusJson {
  task_id: IdJson;
  state: string;
  message?: string;
  source?: string;
  reason?: string;
  agent_id?: IdJson;
  executor_id?: IdJson;
  timestamp?: number;
  uuid?: string;
  container_status?: { network_infos?: { ip_addresses?: { ip_address?: string; protocol?: string }[] }[] };
}

/** The parts of a Resource the tests read. */
export interface ResourceJson {
  name: string;
  type: string;
  scalar?: { value: number };
  ranges?: { range: { begin: number; end: number }[] };
}

/** The parts of an Offer the tests read. */
export interface OfferJson {
  id: IdJson;
  framework_id: IdJson;
  agent_id: IdJson;
  hostname: string;
  resources: ResourceJson[];
  attributes?: { name: string; type: string; text?: { value: string } }[];
  url?: { address: { ip?: string; hostname?: string; port: number } };
}

/** A scheduler or operator event as the tests read it (unchecked). */
export interface EventJson {
  type: string;
  subscribed?: {
    framework_id: IdJson;
    heartbeat_interval_seconds?: number;
    master_info?: Record<string, unknown>;
    get_state?: Record<string, unknown>;
  };
  offers?: { offers?: OfferJson[] };
  rescind?: { offer_id: IdJson };
  update?: { status: StatusJson };
  error?: { message: string };
  failure?: { agent_id?: IdJson };
  task_added?: { task: { task_id: IdJson; state: string; framework_id: IdJson } };
  task_updated?: { framework_id: IdJson; state: string; status: StatusJson };
  agent_removed?: { agent_id: IdJson };
  framework_added?: { framework: { framework_info: { id?: IdJson; name: string } } };
  framework_removed?: { framework_info: { id?: IdJson; name: string } };
  [key: string]: unknown;
}

/** A parsed HTTP answer (test helper); the caller names the body type it expects (unchecked). */
export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  /** The JSON body (64-bit integers as bigint), or undefined. */
  body: T;
}

/** POSTs JSON (or a raw string) and reads the answer without following redirects (test helper). */
export async function post<T = unknown>(
  url: string,
  body: unknown,
  headers: Record<string, string> = { "content-type": "application/json" },
  method = "POST",
): Promise<Reply<T>> {
  const res = await fetch(url, {
    method,
    headers,
    // Bytes, so that fetch adds no Content-Type of its own.
    ...(method === "GET" || method === "HEAD"
      ? {}
      : { body: new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body)) }),
    redirect: "manual",
  });
  return read<T>(res);
}

/** GETs a URL without following redirects (test helper). */
export async function get<T = unknown>(url: string, headers: Record<string, string> = {}): Promise<Reply<T>> {
  return read<T>(await fetch(url, { headers, redirect: "manual" }));
}

async function read<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text.length > 0 ? parseMesosJson(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

/** Polls until `predicate` holds (test helper). */
export async function until(
  predicate: () => boolean,
  timeoutMs = 10_000,
  what = "a condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A RecordIO event stream opened with fetch, read with the SDK's `readRecordIO` (test helper). */
export class EventStream {
  readonly events: EventJson[] = [];
  /** When each event arrived (`Date.now()`), by index. */
  readonly arrivals: number[] = [];
  readonly records: string[] = [];
  status = 0;
  headers = new Headers();
  /** Called for every event as it arrives. */
  onEvent: ((event: EventJson) => void) | undefined;
  ended = false;
  error: unknown;
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();

  /** POSTs `body` to `url` and starts reading the stream. */
  async open(url: string, body: unknown, headers: Record<string, string> = {}): Promise<this> {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body: JSON.stringify(body),
      signal: this.controller.signal,
      redirect: "manual",
    });
    this.status = res.status;
    this.headers = res.headers;
    const stream = res.body;
    if (res.status !== 200 || !stream) {
      await res.text().catch(() => "");
      this.ended = true;
      return this;
    }
    this.done = (async () => {
      try {
        for await (const record of readRecordIO(stream)) {
          this.records.push(record);
          const event = parseMesosJson(record) as EventJson;
          this.events.push(event);
          this.arrivals.push(Date.now());
          this.onEvent?.(event);
        }
      } catch (error) {
        if (!this.controller.signal.aborted) this.error = error;
      } finally {
        this.ended = true;
      }
    })();
    return this;
  }

  /** Events of one type. */
  ofType(type: string): EventJson[] {
    return this.events.filter((e) => e.type === type);
  }

  /** Waits for an event matching `predicate` (among all received so far, from index `from`). */
  async next(predicate: (event: EventJson) => boolean, timeoutMs = 10_000, from = 0): Promise<EventJson> {
    let found: EventJson | undefined;
    await until(
      () => {
        found = this.events.slice(from).find(predicate);
        return found !== undefined;
      },
      timeoutMs,
      "an event",
    );
    if (!found) throw new Error("no event");
    return found;
  }

  /** Closes the connection (the master sees the stream break). */
  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

/** A scheduler speaking the v1 HTTP API: SUBSCRIBE stream plus calls with `Mesos-Stream-Id` (test helper). */
export class TestScheduler {
  readonly stream = new EventStream();
  frameworkId = "";
  private fixedStreamId: string | undefined;

  /** Acknowledges every update with a uuid as it arrives (default true). */
  autoAck = true;
  /** Declines every offer as it arrives, with this `refuse_seconds` (default: offers are kept). */
  autoDecline: number | undefined;
  /** Answers of the automatic calls (undefined when the request failed, e.g. the master went away). */
  readonly autoReplies: Promise<Reply | undefined>[] = [];

  /** The `Mesos-Stream-Id` of the current subscription. */
  get streamId(): string {
    return this.fixedStreamId ?? this.stream.headers.get("mesos-stream-id") ?? "";
  }

  set streamId(value: string) {
    this.fixedStreamId = value;
  }

  constructor(readonly masterUrl: string) {
    this.stream.onEvent = (event) => {
      if (event.subscribed) this.frameworkId = event.subscribed.framework_id.value;
      const status = event.update?.status;
      if (this.autoAck && status?.uuid !== undefined)
        this.autoReplies.push(this.ack(status).catch(() => undefined));
      const offers = event.offers?.offers ?? [];
      if (this.autoDecline !== undefined && offers.length > 0) {
        this.autoReplies.push(
          this.call("DECLINE", {
            decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: this.autoDecline } },
          }).catch(() => undefined),
        );
      }
    };
  }

  /** Subscribes (re-subscribes with `frameworkInfo.id`) and waits for SUBSCRIBED. */
  async subscribe(
    frameworkInfo: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ): Promise<this> {
    const id = (frameworkInfo.id as { value?: string } | undefined)?.value;
    await this.stream.open(`${this.masterUrl}/api/v1/scheduler`, {
      type: "SUBSCRIBE",
      ...(id === undefined ? {} : { framework_id: { value: id } }),
      subscribe: { framework_info: frameworkInfo, ...extra },
    });
    if (this.stream.status !== 200) throw new Error(`SUBSCRIBE answered ${this.stream.status}`);
    const subscribed = await this.stream.next((e) => e.type === "SUBSCRIBED" || e.type === "ERROR");
    if (!subscribed.subscribed) throw new Error(`SUBSCRIBE failed: ${subscribed.error?.message ?? "?"}`);
    this.frameworkId = subscribed.subscribed.framework_id.value;
    return this;
  }

  /** Sends a call with this framework's id and stream id. */
  call(type: string, payload: Record<string, unknown> = {}, streamId = this.streamId): Promise<Reply> {
    return post(
      `${this.masterUrl}/api/v1/scheduler`,
      { type, framework_id: { value: this.frameworkId }, ...payload },
      { "content-type": "application/json", "mesos-stream-id": streamId },
    );
  }

  /** The offers received so far (flattened). */
  offers(): OfferJson[] {
    return this.stream.ofType("OFFERS").flatMap((e) => e.offers?.offers ?? []);
  }

  /** Waits for the offer at index `after` of all offers received. */
  async nextOffer(after = 0, timeoutMs = 10_000): Promise<OfferJson> {
    await until(() => this.offers().length > after, timeoutMs, "an offer");
    const offer = this.offers()[after];
    if (!offer) throw new Error("no offer");
    return offer;
  }

  /** Statuses of the UPDATE events of a task. */
  updates(taskId: string): StatusJson[] {
    return this.stream
      .ofType("UPDATE")
      .map((e) => e.update?.status)
      .filter((s): s is StatusJson => s !== undefined && s.task_id.value === taskId);
  }

  /** Waits for an UPDATE of a task in a state; returns its status. */
  async waitForState(taskId: string, state: string, timeoutMs = 10_000): Promise<StatusJson> {
    const event = await this.stream.next(
      (e) => e.update?.status.task_id.value === taskId && e.update.status.state === state,
      timeoutMs,
    );
    if (!event.update) throw new Error("no update");
    return event.update.status;
  }

  /** Acknowledges an update that carries a uuid. */
  ack(status: StatusJson): Promise<Reply> {
    return this.call("ACKNOWLEDGE", {
      acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
    });
  }

  async close(): Promise<void> {
    await this.stream.close();
    await Promise.allSettled(this.autoReplies);
  }
}

/** A command TaskInfo for an offer (test helper). */
export function commandTask(
  offer: OfferJson,
  taskId: string,
  command: string,
  resources: { cpus?: number; mem?: number; ports?: number[] } = {},
): Record<string, unknown> {
  const list: Record<string, unknown>[] = [
    { name: "cpus", type: "SCALAR", scalar: { value: resources.cpus ?? 0.1 } },
    { name: "mem", type: "SCALAR", scalar: { value: resources.mem ?? 32 } },
  ];
  if (resources.ports && resources.ports.length > 0) {
    list.push({
      name: "ports",
      type: "RANGES",
      ranges: { range: resources.ports.map((port) => ({ begin: port, end: port })) },
    });
  }
  return {
    name: taskId,
    task_id: { value: taskId },
    agent_id: offer.agent_id,
    resources: list,
    command: { shell: true, value: command },
  };
}
