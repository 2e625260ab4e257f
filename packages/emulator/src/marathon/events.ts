import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { JsonObject } from "./json.js";

/** A Marathon event as sent on `/v2/events`: `eventType`, `timestamp` and the event's fields. */
export interface MarathonEvent extends JsonObject {
  eventType: string;
  timestamp: string;
}

/**
 * The event bus of one emulator. `on("event", listener)` sees every event (the SSE stream sends the same ones), so
 * tests can wait for conditions without sleeping.
 */
export class EventBus extends EventEmitter<{ event: [MarathonEvent] }> {
  /** Every event published so far (bounded: the last 10 000). */
  readonly history: MarathonEvent[] = [];

  publish(event: MarathonEvent): void {
    this.history.push(event);
    if (this.history.length > 10_000) this.history.shift();
    this.emit("event", event);
  }
}

interface Subscriber {
  res: ServerResponse;
  types: Set<string>;
  heartbeat: NodeJS.Timeout;
  remoteAddress: string;
}

/**
 * Serves `GET /v2/events` like Marathon's `EventSourceServlet`: frames `event: <type>\ndata: <json>\n\n`, a bare line
 * break as heart-beat, server-side `event_type` filters, `event_stream_attached` first.
 */
export class EventStreamHub {
  private readonly subscribers = new Set<Subscriber>();

  constructor(
    private readonly bus: EventBus,
    private readonly heartbeatMs: number,
  ) {
    bus.on("event", (event) => this.broadcast(event));
  }

  /** Number of attached clients. */
  get size(): number {
    return this.subscribers.size;
  }

  attach(
    req: IncomingMessage,
    res: ServerResponse,
    eventTypes: readonly string[],
    headers: Record<string, string>,
  ): void {
    res.writeHead(200, {
      ...headers,
      "content-type": "text/event-stream;charset=utf-8",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.flushHeaders();
    const remoteAddress = req.socket.remoteAddress ?? "unknown";
    const subscriber: Subscriber = {
      res,
      types: new Set(eventTypes),
      remoteAddress,
      heartbeat: setInterval(() => {
        if (!res.writableEnded && !res.destroyed) res.write("\n");
      }, this.heartbeatMs),
    };
    this.subscribers.add(subscriber);
    const detach = () => {
      if (!this.subscribers.delete(subscriber)) return;
      clearInterval(subscriber.heartbeat);
      this.bus.publish({
        remoteAddress,
        eventType: "event_stream_detached",
        timestamp: new Date().toISOString(),
      });
    };
    res.on("close", detach);
    req.on("close", detach);
    this.bus.publish({
      remoteAddress,
      eventType: "event_stream_attached",
      timestamp: new Date().toISOString(),
    });
  }

  /** Ends every stream (a leader that abdicates closes its streams). */
  closeAll(): void {
    for (const subscriber of [...this.subscribers]) {
      clearInterval(subscriber.heartbeat);
      this.subscribers.delete(subscriber);
      subscriber.res.end();
    }
  }

  private broadcast(event: MarathonEvent): void {
    if (this.subscribers.size === 0) return;
    const frame = `event: ${event.eventType}\ndata: ${JSON.stringify(event)}\n\n`;
    for (const subscriber of this.subscribers) {
      if (subscriber.types.size > 0 && !subscriber.types.has(event.eventType)) continue;
      if (subscriber.res.writableEnded || subscriber.res.destroyed) continue;
      subscriber.res.write(frame);
    }
  }
}
