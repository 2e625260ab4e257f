import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { encodeRecordIO } from "@bsaas/sdk/mesos";
import type { MesosObject } from "./json.js";
import type { CallAnswer, MesosMaster } from "./master.js";
import type { EventSink } from "./state.js";
import * as views from "./views.js";

const JSON_TYPE = "application/json";
const PROTOBUF_TYPE = "application/x-protobuf";
const RECORDIO_TYPE = "application/recordio";

/**
 * A RecordIO event stream on an HTTP response. Each record goes out with its own `res.write`, and records to one
 * stream are spaced (at least `gapMs`, on separate turns of the event loop) instead of being burst in one tick:
 * some clients (the npm `mesos-framework` package) assume a `data` chunk holds at most one record, and real Mesos
 * streams are spaced like that too.
 */
export class RecordIOSink implements EventSink {
  readonly kind = "http" as const;
  private readonly queue: Buffer[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastWrite = 0;
  private ending = false;
  private readonly closeListeners: (() => void)[] = [];
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly gapMs: number,
    private readonly onRecord?: (json: string) => void,
  ) {
    res.on("close", () => this.finish());
  }

  send(event: MesosObject): void {
    if (this.closed || this.ending) return;
    const json = views.stringify(event);
    this.onRecord?.(json);
    this.queue.push(encodeRecordIO(json));
    this.pump();
  }

  private pump(): void {
    if (this.timer || this.closed) return;
    const wait = Math.max(0, this.lastWrite + this.gapMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed) return;
      const record = this.queue.shift();
      if (record) {
        this.res.write(record);
        this.lastWrite = Date.now();
      }
      if (this.queue.length > 0) this.pump();
      else if (this.ending) this.res.end();
    }, wait);
  }

  /** Ends the stream once what was queued is written. */
  close(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    if (this.queue.length === 0 && !this.timer) this.res.end();
    // The response's `close` event runs finish().
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }
}

/** A body the master sent: a response, or one record of an event stream. */
export interface RecordedMesosBody {
  /** The request path (`/api/v1/scheduler`, `/master/state`...). */
  path: string;
  kind: "response" | "event";
  status: number;
  contentType: string | undefined;
  body: string;
}

/** Options of {@link mesosHttpHandler}. */
export interface MesosHttpOptions {
  /** Minimum time between two records of one stream (default 1 ms; see {@link RecordIOSink}). */
  recordGapMs?: number;
  /** Sees every body the master sends (responses and stream records), e.g. for contract tests. */
  onBody?: (body: RecordedMesosBody) => void;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendAnswer(res: ServerResponse, answer: CallAnswer, head = false): void {
  const headers: Record<string, string> = {};
  if (answer.body !== undefined) {
    headers["Content-Type"] = answer.contentType ?? "text/plain; charset=utf-8";
    headers["Content-Length"] = String(Buffer.byteLength(answer.body));
  } else headers["Content-Length"] = "0";
  res.writeHead(answer.status, headers);
  res.end(head ? undefined : answer.body);
}

/** The media type of a header value, without parameters, lower-cased (`application/json; charset=utf-8` → `application/json`). */
function mediaType(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value.split(";")[0]?.trim().toLowerCase();
}

/** Whether an `Accept` header (absent = anything) allows `type`. */
export function accepts(header: string | undefined, type: string): boolean {
  if (header === undefined || header.trim() === "") return true;
  const [major] = type.split("/");
  for (const part of header.split(",")) {
    const [range = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith("q="));
    if (q !== undefined && Number(q.slice(2)) <= 0) continue;
    if (range === "*/*" || range === type || range === `${major}/*`) return true;
  }
  return false;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/**
 * How a streaming response is encoded: plain JSON records (`Content-Type: application/json`), or
 * `application/recordio` with `Message-Content-Type: application/json` when the client asked for that; undefined → 406.
 */
function streamContentType(req: IncomingMessage): Record<string, string> | undefined {
  const accept = header(req, "accept");
  if (accepts(accept, JSON_TYPE)) return { "Content-Type": JSON_TYPE };
  if (accepts(accept, RECORDIO_TYPE) && accepts(header(req, "message-accept"), JSON_TYPE)) {
    return { "Content-Type": RECORDIO_TYPE, "Message-Content-Type": JSON_TYPE };
  }
  return undefined;
}

const NOT_ACCEPTABLE = `Expecting 'Accept' to allow '${PROTOBUF_TYPE}' or '${JSON_TYPE}'`;

/** Parses a v1 call body: 400 (no Content-Type, bad JSON), 415 (not JSON), else the JSON value. */
function parseCall(req: IncomingMessage, body: Buffer): { json: unknown } | CallAnswer {
  const contentType = mediaType(header(req, "content-type"));
  if (contentType === undefined) return { status: 400, body: "Expecting 'Content-Type' to be present" };
  if (contentType !== JSON_TYPE) {
    return {
      status: 415,
      body:
        contentType === PROTOBUF_TYPE
          ? `The emulated master only decodes '${JSON_TYPE}' bodies; '${PROTOBUF_TYPE}' is not supported`
          : `Expecting 'Content-Type' of ${JSON_TYPE} or ${PROTOBUF_TYPE}`,
    };
  }
  try {
    return { json: JSON.parse(body.toString("utf8")) as unknown };
  } catch (error) {
    return {
      status: 400,
      body: `Failed to parse body into JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function startStream(
  res: ServerResponse,
  headers: Record<string, string>,
  gapMs: number,
  onRecord?: (json: string) => void,
): RecordIOSink {
  res.writeHead(200, { ...headers, "Cache-Control": "no-cache" });
  res.flushHeaders();
  res.socket?.setNoDelay(true);
  return new RecordIOSink(res, gapMs, onRecord);
}

/**
 * The master's HTTP routes: `POST /api/v1/scheduler`, `POST /api/v1` (operator), legacy `GET /master/state`
 * (`/state`, `/master/state.json`), `/master/state-summary`, `/master/redirect`, `/version`, `/health`. A master that
 * does not lead answers 307 to the leader (`Location: //host:port/path`) or 503 when no leader is known.
 */
export function mesosHttpHandler(master: MesosMaster, options: MesosHttpOptions = {}) {
  const gapMs = options.recordGapMs ?? 1;
  const onBody = options.onBody;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname.replace(/\/+$/, "") || "/";
    const method = req.method ?? "GET";
    const body = await readBody(req);
    const reply = (answer: CallAnswer, head = false): void => {
      if (answer.body !== undefined) {
        onBody?.({
          path,
          kind: "response",
          status: answer.status,
          contentType: answer.contentType ?? "text/plain; charset=utf-8",
          body: answer.body,
        });
      }
      sendAnswer(res, answer, head);
    };
    const eventRecorder = (contentType: string) =>
      onBody
        ? (json: string) => onBody({ path, kind: "event", status: 200, contentType, body: json })
        : undefined;

    const redirect = (base: boolean): void => {
      const leader = master.leaderInfo;
      if (!leader) {
        reply({ status: 503, body: "No leader elected" });
        return;
      }
      const hostname = typeof leader.hostname === "string" ? leader.hostname : "";
      const location = `//${hostname}:${String(leader.port)}${base ? "" : `${url.pathname}${url.search}`}`;
      res.writeHead(307, { Location: location, "Content-Length": "0" });
      res.end();
    };

    switch (path) {
      case "/health":
      case "/master/health":
        reply({ status: 200 });
        return;
      case "/version":
        reply(json(views.legacyVersion(master)), method === "HEAD");
        return;
      case "/redirect":
      case "/master/redirect":
        redirect(true);
        return;
      default:
        break;
    }
    const legacy: Record<string, (() => MesosObject) | undefined> = {
      "/state": () => views.legacyState(master),
      "/state.json": () => views.legacyState(master),
      "/master/state": () => views.legacyState(master),
      "/master/state.json": () => views.legacyState(master),
      "/state-summary": () => views.legacyStateSummary(master),
      "/master/state-summary": () => views.legacyStateSummary(master),
    };
    const legacyView = legacy[path];
    if (legacyView) {
      if (!master.elected) return redirect(false);
      if (method !== "GET" && method !== "HEAD") {
        methodNotAllowed(res, ["GET"], method);
        return;
      }
      const jsonp = url.searchParams.get("jsonp");
      const text = views.stringify(legacyView());
      if (jsonp) reply({ status: 200, body: `${jsonp}(${text});`, contentType: "text/javascript" });
      else reply({ status: 200, body: text, contentType: JSON_TYPE }, method === "HEAD");
      return;
    }
    if (path === "/api/v1/scheduler") {
      if (!master.elected) return redirect(false);
      if (method !== "POST") return methodNotAllowed(res, ["POST"], method);
      const parsed = parseCall(req, body);
      if (!("json" in parsed)) return reply(parsed);
      const valid = master.validateSchedulerCall(parsed.json);
      if (!("call" in valid)) return reply(valid);
      const streamId = header(req, "mesos-stream-id");
      if (valid.type === "SUBSCRIBE") {
        const headers = streamContentType(req);
        if (!headers) return reply({ status: 406, body: NOT_ACCEPTABLE });
        if (streamId !== undefined) {
          return reply({
            status: 400,
            body: "Subscribe calls should not include the 'Mesos-Stream-Id' header",
          });
        }
        // The stream id goes in the response headers, so it is chosen before SUBSCRIBED is written.
        const id = randomUUID();
        master.subscribe(
          valid,
          startStream(res, { ...headers, "Mesos-Stream-Id": id }, gapMs, eventRecorder(JSON_TYPE)),
          id,
        );
        return;
      }
      reply(master.schedulerCall(valid, streamId));
      return;
    }
    if (path === "/api/v1") {
      if (!master.elected) return redirect(false);
      if (method !== "POST") return methodNotAllowed(res, ["POST"], method);
      const parsed = parseCall(req, body);
      if (!("json" in parsed)) return reply(parsed);
      const valid = master.validateOperatorCall(parsed.json);
      if (!("call" in valid)) return reply(valid);
      if (valid.type === "SUBSCRIBE") {
        const headers = streamContentType(req);
        if (!headers) return reply({ status: 406, body: NOT_ACCEPTABLE });
        master.subscribeOperator(startStream(res, headers, gapMs, eventRecorder(JSON_TYPE)));
        return;
      }
      if (!accepts(header(req, "accept"), JSON_TYPE)) return reply({ status: 406, body: NOT_ACCEPTABLE });
      reply(master.operatorCall(valid));
      return;
    }
    reply({ status: 404 });
  };
}

function json(body: MesosObject): CallAnswer {
  return { status: 200, body: views.stringify(body), contentType: JSON_TYPE };
}

function methodNotAllowed(res: ServerResponse, allowed: string[], method: string): void {
  const body = `Expecting one of { ${allowed.map((m) => `'${m}'`).join(", ")} }, but received '${method}'`;
  res.writeHead(405, {
    Allow: allowed.join(", "),
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}
