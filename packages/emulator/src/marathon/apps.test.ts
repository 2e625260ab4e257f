import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import type { MarathonEvent } from "./events.js";
import {
  type AppJson,
  call,
  type DeploymentJson,
  type DeploymentResultJson,
  type ErrorJson,
  type TaskJson,
} from "./test-helpers.js";

let marathon: MarathonEmulator;

beforeEach(async () => {
  marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 5, backoffScale: 0.01 } });
});

afterEach(async () => {
  await marathon.close();
});

const sleepApp = (id: string, instances = 2) => ({ id, cmd: "sleep 1000", cpus: 0.1, mem: 32, instances });

async function runningTasks(appId: string): Promise<TaskJson[]> {
  const res = await call<{ tasks: TaskJson[] }>(marathon, "GET", `/v2/apps${appId}/tasks`);
  return res.body.tasks.filter((t) => t.state === "TASK_RUNNING");
}

describe("apps", () => {
  it("creates an app: 201, Location, deployment header, status fields, then tasks run", async () => {
    const res = await call<AppJson>(marathon, "POST", "/v2/apps", sleepApp("/hpc/sleep"));
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`${marathon.url}/hpc/sleep`);
    const deploymentId = res.headers.get("marathon-deployment-id");
    expect(deploymentId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-marathon-leader")).toBe(marathon.url);
    expect(res.body).toMatchObject({
      id: "/hpc/sleep",
      cmd: "sleep 1000",
      instances: 2,
      cpus: 0.1,
      mem: 32,
      disk: 0,
      gpus: 0,
      backoffFactor: 1.15,
      backoffSeconds: 1,
      maxLaunchDelaySeconds: 300,
      executor: "",
      labels: {},
      networks: [{ mode: "host" }],
      requirePorts: false,
      upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: 1 },
      killSelection: "YOUNGEST_FIRST",
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
      role: "*",
      tasksStaged: 0,
      tasksRunning: 0,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      deployments: [{ id: deploymentId }],
    });
    expect(res.body.portDefinitions).toEqual([{ port: 10000, name: "default", protocol: "tcp" }]);
    expect(res.body.version).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(res.body.versionInfo).toEqual({
      lastScalingAt: res.body.version,
      lastConfigChangeAt: res.body.version,
    });

    await marathon.waitForEvent("deployment_success", (e) => e.id === deploymentId, { includePast: true });
    const tasks = await runningTasks("/hpc/sleep");
    expect(tasks).toHaveLength(2);
    for (const task of tasks) {
      expect(task.id).toMatch(/^hpc_sleep\.instance-[0-9a-f-]{36}\._app\.1$/);
      expect(task.appId).toBe("/hpc/sleep");
      expect(task.host).toMatch(/^agent-\d$/);
      expect(task.ports).toHaveLength(1);
      expect(task.servicePorts).toEqual([10000]);
      expect(task.ipAddresses).toEqual([{ ipAddress: "127.0.0.1", protocol: "IPv4" }]);
      expect(task.startedAt).toBeDefined();
      expect(task.version).toBe(res.body.version);
    }
    // Tasks of one agent never share a host port.
    expect(new Set(tasks.map((t) => `${t.host}:${t.ports[0]}`)).size).toBe(2);

    const dup = await call<ErrorJson>(marathon, "POST", "/v2/apps", sleepApp("/hpc/sleep"));
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ message: "An app with id [/hpc/sleep] already exists." });
  });

  it("lists apps with filters and embeds, and shows one app with tasks", async () => {
    await call(marathon, "POST", "/v2/apps", {
      ...sleepApp("/a/one", 1),
      labels: { tier: "db", env: "prod" },
    });
    await call(marathon, "POST", "/v2/apps", {
      ...sleepApp("/a/two", 1),
      cmd: "python3 -m http.server",
      labels: { tier: "web" },
    });
    await marathon.waitForDeployments();

    const all = await call<{ apps: AppJson[] }>(marathon, "GET", "/v2/apps");
    expect(all.body.apps.map((a) => a.id)).toEqual(["/a/one", "/a/two"]);
    expect(all.body.apps[0]).toMatchObject({ tasksRunning: 1, deployments: [] });
    expect(all.body.apps[0]?.tasks).toBeUndefined();

    const byCmd = await call<{ apps: AppJson[] }>(marathon, "GET", "/v2/apps?cmd=HTTP.server");
    expect(byCmd.body.apps.map((a) => a.id)).toEqual(["/a/two"]);
    const byId = await call<{ apps: AppJson[] }>(marathon, "GET", "/v2/apps?id=one");
    expect(byId.body.apps.map((a) => a.id)).toEqual(["/a/one"]);
    const byLabel = await call<{ apps: AppJson[] }>(
      marathon,
      "GET",
      "/v2/apps?label=tier%20in%20(db,%20cache),env==prod",
    );
    expect(byLabel.body.apps.map((a) => a.id)).toEqual(["/a/one"]);
    const notWeb = await call<{ apps: AppJson[] }>(marathon, "GET", "/v2/apps?label=tier!=web");
    expect(notWeb.body.apps.map((a) => a.id)).toEqual(["/a/one"]);
    const badLabel = await call<ErrorJson>(marathon, "GET", "/v2/apps?label=tier%20in%20(db");
    expect(badLabel.status).toBe(400);

    const embedded = await call<{ apps: AppJson[] }>(
      marathon,
      "GET",
      "/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure&embed=apps.taskStats",
    );
    expect(embedded.body.apps[0]?.tasks).toHaveLength(1);
    expect(embedded.body.apps[0]?.tasksStats).toMatchObject({
      totalSummary: { stats: { counts: { running: 1 } } },
    });

    const one = await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/a/one");
    expect(one.status).toBe(200);
    expect(one.body.app.tasks).toHaveLength(1);
    expect(one.body.app).toMatchObject({ tasksRunning: 1, deployments: [] });

    const group = await call<{ "*": AppJson[] }>(marathon, "GET", "/v2/apps/a/*");
    expect(group.body["*"].map((a) => a.id)).toEqual(["/a/one", "/a/two"]);

    const missing = await call<ErrorJson>(marathon, "GET", "/v2/apps/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "App '/nope' does not exist" });
    const missingGroup = await call<ErrorJson>(marathon, "GET", "/v2/apps/nope/*");
    expect(missingGroup.body).toEqual({ message: "Group '/nope' does not exist" });
  });

  it("PUT creates (201) then updates (200); PATCH merges; versions are kept", async () => {
    const created = await call<DeploymentResultJson>(marathon, "PUT", "/v2/apps/web", {
      cmd: "sleep 100",
      instances: 1,
    });
    expect(created.status).toBe(201);
    expect(created.body.deploymentId).toBe(created.headers.get("marathon-deployment-id"));
    await marathon.waitForDeployments();

    const scaled = await call<DeploymentResultJson>(marathon, "PUT", "/v2/apps/web", { instances: 3 });
    expect(scaled.status).toBe(200);
    const [deployment] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployment?.steps).toEqual([{ actions: [{ action: "ScaleApplication", app: "/web" }] }]);
    await marathon.waitForDeployments();

    const patched = await call<DeploymentResultJson>(marathon, "PATCH", "/v2/apps/web", { env: { A: "1" } });
    expect(patched.status).toBe(200);
    await marathon.waitForDeployments();
    const app = (await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/web")).body.app;
    expect(app).toMatchObject({ cmd: "sleep 100", instances: 3, env: { A: "1" }, tasksRunning: 3 });
    expect(app.versionInfo.lastConfigChangeAt).toBe(patched.body.version);
    expect(app.versionInfo.lastScalingAt).toBe(patched.body.version);

    const versions = await call<{ versions: string[] }>(marathon, "GET", "/v2/apps/web/versions");
    expect(versions.body.versions).toEqual([patched.body.version, scaled.body.version, created.body.version]);
    const first = await call<AppJson>(marathon, "GET", `/v2/apps/web/versions/${created.body.version}`);
    expect(first.body).toMatchObject({ id: "/web", instances: 1, version: created.body.version });
    expect(first.body.tasksRunning).toBeUndefined();
    const noVersion = await call<ErrorJson>(
      marathon,
      "GET",
      "/v2/apps/web/versions/2000-01-01T00:00:00.000Z",
    );
    expect(noVersion.body.message).toBe("App '/web' does not exist in version 2000-01-01T00:00:00.000Z");

    const patchMissing = await call<ErrorJson>(marathon, "PATCH", "/v2/apps/none", { instances: 1 });
    expect(patchMissing.status).toBe(404);

    // A full replacement (partialUpdate=false) resets what is not given.
    await call(marathon, "PUT", "/v2/apps/web?partialUpdate=false", { cmd: "sleep 100" });
    await marathon.waitForDeployments();
    const replaced = (await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/web")).body.app;
    expect(replaced.instances).toBe(1);
    expect(replaced.env).toBeUndefined();
  });

  it("restarts with a RestartApplication step: new tasks replace the old ones", async () => {
    await call(marathon, "POST", "/v2/apps", sleepApp("/r", 2));
    await marathon.waitForDeployments();
    const before = (await runningTasks("/r")).map((t) => t.id);
    const res = await call<DeploymentResultJson>(marathon, "POST", "/v2/apps/r/restart");
    expect(res.status).toBe(200);
    expect(res.headers.get("marathon-deployment-id")).toBe(res.body.deploymentId);
    const [deployment] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployment?.steps).toEqual([{ actions: [{ action: "RestartApplication", app: "/r" }] }]);
    await marathon.waitForEvent("deployment_success", (e) => e.id === res.body.deploymentId, {
      includePast: true,
    });
    const after = await runningTasks("/r");
    expect(after).toHaveLength(2);
    for (const task of after) expect(before).not.toContain(task.id);
    expect(after.every((t) => t.version === res.body.version)).toBe(true);
    expect((await call(marathon, "POST", "/v2/apps/none/restart")).status).toBe(404);
  });

  it("deletes an app: StopApplication, tasks killed, app_terminated_event", async () => {
    await call(marathon, "POST", "/v2/apps", sleepApp("/gone", 2));
    await marathon.waitForDeployments();
    const terminated = marathon.waitForEvent("app_terminated_event", (e) => e.appId === "/gone");
    const res = await call<DeploymentResultJson>(marathon, "DELETE", "/v2/apps/gone");
    expect(res.status).toBe(200);
    const [deployment] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployment?.steps).toEqual([{ actions: [{ action: "StopApplication", app: "/gone" }] }]);
    await terminated;
    await marathon.waitForDeployments();
    expect((await call(marathon, "GET", "/v2/apps/gone")).status).toBe(404);
    expect((await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/tasks")).body.tasks).toEqual([]);
    expect((await call<ErrorJson>(marathon, "DELETE", "/v2/apps/gone")).body).toEqual({
      message: "App '/gone' does not exist",
    });
  });

  it("kill with scale=true kills exactly the chosen task and lowers instances through a deployment", async () => {
    await call(marathon, "POST", "/v2/apps", sleepApp("/exec", 3));
    await marathon.waitForDeployments();
    const tasks = await runningTasks("/exec");
    expect(tasks).toHaveLength(3);
    const victim = tasks[1];
    if (!victim) throw new Error("no task");
    const events: MarathonEvent[] = [];
    marathon.events.on("event", (e) => events.push(e));
    const res = await call<DeploymentResultJson>(
      marathon,
      "DELETE",
      `/v2/apps/exec/tasks/${victim.id}?scale=true`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("marathon-deployment-id")).toBe(res.body.deploymentId);
    await marathon.waitForEvent("deployment_success", (e) => e.id === res.body.deploymentId, {
      includePast: true,
    });
    const left = await runningTasks("/exec");
    expect(left.map((t) => t.id).sort()).toEqual(
      tasks
        .filter((t) => t !== victim)
        .map((t) => t.id)
        .sort(),
    );
    const killed = events.filter(
      (e) => e.eventType === "status_update_event" && e.taskStatus === "TASK_KILLED",
    );
    expect(killed.map((e) => e.taskId)).toEqual([victim.id]);
    const app = (await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/exec")).body.app;
    expect(app.instances).toBe(2);
    const plan = events.find((e) => e.eventType === "deployment_info");
    expect(plan?.plan).toMatchObject({
      steps: [{ actions: [{ action: "ScaleApplication", app: "/exec" }] }],
    });
  });

  it("kill with scale=true&force=true during a stuck deployment still kills only the chosen task", async () => {
    await call(marathon, "POST", "/v2/apps", {
      ...sleepApp("/drain", 4),
      constraints: [["hostname", "UNIQUE"]],
    });
    await marathon.waitFor(async () => (await runningTasks("/drain")).length === 3);
    const tasks = await runningTasks("/drain");
    const victim = tasks[0];
    if (!victim) throw new Error("no task");
    const locked = await call<ErrorJson>(marathon, "DELETE", `/v2/apps/drain/tasks/${victim.id}?scale=true`);
    expect(locked.status).toBe(409);
    const killed: string[] = [];
    marathon.events.on("event", (e) => {
      if (e.eventType === "status_update_event" && e.taskStatus === "TASK_KILLED")
        killed.push(String(e.taskId));
    });
    const res = await call<DeploymentResultJson>(
      marathon,
      "DELETE",
      `/v2/apps/drain/tasks/${victim.id}?scale=true&force=true`,
    );
    expect(res.status).toBe(200);
    await marathon.waitForEvent("deployment_success", (e) => e.id === res.body.deploymentId, {
      includePast: true,
    });
    const left = await runningTasks("/drain");
    expect(left).toHaveLength(3);
    expect(left.map((t) => t.id)).not.toContain(victim.id);
    for (const task of tasks.slice(1)) expect(left.map((t) => t.id)).toContain(task.id);
    expect(killed).toEqual([victim.id]);
    expect((await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/drain")).body.app.instances).toBe(3);
  });

  it("kill without scale relaunches the instance as the next incarnation", async () => {
    await call(marathon, "POST", "/v2/apps", sleepApp("/k", 1));
    await marathon.waitForDeployments();
    const [task] = await runningTasks("/k");
    if (!task) throw new Error("no task");
    const res = await call<{ task: TaskJson }>(marathon, "DELETE", `/v2/apps/k/tasks/${task.id}`);
    expect(res.status).toBe(200);
    expect(res.body.task.id).toBe(task.id);
    const next = task.id.replace(/\._app\.1$/, "._app.2");
    await marathon.waitFor(async () => (await runningTasks("/k")).some((t) => t.id === next));
    const unknown = await call<ErrorJson>(marathon, "DELETE", "/v2/apps/k/tasks/k.instance-nope._app.1");
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toBe("Task 'k.instance-nope._app.1' does not exist");
    const both = await call<ErrorJson>(marathon, "DELETE", `/v2/apps/k/tasks?scale=true&wipe=true`);
    expect(both.status).toBe(400);
  });

  it("DELETE /v2/apps/{id}/tasks?host= kills the tasks on one agent; POST /v2/tasks/delete kills by id", async () => {
    await call(marathon, "POST", "/v2/apps", { ...sleepApp("/h", 3), constraints: [["hostname", "UNIQUE"]] });
    await marathon.waitForDeployments();
    const tasks = await runningTasks("/h");
    expect(new Set(tasks.map((t) => t.host)).size).toBe(3);
    const res = await call<{ tasks: TaskJson[] }>(marathon, "DELETE", "/v2/apps/h/tasks?host=agent-2");
    expect(res.body.tasks.map((t) => t.host)).toEqual(["agent-2"]);

    const target = tasks.find((t) => t.host === "agent-1");
    if (!target) throw new Error("no task on agent-1");
    const scaled = await call<DeploymentResultJson>(marathon, "POST", "/v2/tasks/delete?scale=true", {
      ids: [target.id],
    });
    expect(scaled.status).toBe(200);
    await marathon.waitForEvent("deployment_success", (e) => e.id === scaled.body.deploymentId, {
      includePast: true,
    });
    expect((await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/h")).body.app.instances).toBe(2);
    const bad = await call<ErrorJson>(marathon, "POST", "/v2/tasks/delete", { ids: ["not-a-task-id"] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Invalid task id 'not-a-task-id'/);
  });

  it("answers 400 for invalid JSON and 422 with details for invalid definitions", async () => {
    const broken = await call<ErrorJson>(marathon, "POST", "/v2/apps", "{not json");
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual({ message: "Invalid JSON" });

    const invalid = await call<ErrorJson>(marathon, "POST", "/v2/apps", {
      id: "/x",
      cmd: "sleep 1",
      instances: -1,
      upgradeStrategy: { minimumHealthCapacity: 1.5 },
      constraints: [["hostname", "LIKE"]],
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.message).toBe("Object is not valid");
    const paths = invalid.body.details?.map((d) => d.path) ?? [];
    expect(paths).toContain("/instances");
    expect(paths).toContain("/upgradeStrategy/minimumHealthCapacity");
    expect(paths).toContain("/constraints/0");
    for (const detail of invalid.body.details ?? []) expect(detail.errors.length).toBeGreaterThan(0);

    // Unknown fields are ignored, as Marathon's JSON readers do.
    const extra = await call<AppJson>(marathon, "POST", "/v2/apps", {
      id: "/extra",
      cmd: "sleep 1",
      instances: 0,
      notAField: 1,
    });
    expect(extra.status).toBe(201);
    expect(extra.body.notAField).toBeUndefined();
    await call(marathon, "DELETE", "/v2/apps/extra");
    await marathon.waitForDeployments();

    const nothingToRun = await call<ErrorJson>(marathon, "POST", "/v2/apps", { id: "/x" });
    expect(nothingToRun.status).toBe(422);
    expect(nothingToRun.body.details).toEqual([
      {
        path: "/",
        errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
      },
    ]);

    const wrongType = await call<ErrorJson>(marathon, "POST", "/v2/apps", {
      id: "/x",
      cmd: "sleep 1",
      cpus: "two",
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body).toEqual({
      message: "Invalid JSON",
      details: [{ path: "/cpus", errors: ["error.expected.jsnumber"] }],
    });

    await call(marathon, "POST", "/v2/apps", { id: "/parent", cmd: "sleep 1", instances: 0 });
    const nested = await call<ErrorJson>(marathon, "POST", "/v2/apps", {
      id: "/parent/child",
      cmd: "sleep 1",
    });
    expect(nested.status).toBe(422);
    expect(nested.body.details?.[0]?.errors[0]).toBe(
      "Groups and Applications may not have the same identifier: /parent",
    );
    await call(marathon, "DELETE", "/v2/apps/parent");
    await marathon.waitForDeployments();

    const badId = await call<ErrorJson>(marathon, "POST", "/v2/apps", { id: "/Upper_Case", cmd: "sleep 1" });
    expect(badId.status).toBe(422);
    expect(badId.body.details?.[0]?.path).toBe("/id");
    expect((await call(marathon, "GET", "/v2/apps")).body).toEqual({ apps: [] });
  });

  it("PUT /v2/apps creates and updates many apps in one deployment; PATCH /v2/apps needs existing apps", async () => {
    const res = await call<DeploymentResultJson>(marathon, "PUT", "/v2/apps", [
      { ...sleepApp("/multi/a", 1), dependencies: ["/multi/b"] },
      sleepApp("/multi/b", 1),
    ]);
    expect(res.status).toBe(200);
    const [deployment] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployment?.id).toBe(res.body.deploymentId);
    expect(deployment?.steps).toEqual([
      {
        actions: [
          { action: "StartApplication", app: "/multi/a" },
          { action: "StartApplication", app: "/multi/b" },
        ],
      },
      { actions: [{ action: "ScaleApplication", app: "/multi/b" }] },
      { actions: [{ action: "ScaleApplication", app: "/multi/a" }] },
    ]);
    await marathon.waitForDeployments();
    const patched = await call<DeploymentResultJson>(marathon, "PATCH", "/v2/apps", [
      { id: "/multi/a", instances: 2 },
      { id: "/multi/b", labels: { x: "y" } },
    ]);
    expect(patched.status).toBe(200);
    await marathon.waitForDeployments();
    const apps = (await call<{ apps: AppJson[] }>(marathon, "GET", "/v2/apps")).body.apps;
    expect(apps.map((a) => [a.id, a.instances, a.labels])).toEqual([
      ["/multi/a", 2, {}],
      ["/multi/b", 1, { x: "y" }],
    ]);
    const missing = await call<ErrorJson>(marathon, "PATCH", "/v2/apps", [
      { id: "/multi/none", instances: 1 },
    ]);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "App '/multi/none' does not exist" });
  });

  it("DELETE of an app being deployed wins by default (force defaults to true)", async () => {
    const first = await call<DeploymentResultJson>(marathon, "POST", "/v2/apps", {
      ...sleepApp("/stuck", 1),
      cpus: 100,
    });
    const failed = marathon.waitForEvent(
      "deployment_failed",
      (e) => e.id === first.headers.get("marathon-deployment-id"),
    );
    const locked = await call<ErrorJson>(marathon, "PUT", "/v2/apps/stuck", { cpus: 0.1 });
    expect(locked.status).toBe(409);
    const res = await call<DeploymentResultJson>(marathon, "DELETE", "/v2/apps/stuck");
    expect(res.status).toBe(200);
    await failed;
    await marathon.waitForDeployments();
    expect((await call(marathon, "GET", "/v2/apps/stuck")).status).toBe(404);
    const lockedDelete = await call<DeploymentResultJson>(marathon, "POST", "/v2/apps", {
      ...sleepApp("/stuck2", 1),
      cpus: 100,
    });
    expect(lockedDelete.status).toBe(201);
    expect((await call(marathon, "DELETE", "/v2/apps/stuck2?force=false")).status).toBe(409);
  });

  it("answers 405 for methods a route does not have and 404 for unknown routes", async () => {
    const res = await call<ErrorJson>(marathon, "DELETE", "/v2/apps");
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ message: "Method Not Allowed" });
    expect((await call(marathon, "POST", "/v2/info")).status).toBe(405);
    const unknown = await call<ErrorJson>(marathon, "GET", "/v2/nothing");
    expect(unknown.status).toBe(404);
  });
});
