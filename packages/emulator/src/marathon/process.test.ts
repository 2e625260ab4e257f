import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, randomPortBase } from "../agents/test-helpers.js";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import type { MarathonEvent } from "./events.js";
import { type AppJson, call, type TaskJson } from "./test-helpers.js";

let marathon: MarathonEmulator | undefined;

afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
});

async function start(): Promise<MarathonEmulator> {
  marathon = await startMarathonEmulator({
    runner: "process",
    portRangeStart: randomPortBase(),
    cleanup: true,
    timing: { healthCheckScale: 0.05, backoffScale: 0.01, killGraceScale: 0.1 },
  });
  return marathon;
}

async function tasksOf(m: MarathonEmulator, appId: string): Promise<TaskJson[]> {
  return (await call<{ tasks: TaskJson[] }>(m, "GET", `/v2/apps${appId}/tasks`)).body.tasks;
}

const node = JSON.stringify(process.execPath);

describe("Marathon emulator with the process runner", () => {
  it("runs a real command task with Marathon's and Mesos' environment in its sandbox", async () => {
    const m = await start();
    await call(m, "POST", "/v2/apps", {
      id: "/hpc/env",
      cmd: "env > env.txt; echo started; exec sleep 100",
      cpus: 0.1,
      mem: 16,
      portDefinitions: [{ port: 0, name: "http" }, { port: 0 }],
      labels: { "bsaas.role": "schedd", owner: "ops" },
      env: { CONDOR_HOST: "cm.local" },
    });
    await m.waitForDeployments();
    const [task] = await tasksOf(m, "/hpc/env");
    if (!task) throw new Error("no task");
    const sandbox = m.sandboxOf(task.id) ?? "";
    await m.waitFor(
      () => existsSync(join(sandbox, "env.txt")) && readFileSync(join(sandbox, "stdout"), "utf8") !== "",
    );
    const env = Object.fromEntries(
      readFileSync(join(sandbox, "env.txt"), "utf8")
        .trim()
        .split("\n")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/hpc/env")).body.app;
    const [p0, p1] = task.ports;
    expect(env).toMatchObject({
      MESOS_SANDBOX: sandbox,
      MESOS_TASK_ID: task.id,
      HOST: "127.0.0.1",
      PORT0: String(p0),
      PORT1: String(p1),
      PORT: String(p0),
      PORTS: `${p0},${p1}`,
      PORT_HTTP: String(p0),
      [`PORT_${task.servicePorts[0]}`]: String(p0),
      MARATHON_APP_ID: "/hpc/env",
      MARATHON_APP_VERSION: app.version,
      MARATHON_APP_RESOURCE_CPUS: "0.1",
      MARATHON_APP_RESOURCE_MEM: "16.0",
      MARATHON_APP_LABELS: "BSAAS_ROLE OWNER",
      MARATHON_APP_LABEL_BSAAS_ROLE: "schedd",
      MARATHON_APP_LABEL_OWNER: "ops",
      CONDOR_HOST: "cm.local",
    });
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("started\n");
    expect(existsSync(join(sandbox, "stderr"))).toBe(true);
  });

  it("maps exit codes to task states and relaunches with lastTaskFailure", async () => {
    const m = await start();
    const events: MarathonEvent[] = [];
    m.events.on("event", (e) => events.push(e));
    await call(m, "POST", "/v2/apps", { id: "/crash", cmd: "exit 7", cpus: 0.1, mem: 16 });
    await m.waitFor(() => events.filter((e) => e.taskStatus === "TASK_FAILED").length >= 2);
    const failed = events.find((e) => e.taskStatus === "TASK_FAILED");
    expect(failed).toMatchObject({ appId: "/crash", message: "Command exited with status 7" });
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/crash")).body.app;
    expect(app.lastTaskFailure).toMatchObject({
      state: "TASK_FAILED",
      message: "Command exited with status 7",
    });
    const ids = events.filter((e) => e.taskStatus === "TASK_FAILED").map((e) => String(e.taskId));
    expect(ids[0]).toMatch(/\._app\.1$/);
    expect(ids[1]).toMatch(/\._app\.2$/);

    await call(m, "POST", "/v2/apps", { id: "/done", cmd: "true", cpus: 0.1, mem: 16 });
    await m.waitFor(() => events.some((e) => e.appId === "/done" && e.taskStatus === "TASK_FINISHED"));
  });

  it("fails Docker apps with a clear message", async () => {
    const m = await start();
    await call(m, "POST", "/v2/apps", {
      id: "/docker",
      cpus: 0.1,
      mem: 16,
      container: { type: "DOCKER", docker: { image: "nginx:alpine" } },
    });
    const failed = await m.waitForEvent("status_update_event", (e) => e.taskStatus === "TASK_FAILED");
    expect(failed.message).toBe(
      "the process runner runs command tasks only; this app uses a DOCKER container",
    );
  });

  it("turns healthy when the task's own HTTP server answers its health check", async () => {
    const m = await start();
    const server = `${node} -e "require('http').createServer((q,s)=>s.end('ok')).listen(process.env.PORT0, '127.0.0.1')"`;
    const res = await call(m, "POST", "/v2/apps", {
      id: "/web",
      cmd: server,
      cpus: 0.1,
      mem: 32,
      healthChecks: [
        {
          protocol: "HTTP",
          path: "/",
          portIndex: 0,
          gracePeriodSeconds: 60,
          intervalSeconds: 1,
          timeoutSeconds: 2,
        },
        {
          protocol: "MESOS_TCP",
          portIndex: 0,
          gracePeriodSeconds: 60,
          intervalSeconds: 1,
          timeoutSeconds: 2,
        },
      ],
    });
    const id = res.headers.get("marathon-deployment-id");
    await m.waitForEvent("deployment_success", (e) => e.id === id, { includePast: true, timeoutMs: 15_000 });
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/web")).body.app;
    expect(app).toMatchObject({ tasksRunning: 1, tasksHealthy: 1, tasksUnhealthy: 0 });
    const [task] = app.tasks ?? [];
    const result = expect.objectContaining({
      alive: true,
      consecutiveFailures: 0,
      instanceId: expect.stringMatching(/^web\.instance-/),
    });
    expect(task?.healthCheckResults).toEqual([result, result]);
  });

  it("kills and relaunches a task whose health check keeps failing", async () => {
    const m = await start();
    const events: MarathonEvent[] = [];
    m.events.on("event", (e) => events.push(e));
    await call(m, "POST", "/v2/apps", {
      id: "/sick",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      healthChecks: [
        {
          protocol: "COMMAND",
          command: { value: "exit 1" },
          gracePeriodSeconds: 0,
          intervalSeconds: 1,
          maxConsecutiveFailures: 2,
        },
      ],
    });
    const kill = await m.waitForEvent("unhealthy_instance_kill_event", undefined, {
      includePast: true,
      timeoutMs: 15_000,
    });
    expect(kill).toMatchObject({
      appId: "/sick",
      taskId: expect.stringMatching(/\._app\.1$/),
      host: expect.any(String),
    });
    await m.waitFor(() =>
      events.some((e) => e.taskStatus === "TASK_RUNNING" && String(e.taskId).endsWith("._app.2")),
    );
    expect(events.filter((e) => e.eventType === "failed_health_check_event").length).toBeGreaterThanOrEqual(
      2,
    );
  });

  it("leaves no process behind after close", async () => {
    const m = await start();
    await call(m, "POST", "/v2/apps", {
      id: "/bg",
      cmd: "sleep 300 & echo $! > child; echo $$ > pid; wait",
      cpus: 0.1,
      mem: 16,
      instances: 2,
    });
    await m.waitForDeployments();
    const pids: number[] = [];
    for (const task of await tasksOf(m, "/bg")) {
      const sandbox = m.sandboxOf(task.id) ?? "";
      await m.waitFor(() =>
        ["pid", "child"].every(
          (f) => existsSync(join(sandbox, f)) && readFileSync(join(sandbox, f), "utf8").trim() !== "",
        ),
      );
      for (const f of ["pid", "child"]) pids.push(Number(readFileSync(join(sandbox, f), "utf8")));
    }
    expect(pids).toHaveLength(4);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    await m.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
