import { request } from "node:http";
import type { MarathonEmulator } from "./emulator.js";

/** A parsed HTTP answer (test helper). */
export interface Answer<T> {
  status: number;
  headers: Headers;
  /** The JSON body, typed by the caller (unchecked). */
  body: T;
  text: string;
}

/** Calls an emulator and parses the JSON answer; the caller names the body type it expects (test helper). */
export async function call<T = unknown>(
  emulator: MarathonEmulator | string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const base = typeof emulator === "string" ? emulator : emulator.url;
  const init: RequestInit = {
    method,
    headers: { "content-type": "application/json", ...headers },
    redirect: "manual",
  };
  if (body !== undefined) init.body = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Body types of the answers the tests read. */
export interface TaskJson {
  id: string;
  appId: string;
  host: string;
  state: string;
  ports: number[];
  servicePorts: number[];
  slaveId: string;
  stagedAt: string;
  startedAt?: string;
  version: string;
  ipAddresses: { ipAddress: string; protocol: string }[];
  healthCheckResults: { alive: boolean; consecutiveFailures: number; instanceId: string }[];
}

export interface AppJson {
  id: string;
  instances: number;
  version: string;
  versionInfo: { lastScalingAt: string; lastConfigChangeAt: string };
  portDefinitions?: { port: number; name?: string; protocol: string }[];
  tasksStaged?: number;
  tasksRunning?: number;
  tasksHealthy?: number;
  tasksUnhealthy?: number;
  deployments?: { id: string }[];
  tasks?: TaskJson[];
  lastTaskFailure?: { taskId: string; state: string; message: string };
  [key: string]: unknown;
}

export interface DeploymentJson {
  id: string;
  version: string;
  affectedApps: string[];
  steps: { actions: { action: string; app: string }[] }[];
  currentActions: { action: string; app: string }[];
  currentStep: number;
  totalSteps: number;
}

export interface DeploymentResultJson {
  deploymentId: string;
  version: string;
}

export interface ErrorJson {
  message: string;
  details?: { path: string; errors: string[] }[];
  deployments?: { id: string }[];
}

/** One SSE frame: `event:` name and parsed `data:` JSON. */
export interface SseFrame {
  event: string;
  data: Record<string, unknown>;
}

/** A live `/v2/events` connection for tests: raw text, parsed frames, status, and a way to wait. */
export interface EventStreamReader {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  readonly raw: string;
  readonly frames: SseFrame[];
  waitFor(predicate: (frames: SseFrame[], raw: string) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** Opens `/v2/events` with Node's http client (test helper). */
export function openEventStream(
  url: string,
  headers: Record<string, string> = { accept: "text/event-stream" },
): Promise<EventStreamReader> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let raw = "";
      const frames: SseFrame[] = [];
      let pending = "";
      const waiters = new Set<() => void>();
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        raw += chunk;
        pending += chunk;
        let end = pending.indexOf("\n\n");
        while (end >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event !== undefined && data !== undefined) {
            frames.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
          end = pending.indexOf("\n\n");
        }
        while (pending.startsWith("\n")) pending = pending.slice(1);
        for (const waiter of waiters) waiter();
      });
      res.on("error", () => {});
      const ended = new Promise<void>((done) => res.on("close", () => done()));
      const reader: EventStreamReader = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        get raw() {
          return raw;
        },
        frames,
        ended,
        waitFor(predicate, timeoutMs = 10_000) {
          return new Promise<void>((done, fail) => {
            const check = () => {
              if (!predicate(frames, raw)) return;
              clearTimeout(timer);
              waiters.delete(check);
              done();
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`timed out; got ${JSON.stringify(raw.slice(0, 2000))}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close() {
          req.destroy();
        },
      };
      resolve(reader);
    });
    req.on("error", reject);
    req.end();
  });
}
