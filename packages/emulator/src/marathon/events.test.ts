import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import {
  call,
  type DeploymentResultJson,
  type EventStreamReader,
  openEventStream,
  type TaskJson,
} from "./test-helpers.js";

const open: EventStreamReader[] = [];
const emulators: MarathonEmulator[] = [];

async function start(options: Parameters<typeof startMarathonEmulator>[0] = {}): Promise<MarathonEmulator> {
  const emulator = await startMarathonEmulator({ timing: { taskStepDelayMs: 5 }, ...options });
  emulators.push(emulator);
  return emulator;
}

async function stream(url: string, headers?: Record<string, string>): Promise<EventStreamReader> {
  const reader = await openEventStream(url, headers);
  open.push(reader);
  return reader;
}

afterEach(async () => {
  for (const reader of open.splice(0)) reader.close();
  await Promise.all(emulators.splice(0).map((e) => e.close()));
});

const names = (reader: EventStreamReader) => reader.frames.map((f) => f.event);

describe("/v2/events", () => {
  it("needs Accept: text/event-stream (405 otherwise)", async () => {
    const marathon = await start();
    const res = await call(marathon, "GET", "/v2/events", undefined, { accept: "application/json" });
    expect(res.status).toBe(405);
    expect(res.text).toContain("HTTP method GET is not supported by this URL");
  });

  it("frames events as `event: <type>\\ndata: <json>\\n\\n`, event_stream_attached first", async () => {
    const marathon = await start();
    const reader = await stream(`${marathon.url}/v2/events`);
    expect(reader.status).toBe(200);
    expect(reader.headers["content-type"]).toMatch(/^text\/event-stream/);
    await reader.waitFor((frames) => frames.length >= 1);
    expect(reader.raw.startsWith("event: event_stream_attached\ndata: {")).toBe(true);
    expect(reader.frames[0]?.data).toMatchObject({
      eventType: "event_stream_attached",
      remoteAddress: "127.0.0.1",
    });
    expect(reader.frames[0]?.data.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const created = await call<DeploymentResultJson>(marathon, "POST", "/v2/apps", {
      id: "/ev",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      healthChecks: [{ protocol: "TCP" }],
    });
    const id = created.headers.get("marathon-deployment-id");
    await reader.waitFor((frames) =>
      frames.some((f) => f.event === "deployment_success" && f.data.id === id),
    );
    for (const frame of reader.frames) {
      expect(frame.data.eventType).toBe(frame.event);
      expect(typeof frame.data.timestamp).toBe("string");
    }
    // Every frame is exactly `event: <name>\ndata: <one line>\n\n`.
    const blocks = reader.raw.split("\n\n").filter((b) => b.trim().length > 0);
    for (const block of blocks) expect(block.replace(/^\n+/, "")).toMatch(/^event: [a-z_]+\ndata: \{.*\}$/);
    expect(names(reader)).toEqual(
      expect.arrayContaining([
        "api_post_event",
        "deployment_info",
        "status_update_event",
        "instance_changed_event",
        "health_status_changed_event",
        "instance_health_changed_event",
        "deployment_step_success",
        "deployment_success",
        "group_change_success",
      ]),
    );
    const post = reader.frames.find((f) => f.event === "api_post_event")?.data;
    expect(post).toMatchObject({
      clientIp: "127.0.0.1",
      uri: "/v2/apps",
      appDefinition: { id: "/ev", cmd: "sleep 100" },
    });
    const running = reader.frames.find(
      (f) => f.event === "status_update_event" && f.data.taskStatus === "TASK_RUNNING",
    );
    expect(running?.data).toMatchObject({
      appId: "/ev",
      host: expect.stringMatching(/^agent-/),
      slaveId: expect.any(String),
      taskId: expect.stringMatching(/^ev\.instance-/),
      message: "",
      ipAddresses: [{ ipAddress: "127.0.0.1", protocol: "IPv4" }],
      ports: [expect.any(Number)],
      version: created.body.version,
    });
    const changed = reader.frames.find(
      (f) => f.event === "instance_changed_event" && f.data.condition === "Running",
    );
    expect(changed?.data).toMatchObject({
      runSpecId: "/ev",
      instanceId: expect.stringMatching(/^ev\.instance-[^.]+$/),
    });
    const health = reader.frames.find((f) => f.event === "health_status_changed_event");
    expect(health?.data).toMatchObject({ appId: "/ev", alive: true, version: created.body.version });
    const info = reader.frames.find((f) => f.event === "deployment_info");
    expect(info?.data).toMatchObject({
      plan: {
        id,
        version: created.body.version,
        steps: [
          { actions: [{ action: "StartApplication", app: "/ev" }] },
          { actions: [{ action: "ScaleApplication", app: "/ev" }] },
        ],
      },
      currentStep: { actions: [{ action: "StartApplication", app: "/ev" }] },
    });
    expect(reader.frames.find((f) => f.event === "deployment_success")?.data).toMatchObject({
      id,
      plan: { id },
    });
  });

  it("filters by event_type (repeatable) and accepts plan-format=light", async () => {
    const marathon = await start();
    const reader = await stream(
      `${marathon.url}/v2/events?event_type=deployment_success&event_type=app_terminated_event&plan-format=light`,
    );
    await call(marathon, "POST", "/v2/apps", { id: "/f", cmd: "sleep 100", cpus: 0.1, mem: 16 });
    await marathon.waitForDeployments();
    await call(marathon, "DELETE", "/v2/apps/f");
    await reader.waitFor((frames) => frames.some((f) => f.event === "app_terminated_event"));
    await marathon.waitForDeployments();
    await reader.waitFor((frames) => frames.filter((f) => f.event === "deployment_success").length === 2);
    expect(new Set(names(reader))).toEqual(new Set(["deployment_success", "app_terminated_event"]));
    expect(reader.frames.find((f) => f.event === "app_terminated_event")?.data).toMatchObject({
      appId: "/f",
    });
  });

  it("writes a bare line break every heartbeatMs", async () => {
    const marathon = await start({ heartbeatMs: 20 });
    const reader = await stream(`${marathon.url}/v2/events?event_type=none`);
    await reader.waitFor((_frames, raw) => raw.length >= 3);
    expect(reader.raw).toMatch(/^\n{3,}$/);
    expect(reader.frames).toEqual([]);
  });

  it("reports failed tasks, their relaunch and lastTaskFailure; health flips with setTaskHealth", async () => {
    const marathon = await start({ timing: { taskStepDelayMs: 5, backoffScale: 0.01 } });
    const reader = await stream(`${marathon.url}/v2/events`);
    await call(marathon, "POST", "/v2/apps", {
      id: "/flaky",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      healthChecks: [{ protocol: "HTTP", path: "/health" }],
    });
    await marathon.waitForDeployments();
    const [taskId] = marathon.taskIds("/flaky");
    if (!taskId) throw new Error("no task");

    marathon.setTaskHealth(taskId, false);
    await reader.waitFor((frames) => frames.some((f) => f.event === "failed_health_check_event"));
    const app = await call<{ app: { tasksHealthy: number; tasksUnhealthy: number } }>(
      marathon,
      "GET",
      "/v2/apps/flaky",
    );
    expect(app.body.app).toMatchObject({ tasksHealthy: 0, tasksUnhealthy: 1 });
    expect(reader.frames.find((f) => f.event === "failed_health_check_event")?.data).toMatchObject({
      appId: "/flaky",
      taskId: expect.stringMatching(/^flaky\.instance-[^.]+$/),
      healthCheck: { protocol: "HTTP", path: "/health", portIndex: 0 },
    });
    expect(
      reader.frames.filter((f) => f.event === "instance_health_changed_event").map((f) => f.data.healthy),
    ).toEqual([true, false]);
    marathon.setTaskHealth(taskId, true);
    await marathon.waitFor(async () => {
      const res = await call<{ app: { tasksHealthy: number } }>(marathon, "GET", "/v2/apps/flaky");
      return res.body.app.tasksHealthy === 1;
    });

    marathon.failTask(taskId, "Command exited with status 3");
    const next = taskId.replace(/\._app\.1$/, "._app.2");
    await reader.waitFor((frames) =>
      frames.some(
        (f) =>
          f.event === "status_update_event" && f.data.taskId === next && f.data.taskStatus === "TASK_RUNNING",
      ),
    );
    const failed = reader.frames.find(
      (f) => f.event === "status_update_event" && f.data.taskStatus === "TASK_FAILED",
    );
    expect(failed?.data).toMatchObject({ taskId, message: "Command exited with status 3" });
    const shown = await call<{ app: { lastTaskFailure: Record<string, unknown>; tasks: TaskJson[] } }>(
      marathon,
      "GET",
      "/v2/apps/flaky",
    );
    expect(shown.body.app.lastTaskFailure).toMatchObject({
      appId: "/flaky",
      taskId,
      state: "TASK_FAILED",
      message: "Command exited with status 3",
      host: expect.stringMatching(/^agent-/),
      slaveId: expect.any(String),
    });
    expect(shown.body.app.tasks.map((t) => t.id)).toEqual([next]);
  });

  it("ends streams when the leader abdicates and on close", async () => {
    const marathon = await start();
    const reader = await stream(`${marathon.url}/v2/events`);
    await reader.waitFor((frames) => frames.length > 0);
    const res = await call<{ message: string }>(marathon, "DELETE", "/v2/leader");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: "Leadership abdicated" });
    await reader.ended;
    const again = await stream(`${marathon.url}/v2/events`);
    await again.waitFor((frames) => frames.length > 0);
    await marathon.close();
    await again.ended;
  });
});
