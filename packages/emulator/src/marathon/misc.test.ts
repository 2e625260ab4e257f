import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, type MarathonEmulatorOptions, startMarathonEmulator } from "./emulator.js";
import { call, type DeploymentResultJson, type ErrorJson, type TaskJson } from "./test-helpers.js";

const emulators: MarathonEmulator[] = [];

async function start(options: MarathonEmulatorOptions = {}): Promise<MarathonEmulator> {
  const emulator = await startMarathonEmulator({
    ...options,
    timing: { taskStepDelayMs: 5, ...options.timing },
  });
  emulators.push(emulator);
  return emulator;
}

afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

const app = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  cmd: "sleep 1000",
  cpus: 0.1,
  mem: 16,
  ...extra,
});

describe("info, leader, ping", () => {
  it("answers /v2/info, /v2/leader and /ping", async () => {
    const marathon = await start();
    const hostPort = `127.0.0.1:${marathon.port}`;
    const info = await call<Record<string, unknown>>(marathon, "GET", "/v2/info");
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({
      name: "marathon",
      version: "1.11.24",
      elected: true,
      leader: hostPort,
      frameworkId: expect.stringMatching(/-0000$/),
      marathon_config: { framework_name: "marathon", local_port_min: 10000, local_port_max: 20000 },
      zookeeper_config: { zk: expect.any(String) },
      http_config: { http_port: marathon.port },
    });
    expect((await call(marathon, "GET", "/v2/leader")).body).toEqual({ leader: hostPort });
    const ping = await call(marathon, "GET", "/ping");
    expect(ping.text).toBe("pong");
    expect(ping.headers.get("content-type")).toMatch(/^text\/plain/);
  });
});

describe("auth", () => {
  it("basic: 401 without or with wrong credentials, 200 with them; /ping stays open", async () => {
    const marathon = await start({ auth: { type: "basic", username: "ops", password: "s3cret" } });
    const none = await call<ErrorJson>(marathon, "GET", "/v2/apps");
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ message: "Invalid username or password." });
    expect(none.headers.get("www-authenticate")).toMatch(/^Basic /);
    const wrong = await call(marathon, "GET", "/v2/apps", undefined, {
      authorization: `Basic ${Buffer.from("ops:nope").toString("base64")}`,
    });
    expect(wrong.status).toBe(401);
    const right = await call(marathon, "GET", "/v2/apps", undefined, {
      authorization: `Basic ${Buffer.from("ops:s3cret").toString("base64")}`,
    });
    expect(right.status).toBe(200);
    expect((await call(marathon, "GET", "/ping")).status).toBe(200);
    expect(
      (await call(marathon, "GET", "/v2/events", undefined, { accept: "text/event-stream" })).status,
    ).toBe(401);
  });

  it("token: accepts `token=<t>` and `Bearer <t>`", async () => {
    const marathon = await start({ auth: { type: "token", token: "jwt-123" } });
    expect((await call(marathon, "GET", "/v2/info")).status).toBe(401);
    expect(
      (await call(marathon, "GET", "/v2/info", undefined, { authorization: "token=jwt-123" })).status,
    ).toBe(200);
    expect(
      (await call(marathon, "GET", "/v2/info", undefined, { authorization: "Bearer jwt-123" })).status,
    ).toBe(200);
    const wrong = await call<ErrorJson>(marathon, "GET", "/v2/info", undefined, {
      authorization: "Bearer jwt-999",
    });
    expect(wrong.status).toBe(401);
    expect(typeof wrong.body.message).toBe("string");
  });
});

describe("leader handling", () => {
  it("a follower proxies requests to the leader (X-Marathon-Via) and redirects /v2/events with 302", async () => {
    const leader = await start();
    const follower = await start({ leaderUrl: leader.url });
    const created = await call<{ id: string }>(follower, "POST", "/v2/apps", app("/via"));
    expect(created.status).toBe(201);
    expect(created.headers.get("x-marathon-via")).toBe(`1.1 127.0.0.1:${follower.port}`);
    expect(created.headers.get("x-marathon-leader")).toBe(leader.url);
    expect(created.headers.get("marathon-deployment-id")).toBeTruthy();
    expect(leader.stats().byRoute["POST /v2/apps"]).toBe(1);
    const listed = await call<{ apps: { id: string }[] }>(follower, "GET", "/v2/apps?id=via");
    expect(listed.body.apps.map((a) => a.id)).toEqual(["/via"]);
    const info = await call<{ leader: string }>(follower, "GET", "/v2/leader");
    expect(info.body.leader).toBe(`127.0.0.1:${leader.port}`);
    const missing = await call<ErrorJson>(follower, "GET", "/v2/apps/none");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "App '/none' does not exist" });

    const events = await call(
      follower,
      "GET",
      "/v2/events?event_type=deployment_success&plan-format=light",
      undefined,
      {
        accept: "text/event-stream",
      },
    );
    expect(events.status).toBe(302);
    expect(events.headers.get("location")).toBe(
      `${leader.url}/v2/events?event_type=deployment_success&plan-format=light`,
    );
  });

  it("answers 502 when the leader is unreachable, and detects proxy loops", async () => {
    const gone = await start();
    const url = gone.url;
    await gone.close();
    const follower = await start({ leaderUrl: url });
    const res = await call<ErrorJson>(follower, "GET", "/v2/apps");
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ message: "Connection to leader refused." });
    const looped = await call<ErrorJson>(follower, "GET", "/v2/apps", undefined, {
      "x-marathon-via": `1.1 127.0.0.1:${follower.port}`,
    });
    expect(looped.status).toBe(502);
    expect(looped.body).toEqual({ message: "Detected proxying loop." });
  });

  it("failNextRequests makes the next n requests fail with 503 (or 502), then recovers", async () => {
    const marathon = await start();
    marathon.failNextRequests(2);
    const first = await call<ErrorJson>(marathon, "GET", "/v2/apps");
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ message: "Could not determine the current leader" });
    expect((await call(marathon, "POST", "/v2/apps", app("/retry"))).status).toBe(503);
    expect((await call(marathon, "POST", "/v2/apps", app("/retry"))).status).toBe(201);
    marathon.failNextRequests(1, 502);
    expect((await call(marathon, "GET", "/v2/info")).status).toBe(502);
    expect((await call(marathon, "GET", "/v2/info")).status).toBe(200);
  });
});

describe("tasks, queue, pods, stats", () => {
  it("lists tasks with status filters and as text/plain", async () => {
    const marathon = await start();
    await call(marathon, "POST", "/v2/apps", app("/t", { instances: 2 }));
    await call(marathon, "POST", "/v2/apps", app("/waits", { cpus: 100 }));
    await marathon.waitForEvent("deployment_success", undefined, { includePast: true });
    const all = await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/tasks");
    expect(all.body.tasks).toHaveLength(2);
    const running = await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/tasks?status=running");
    expect(running.body.tasks.every((t) => t.state === "TASK_RUNNING")).toBe(true);
    expect(running.body.tasks).toHaveLength(2);
    expect(
      (await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/tasks?status[]=staging")).body.tasks,
    ).toEqual([]);
    const text = await call(marathon, "GET", "/v2/tasks", undefined, { accept: "text/plain" });
    const [line] = text.text.trim().split("\n");
    const fields = line?.split("\t") ?? [];
    expect(fields[0]).toBe("t");
    expect(fields[1]).toBe("10000");
    expect(fields.slice(2)).toHaveLength(2);
    for (const hostPort of fields.slice(2)) expect(hostPort).toMatch(/^agent-\d:\d+$/);
  });

  it("shows what waits in the queue and why, and resets launch delays", async () => {
    const marathon = await start({
      agents: [
        { cpus: 1, attributes: { site: "a" } },
        { cpus: 1, attributes: { site: "b" } },
      ],
    });
    await call(marathon, "POST", "/v2/apps", app("/big", { cpus: 2 }));
    await call(marathon, "POST", "/v2/apps", app("/pinned", { constraints: [["site", "IS", "c"]] }));
    await marathon.waitFor(async () => {
      const q = await call<{ queue: { app: { id: string } }[] }>(marathon, "GET", "/v2/queue");
      return q.body.queue.length === 2;
    });
    const queue = await call<{ queue: Record<string, unknown>[] }>(
      marathon,
      "GET",
      "/v2/queue?embed=lastUnusedOffers",
    );
    const big = queue.body.queue.find((q) => (q.app as { id: string }).id === "/big");
    expect(big).toMatchObject({
      count: 1,
      role: "*",
      delay: { timeLeftSeconds: 0, overdue: true },
      since: expect.any(String),
      processedOffersSummary: {
        processedOffersCount: expect.any(Number),
        unusedOffersCount: expect.any(Number),
        lastUnusedOfferAt: expect.any(String),
      },
    });
    const summary = big?.processedOffersSummary as {
      rejectSummaryLastOffers: { reason: string; declined: number; processed: number }[];
      rejectSummaryLaunchAttempt: { reason: string; declined: number }[];
    };
    expect(summary.rejectSummaryLastOffers.find((r) => r.reason === "InsufficientCpus")).toEqual({
      reason: "InsufficientCpus",
      declined: 2,
      processed: 2,
    });
    expect(summary.rejectSummaryLaunchAttempt.map((r) => r.reason)[0]).toBe("UnfulfilledRole");
    expect(big?.lastUnusedOffers).toHaveLength(2);
    const pinned = queue.body.queue.find((q) => (q.app as { id: string }).id === "/pinned");
    const pinnedSummary = pinned?.processedOffersSummary as typeof summary;
    expect(
      pinnedSummary.rejectSummaryLastOffers.find((r) => r.reason === "UnfulfilledConstraint")?.declined,
    ).toBe(2);

    // Scaling the big app down lets it leave the queue.
    await call(marathon, "PUT", "/v2/apps/big?force=true", { cpus: 1 });
    await marathon.waitFor(async () => {
      const q = await call<{ queue: { app: { id: string } }[] }>(marathon, "GET", "/v2/queue");
      return q.body.queue.every((item) => item.app.id !== "/big");
    });

    expect((await call(marathon, "DELETE", "/v2/queue/pinned/delay")).status).toBe(204);
    const notQueued = await call<ErrorJson>(marathon, "DELETE", "/v2/queue/big/delay");
    expect(notQueued.status).toBe(404);
    expect(notQueued.body).toEqual({ message: "Application /big not found in tasks queue." });
  });

  it("backs off relaunches of failing tasks and shows the delay in the queue", async () => {
    const marathon = await start({ timing: { backoffScale: 1 } });
    await call(marathon, "POST", "/v2/apps", app("/crash", { backoffSeconds: 60 }));
    await marathon.waitForDeployments();
    const [taskId] = marathon.taskIds("/crash");
    if (!taskId) throw new Error("no task");
    marathon.failTask(taskId);
    await marathon.waitFor(async () => {
      const q = await call<{ queue: { delay: { timeLeftSeconds: number; overdue: boolean } }[] }>(
        marathon,
        "GET",
        "/v2/queue",
      );
      return q.body.queue[0]?.delay.overdue === false;
    });
    const q = await call<{ queue: { count: number; delay: { timeLeftSeconds: number } }[] }>(
      marathon,
      "GET",
      "/v2/queue",
    );
    expect(q.body.queue[0]?.count).toBe(1);
    expect(q.body.queue[0]?.delay.timeLeftSeconds).toBeGreaterThan(50);
    expect((await call(marathon, "DELETE", "/v2/queue/crash/delay")).status).toBe(204);
    await marathon.waitFor(async () => {
      const tasks = await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/apps/crash/tasks");
      return tasks.body.tasks.some((t) => t.state === "TASK_RUNNING");
    });
  });

  it("pods are read-only: empty lists, 404 for ids, no pod support for writes", async () => {
    const marathon = await start();
    expect((await call(marathon, "GET", "/v2/pods")).body).toEqual([]);
    expect((await call(marathon, "GET", "/v2/pods/::status")).body).toEqual([]);
    expect((await call<ErrorJson>(marathon, "GET", "/v2/pods/web::status")).body).toEqual({
      message: "Pod '/web' does not exist",
    });
    expect((await call(marathon, "HEAD", "/v2/pods")).status).toBe(404);
    const post = await call<ErrorJson>(marathon, "POST", "/v2/pods", { id: "/p", containers: [] });
    expect(post.status).toBe(404);
  });

  it("counts mutating requests and records responses", async () => {
    const marathon = await start({ recordResponses: true });
    await call(marathon, "POST", "/v2/apps", app("/s"));
    await call(marathon, "PUT", "/v2/apps/s", { instances: 2 }, {});
    await call(marathon, "PUT", "/v2/apps/s?force=true", { instances: 3 });
    await call(marathon, "GET", "/v2/apps");
    expect(marathon.stats()).toEqual({
      total: 3,
      byMethod: { POST: 1, PUT: 2 },
      byRoute: { "POST /v2/apps": 1, "PUT /v2/apps/s": 2 },
    });
    expect(marathon.responses.map((r) => `${r.method} ${r.path}${r.query} ${r.status}`)).toEqual([
      "POST /v2/apps 201",
      "PUT /v2/apps/s 409",
      "PUT /v2/apps/s?force=true 200",
      "GET /v2/apps 200",
    ]);
    const put = marathon.responses[2]?.body as unknown as DeploymentResultJson;
    expect(put.deploymentId).toBe(marathon.responses[2]?.headers["marathon-deployment-id"]);
    marathon.resetStats();
    expect(marathon.stats().total).toBe(0);
  });
});
