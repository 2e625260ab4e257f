// The client against a scripted Marathon on loopback: error mapping, request checks, the event stream's framing and
// reconnects, and the waiters' fallbacks. The emulator integration tests cover the happy paths end to end.
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { json, type SeenRequest, serve, type TestServer } from "../../test/support/http-server.js";
import { RequestValidationError } from "../http/errors.js";
import { MarathonClient } from "./client.js";
import { DeploymentLockedError, MarathonNotFoundError, MarathonValidationError } from "./errors.js";
import type { EventStreamItem } from "./events.js";
import { waitForDeployment } from "./waiters.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function marathon(handler: (req: SeenRequest, res: ServerResponse) => void) {
  const s = await serve(handler);
  servers.push(s);
  return {
    server: s,
    client: new MarathonClient({ url: s.url, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }),
  };
}

const lock = {
  message:
    "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/d-1'.",
  deployments: [{ id: "d-1" }, { id: "d-2" }],
};

describe("MarathonClient errors", () => {
  it("turns a 409 with deployments into DeploymentLockedError naming them, and force resolves it", async () => {
    const { server, client } = await marathon((req, res) =>
      req.url.includes("force=true")
        ? json(res, 200, { deploymentId: "d-3", version: "2026-01-01T00:00:00.000Z" })
        : json(res, 409, lock),
    );
    const error = await client.scaleApp("/bsaas/local/executors", 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentLockedError);
    expect((error as DeploymentLockedError).deploymentIds).toEqual(["d-1", "d-2"]);
    expect((error as DeploymentLockedError).message).toContain("locked by deployments d-1, d-2");
    expect((error as DeploymentLockedError).hint).toContain("force");
    expect(await client.scaleApp("/bsaas/local/executors", 2, { force: true })).toEqual({
      deploymentId: "d-3",
      version: "2026-01-01T00:00:00.000Z",
    });
    expect(server.requests.map((r) => `${r.method} ${r.url} ${r.body}`)).toEqual([
      'PATCH /v2/apps/bsaas/local/executors {"instances":2}',
      'PATCH /v2/apps/bsaas/local/executors?force=true {"instances":2}',
    ]);
  });

  it("maps 404 and 422 (with Marathon's details)", async () => {
    const { client } = await marathon((req, res) =>
      req.method === "GET"
        ? json(res, 404, { message: "App '/nope' does not exist" })
        : json(res, 422, {
            message: "Object is not valid",
            details: [{ path: "/cmd", errors: ["must be given with args or container"] }],
          }),
    );
    const missing = await client.getApp("/nope").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MarathonNotFoundError);
    expect((missing as Error).message).toContain("404 App '/nope' does not exist");
    const invalid = (await client
      .createApp({ id: "/x", instances: 1 })
      .catch((e: unknown) => e)) as MarathonValidationError;
    expect(invalid).toBeInstanceOf(MarathonValidationError);
    expect(invalid.details).toEqual([{ path: "/cmd", errors: ["must be given with args or container"] }]);
  });

  it("checks app definitions before sending them", async () => {
    const { server, client } = await marathon((_req, res) => json(res, 201, {}));
    const error = await client.createApp({ id: "/Bad Id!", instances: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect(server.requests).toHaveLength(0);
  });

  it("returns undefined for the leader while there is none", async () => {
    const { client } = await marathon((_req, res) => json(res, 404, { message: "There is no leader" }));
    expect(await client.leader()).toBeUndefined();
  });
});

function sse(res: ServerResponse, frames: string[], end = true) {
  res.writeHead(200, { "content-type": "text/event-stream" });
  res.flushHeaders();
  for (const f of frames) res.write(f);
  if (end) res.end();
}
const frame = (type: string, data: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ eventType: type, timestamp: "2026-11-24T10:00:00.000Z", ...data })}\n\n`;

describe("MarathonClient.events", () => {
  it("yields typed events, flags invalid and unknown frames, and says when it reconnected", async () => {
    let connections = 0;
    const { server, client } = await marathon((_req, res) => {
      connections++;
      if (connections === 1) {
        sse(res, [
          frame("event_stream_attached", { remoteAddress: "127.0.0.1" }),
          "event: deployment_success\ndata: {not json\n\n",
          frame("some_future_event", { x: 1 }),
        ]);
      } else sse(res, [frame("deployment_success", { id: "d-9" })], false);
    });
    const items: EventStreamItem[] = [];
    const stream = client.events({
      eventTypes: ["deployment_success"],
      reconnect: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    for await (const item of stream) {
      items.push(item);
      if (items.length === 5) break;
    }
    expect(items.map((i) => i.kind)).toEqual(["event", "invalid", "unknown", "reconnected", "event"]);
    const invalid = items[1] as Extract<EventStreamItem, { kind: "invalid" }>;
    expect(invalid.error.offset).toBe(frame("event_stream_attached", { remoteAddress: "127.0.0.1" }).length);
    expect(invalid.error.message).toContain("data is not JSON");
    expect((items[4] as Extract<EventStreamItem, { kind: "event" }>).event).toMatchObject({
      eventType: "deployment_success",
      id: "d-9",
    });
    expect(server.requests[0]?.url).toBe("/v2/events?event_type=deployment_success&plan-format=light");
    expect(server.requests[0]?.headers.accept).toBe("text/event-stream");
  });

  it("reconnects when the stream goes silent past the idle timeout", async () => {
    let connections = 0;
    const { client } = await marathon((_req, res) => {
      connections++;
      sse(res, connections === 1 ? [] : [frame("deployment_success", { id: "d-1" })], false);
    });
    const kinds: string[] = [];
    for await (const item of client.events({
      idleTimeoutMs: 100,
      reconnect: { baseDelayMs: 1, maxDelayMs: 2 },
    })) {
      kinds.push(item.kind);
      if (item.kind === "event") break;
    }
    expect(kinds).toEqual(["reconnected", "event"]);
  });

  it("ends without error when closed", async () => {
    const { client } = await marathon((_req, res) => sse(res, [frame("event_stream_attached", {})], false));
    const stream = client.events();
    const seen: string[] = [];
    for await (const item of stream) {
      seen.push(item.kind);
      stream.close();
    }
    expect(seen).toEqual(["event"]);
  });
});

describe("waitForDeployment", () => {
  it("reports the failed step and its apps from the events", async () => {
    const { client } = await marathon((req, res) => {
      if (req.url.startsWith("/v2/events")) {
        sse(
          res,
          [
            frame("event_stream_attached", {}),
            frame("deployment_step_failure", {
              plan: {
                id: "d-1",
                steps: [{ actions: [{ action: "StartApplication", app: "/a" }] }],
                version: "v",
              },
              currentStep: { actions: [{ action: "StartApplication", app: "/a" }] },
            }),
            frame("deployment_failed", { id: "d-1" }),
          ],
          false,
        );
      } else
        json(res, 200, [
          {
            id: "d-1",
            version: "v",
            affectedApps: ["/a"],
            steps: [],
            currentActions: [],
            currentStep: 1,
            totalSteps: 1,
          },
        ]);
    });
    const result = await waitForDeployment(client, "d-1", { timeoutMs: 10_000, pollIntervalMs: 5_000 });
    expect(result).toMatchObject({
      outcome: "failed",
      failedStep: [{ action: "StartApplication", app: "/a" }],
      failedApps: ["/a"],
    });
  });

  it("falls back to polling when events never come, and times out with what is in flight", async () => {
    let polls = 0;
    const inFlight = {
      id: "d-2",
      version: "v",
      affectedApps: ["/b"],
      steps: [],
      currentActions: [{ action: "ScaleApplication", app: "/b" }],
      currentStep: 1,
      totalSteps: 1,
    };
    const { client } = await marathon((req, res) => {
      if (req.url.startsWith("/v2/events")) return json(res, 503, { message: "events unavailable" });
      polls++;
      json(res, 200, req.url && polls < 3 ? [inFlight] : []);
    });
    expect(await waitForDeployment(client, "d-2", { timeoutMs: 10_000, pollIntervalMs: 10 })).toMatchObject({
      outcome: "succeeded",
      observedBy: "polling",
    });
    polls = -1_000_000;
    const timedOut = await waitForDeployment(client, "d-2", { timeoutMs: 200, pollIntervalMs: 10 });
    expect(timedOut).toMatchObject({
      outcome: "timeout",
      inFlight: { id: "d-2", currentActions: [{ app: "/b" }] },
    });
  });
});
