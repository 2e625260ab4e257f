import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { connect } from "node:net";
import type { TaskRunner } from "../agents/runner.js";
import { type JsonObject, num, obj, str } from "./json.js";

/** A health check of an app, resolved for one task. */
export interface ResolvedHealthCheck {
  protocol: string;
  path: string;
  /** Host port to probe (undefined for COMMAND checks, or when the port index is out of range). */
  port: number | undefined;
  command: string | undefined;
  gracePeriodMs: number;
  intervalMs: number;
  timeoutMs: number;
  maxConsecutiveFailures: number;
  ignoreHttp1xx: boolean;
}

/** Resolves a health check definition against a task's host ports, scaling its times by `timeScale`. */
export function resolveHealthCheck(
  hc: JsonObject,
  ports: readonly number[],
  timeScale: number,
): ResolvedHealthCheck {
  const portIndex = num(hc, "portIndex");
  const port = num(hc, "port") ?? (portIndex === undefined ? undefined : ports[portIndex]);
  const seconds = (key: string, fallback: number) => (num(hc, key) ?? fallback) * 1000 * timeScale;
  return {
    protocol: str(hc, "protocol") ?? "HTTP",
    path: str(hc, "path") ?? "/",
    port,
    command: str(obj(hc, "command") ?? {}, "value"),
    gracePeriodMs: seconds("gracePeriodSeconds", 300),
    intervalMs: Math.max(5, seconds("intervalSeconds", 60)),
    timeoutMs: Math.max(5, seconds("timeoutSeconds", 20)),
    maxConsecutiveFailures: num(hc, "maxConsecutiveFailures") ?? 3,
    ignoreHttp1xx: hc.ignoreHttp1xx === true,
  };
}

/** The outcome of one probe. */
export interface ProbeResult {
  ok: boolean;
  cause?: string;
}

function httpProbe(secure: boolean, address: string, check: ResolvedHealthCheck): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const request = secure ? httpsRequest : httpRequest;
    let settled = false;
    const done = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = request(
      {
        host: address,
        port: check.port,
        path: check.path,
        method: "GET",
        timeout: check.timeoutMs,
        rejectUnauthorized: false,
        headers: { "user-agent": "Marathon-emulator health check" },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 400) done({ ok: true });
        else done({ ok: false, cause: `${status} ${res.statusMessage ?? ""}`.trim() });
      },
    );
    req.on("timeout", () => {
      req.destroy();
      done({ ok: false, cause: `health check timed out after ${check.timeoutMs} ms` });
    });
    req.on("error", (error) => done({ ok: false, cause: error.message }));
    req.end();
  });
}

function tcpProbe(address: string, check: ResolvedHealthCheck): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: check.port ?? 0 });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ ok: false, cause: `connection timed out after ${check.timeoutMs} ms` });
    }, check.timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ ok: true });
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      resolve({ ok: false, cause: error.message });
    });
  });
}

/** Runs one probe of a health check against a task (HTTP(S)/MESOS_HTTP(S): GET, 200–399; TCP: connect; COMMAND). */
export async function probe(
  check: ResolvedHealthCheck,
  address: string,
  runner: TaskRunner,
  taskId: string,
): Promise<ProbeResult> {
  switch (check.protocol) {
    case "COMMAND": {
      if (!runner.runCommandCheck || check.command === undefined) {
        return { ok: false, cause: "command checks are not supported by this runner" };
      }
      return runner.runCommandCheck(taskId, check.command, check.timeoutMs);
    }
    case "TCP":
    case "MESOS_TCP":
      if (check.port === undefined) return { ok: false, cause: "no port to check" };
      return tcpProbe(address, check);
    case "HTTPS":
    case "MESOS_HTTPS":
      if (check.port === undefined) return { ok: false, cause: "no port to check" };
      return httpProbe(true, address, check);
    default:
      if (check.port === undefined) return { ok: false, cause: "no port to check" };
      return httpProbe(false, address, check);
  }
}
