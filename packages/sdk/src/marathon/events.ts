import { StreamFrameError } from "../errors.js";
import type { HttpClient, HttpStream } from "../http/client.js";
import { AbortedError, HttpError } from "../http/errors.js";
import { backoffDelay, type RetryPolicy, sleep } from "../http/retry.js";
import { type SseEvent, SseParser } from "../http/sse.js";
import { MARATHON_EVENT_TYPES, type MarathonEvent, MarathonEventSchema } from "./schemas/index.js";

/** Options of {@link MarathonClient.events}. */
export interface EventStreamOptions {
  /** Only these event types (filtered by Marathon: `event_type=`). All when omitted. */
  eventTypes?: readonly string[];
  signal?: AbortSignal;
  /** Backoff between reconnects, and how many failed reconnects in a row end the stream (default: unlimited). */
  reconnect?: Partial<RetryPolicy> & { maxAttempts?: number };
  /** Reconnect when nothing (not even a heart-beat; Marathon sends one every 10 s) arrived for this long. Default 30 000 ms. */
  idleTimeoutMs?: number;
}

/** What the stream yields. */
export type EventStreamItem =
  | { kind: "event"; event: MarathonEvent }
  /** An event type this SDK does not know (a newer Marathon); its data is passed on as parsed JSON. */
  | { kind: "unknown"; eventType: string; data: unknown }
  /** A frame that is not valid JSON or does not match its event's schema; the stream goes on. */
  | { kind: "invalid"; eventType: string; error: StreamFrameError }
  /** The stream was down and is back: events of the gap are lost (Marathon never replays), so re-read state now. */
  | { kind: "reconnected"; failedAttempts: number; downMs: number };

const KNOWN: ReadonlySet<string> = new Set(MARATHON_EVENT_TYPES);
const RECONNECT: RetryPolicy = { retries: Number.POSITIVE_INFINITY, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * Marathon's `/v2/events` as an async iterable: connect (following a non-leader's 302), parse, type, and on any drop
 * reconnect with backoff and say so with a `reconnected` item. Stop it with the signal, `close()`, or `break`.
 *
 * @example
 * for await (const item of marathon.events({ eventTypes: ["deployment_success", "deployment_failed"] })) {
 *   if (item.kind === "reconnected") await resync();
 *   if (item.kind === "event") console.log(item.event.eventType);
 * }
 */
export class MarathonEventStream implements AsyncIterable<EventStreamItem> {
  private readonly controller = new AbortController();
  private current: HttpStream | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly options: EventStreamOptions = {},
  ) {
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    if (options.signal?.aborted) this.close();
  }

  /** Ends the stream; a pending iteration finishes. */
  close(): void {
    this.controller.abort();
    this.current?.close();
  }

  [Symbol.asyncIterator](): AsyncIterator<EventStreamItem> {
    return this.run();
  }

  private async *run(): AsyncGenerator<EventStreamItem> {
    const policy = { ...RECONNECT, ...this.options.reconnect };
    const maxAttempts = this.options.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY;
    const signal = this.controller.signal;
    let connected = false;
    let failures = 0;
    let downSince = 0;
    try {
      while (!signal.aborted) {
        try {
          this.current = await this.http.stream({
            method: "GET",
            path: "/v2/events",
            query: { event_type: this.options.eventTypes ?? [], "plan-format": "light" },
            signal,
          });
        } catch (error) {
          if (signal.aborted) return;
          if (error instanceof HttpError && !error.retryable && error.status < 500) throw error;
          failures++;
          if (failures > maxAttempts) throw error;
          downSince ||= Date.now();
          await sleep(backoffDelay(policy, failures), signal, "reconnecting to Marathon's event stream");
          continue;
        }
        if (connected)
          yield { kind: "reconnected", failedAttempts: failures, downMs: Date.now() - downSince };
        connected = true;
        failures = 0;
        yield* this.read(this.current);
        if (signal.aborted) return;
        downSince = Date.now();
        failures = 1;
        await sleep(backoffDelay(policy, failures), signal, "reconnecting to Marathon's event stream");
      }
    } catch (error) {
      if (error instanceof AbortedError && signal.aborted) return;
      throw error;
    } finally {
      this.current?.close();
    }
  }

  private async *read(stream: HttpStream): AsyncGenerator<EventStreamItem> {
    const frames: SseEvent[] = [];
    const parser = new SseParser((frame) => frames.push(frame));
    const idleMs = this.options.idleTimeoutMs ?? 30_000;
    let idle = setTimeout(() => stream.close(), idleMs);
    try {
      for await (const chunk of stream.body) {
        clearTimeout(idle);
        idle = setTimeout(() => stream.close(), idleMs);
        parser.feed(chunk as Buffer);
        while (frames.length > 0) yield toItem(frames.shift() as SseEvent);
      }
    } catch {
      // The connection dropped (or was closed as idle): the caller reconnects.
    } finally {
      clearTimeout(idle);
      stream.close();
    }
  }
}

function toItem(frame: SseEvent): EventStreamItem {
  let data: unknown;
  try {
    data = JSON.parse(frame.data);
  } catch (cause) {
    return {
      kind: "invalid",
      eventType: frame.event,
      error: new StreamFrameError("Marathon event stream", frame.offset, "data is not JSON", { cause }),
    };
  }
  const eventType =
    data && typeof data === "object" && "eventType" in data ? String(data.eventType) : frame.event;
  if (!KNOWN.has(eventType)) return { kind: "unknown", eventType, data };
  const parsed = MarathonEventSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? `/${first.path.join("/")}: ` : "";
    return {
      kind: "invalid",
      eventType,
      error: new StreamFrameError(
        "Marathon event stream",
        frame.offset,
        `${eventType} event does not match its schema (${where}${first?.message ?? "invalid"})`,
      ),
    };
  }
  return { kind: "event", event: parsed.data };
}
