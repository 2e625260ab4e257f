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

interface GroupJson {
  id: string;
  apps?: AppJson[];
  groups?: GroupJson[];
  pods?: unknown[];
  dependencies: string[];
  version: string;
  enforceRole: boolean;
}

let marathon: MarathonEmulator;

beforeEach(async () => {
  marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 5 } });
});

afterEach(async () => {
  await marathon.close();
});

const app = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  cmd: "sleep 1000",
  cpus: 0.1,
  mem: 16,
  instances: 1,
  ...extra,
});

describe("groups", () => {
  it("creates a group with POST: 201, Location, deployment; 409 when it exists", async () => {
    const res = await call<DeploymentResultJson>(marathon, "POST", "/v2/groups", {
      id: "/site",
      apps: [app("cm"), app("/site/schedd")],
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe(`${marathon.url}/site`);
    expect(res.headers.get("marathon-deployment-id")).toBe(res.body.deploymentId);
    await marathon.waitForDeployments();
    const group = await call<GroupJson>(marathon, "GET", "/v2/groups/site");
    expect(group.body.apps?.map((a) => a.id)).toEqual(["/site/cm", "/site/schedd"]);
    expect(group.body).toMatchObject({
      id: "/site",
      groups: [],
      pods: [],
      dependencies: [],
      enforceRole: false,
    });
    expect(group.body.apps?.[0]?.tasksRunning).toBeUndefined();
    const again = await call<ErrorJson>(marathon, "POST", "/v2/groups", { id: "/site" });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: "Group /site is already created. Use PUT to change this group." });
    const root = await call<GroupJson>(
      marathon,
      "GET",
      "/v2/groups?embed=group.groups&embed=group.apps&embed=group.apps.counts",
    );
    expect(root.body.groups?.[0]?.apps?.[0]?.tasksRunning).toBe(1);
    expect(root.body.pods).toBeUndefined();
    expect((await call<ErrorJson>(marathon, "GET", "/v2/groups/none")).body).toEqual({
      message: "Group '/none' does not exist",
    });
  });

  it("a group PUT is ONE deployment that adds, changes and removes apps, in dependency order", async () => {
    await call(marathon, "PUT", "/v2/groups/site", {
      id: "/site",
      apps: [app("keep"), app("change"), app("drop"), app("scale")],
    });
    await marathon.waitForDeployments();
    const events: MarathonEvent[] = [];
    marathon.events.on("event", (e) => events.push(e));
    const body = {
      id: "/site",
      apps: [
        app("keep"),
        app("change", { cmd: "sleep 2000" }),
        app("scale", { instances: 2 }),
        app("new-db"),
        app("new-web", { dependencies: ["new-db"] }),
      ],
    };
    const dry = await call<{ steps: DeploymentJson["steps"] }>(
      marathon,
      "PUT",
      "/v2/groups/site?dryRun=true",
      body,
    );
    expect(dry.status).toBe(200);
    expect(dry.headers.get("marathon-deployment-id")).toBeNull();
    const expected = [
      { actions: [{ action: "StopApplication", app: "/site/drop" }] },
      {
        actions: [
          { action: "StartApplication", app: "/site/new-db" },
          { action: "StartApplication", app: "/site/new-web" },
        ],
      },
      {
        actions: [
          { action: "RestartApplication", app: "/site/change" },
          { action: "ScaleApplication", app: "/site/new-db" },
          { action: "ScaleApplication", app: "/site/scale" },
        ],
      },
      { actions: [{ action: "ScaleApplication", app: "/site/new-web" }] },
    ];
    expect(dry.body.steps).toEqual(expected);
    expect((await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body).toEqual([]);

    const res = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/site", body);
    expect(res.status).toBe(200);
    const deployments = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployments).toHaveLength(1);
    expect(deployments[0]).toMatchObject({
      id: res.body.deploymentId,
      version: res.body.version,
      steps: expected,
      totalSteps: 4,
      affectedApps: ["/site/change", "/site/drop", "/site/new-db", "/site/new-web", "/site/scale"],
    });
    expect(deployments[0]?.currentStep).toBeGreaterThanOrEqual(0);
    await marathon.waitForEvent("deployment_success", (e) => e.id === res.body.deploymentId, {
      includePast: true,
    });

    const infos = events.filter((e) => e.eventType === "deployment_info");
    expect(infos.map((e) => e.currentStep)).toEqual(expected);
    expect(events.filter((e) => e.eventType === "deployment_step_success")).toHaveLength(4);
    expect(events.find((e) => e.eventType === "group_change_success")).toMatchObject({
      groupId: "/site",
      version: res.body.version,
    });
    // new-web starts only after new-db runs.
    const started = (appId: string) =>
      events.findIndex(
        (e) => e.eventType === "status_update_event" && e.appId === appId && e.taskStatus === "TASK_RUNNING",
      );
    expect(started("/site/new-db")).toBeGreaterThanOrEqual(0);
    expect(started("/site/new-web")).toBeGreaterThan(started("/site/new-db"));

    const group = (
      await call<GroupJson>(marathon, "GET", "/v2/groups/site?embed=group.apps&embed=group.apps.tasks")
    ).body;
    expect(group.apps?.map((a) => a.id)).toEqual([
      "/site/change",
      "/site/keep",
      "/site/new-db",
      "/site/new-web",
      "/site/scale",
    ]);
    expect(group.apps?.find((a) => a.id === "/site/scale")?.tasks).toHaveLength(2);
    expect(group.groups).toBeUndefined();

    // The same PUT again changes nothing: an empty plan, nothing restarts.
    const keepTasks = (await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/apps/site/keep/tasks")).body
      .tasks;
    const same = await call<{ steps: unknown[] }>(marathon, "PUT", "/v2/groups/site?dryRun=true", body);
    expect(same.body.steps).toEqual([]);
    const again = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/site", body);
    await marathon.waitForEvent("deployment_success", (e) => e.id === again.body.deploymentId, {
      includePast: true,
    });
    const keepAfter = (await call<{ tasks: TaskJson[] }>(marathon, "GET", "/v2/apps/site/keep/tasks")).body
      .tasks;
    expect(keepAfter.map((t) => t.id)).toEqual(keepTasks.map((t) => t.id));
  });

  it("409 while a group's app is being deployed, force=true cancels the running deployment", async () => {
    // An app that cannot be placed keeps its deployment running.
    const first = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/g", {
      apps: [app("big", { cpus: 100 })],
    });
    expect(first.status).toBe(200);
    const locked = await call<ErrorJson>(marathon, "PUT", "/v2/groups/g", {
      apps: [app("big", { cpus: 0.1 })],
    });
    expect(locked.status).toBe(409);
    expect(locked.body).toEqual({
      message: `App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/${first.body.deploymentId}'.`,
      deployments: [{ id: first.body.deploymentId }],
    });
    const failed = marathon.waitForEvent("deployment_failed", (e) => e.id === first.body.deploymentId);
    const forced = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/g?force=true", {
      apps: [app("big", { cpus: 0.1 })],
    });
    expect(forced.status).toBe(200);
    await failed;
    await marathon.waitForEvent("deployment_success", (e) => e.id === forced.body.deploymentId, {
      includePast: true,
    });
    const big = (await call<{ app: AppJson }>(marathon, "GET", "/v2/apps/g/big")).body.app;
    expect(big).toMatchObject({ cpus: 0.1, tasksRunning: 1 });
  });

  it("scales every app of a group with scaleBy and rolls back to a version", async () => {
    const v1 = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/s", {
      apps: [app("a"), app("b", { instances: 2 })],
    });
    await marathon.waitForDeployments();
    const scaled = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/s", { scaleBy: 2 });
    expect(scaled.status).toBe(200);
    await marathon.waitForDeployments();
    const after = (await call<GroupJson>(marathon, "GET", "/v2/groups/s")).body;
    expect(after.apps?.map((a) => a.instances)).toEqual([2, 4]);
    const versions = (await call<string[]>(marathon, "GET", "/v2/groups/s/versions")).body;
    expect(versions).toEqual([scaled.body.version, v1.body.version]);
    const rollback = await call<DeploymentResultJson>(marathon, "PUT", "/v2/groups/s", {
      version: v1.body.version,
    });
    expect(rollback.status).toBe(200);
    await marathon.waitForDeployments();
    const back = (await call<GroupJson>(marathon, "GET", "/v2/groups/s")).body;
    expect(back.apps?.map((a) => a.instances)).toEqual([1, 2]);
    const old = (await call<GroupJson>(marathon, "GET", `/v2/groups/s/versions/${v1.body.version}`)).body;
    expect(old.apps?.map((a) => a.instances)).toEqual([1, 2]);
  });

  it("deletes a group and its apps", async () => {
    await call(marathon, "PUT", "/v2/groups/d", {
      apps: [app("x"), app("y")],
      groups: [{ id: "sub", apps: [app("z")] }],
    });
    await marathon.waitForDeployments();
    expect((await call<GroupJson>(marathon, "GET", "/v2/groups/d/sub")).body.apps?.map((a) => a.id)).toEqual([
      "/d/sub/z",
    ]);
    const res = await call<DeploymentResultJson>(marathon, "DELETE", "/v2/groups/d");
    expect(res.status).toBe(200);
    const [deployment] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(deployment?.steps).toEqual([
      {
        actions: [
          { action: "StopApplication", app: "/d/sub/z" },
          { action: "StopApplication", app: "/d/x" },
          { action: "StopApplication", app: "/d/y" },
        ],
      },
    ]);
    await marathon.waitForDeployments();
    expect((await call(marathon, "GET", "/v2/groups/d")).status).toBe(404);
    expect((await call<{ tasks: unknown[] }>(marathon, "GET", "/v2/tasks")).body.tasks).toEqual([]);
    expect((await call(marathon, "DELETE", "/v2/groups/d")).status).toBe(404);
  });

  it("PATCH changes enforceRole of top-level groups only", async () => {
    await call(marathon, "PUT", "/v2/groups/top", { groups: [{ id: "sub" }] });
    await marathon.waitForDeployments();
    const res = await call(marathon, "PATCH", "/v2/groups/top", { enforceRole: true });
    expect(res.status).toBe(200);
    expect((await call<GroupJson>(marathon, "GET", "/v2/groups/top")).body.enforceRole).toBe(true);
    expect((await call(marathon, "PATCH", "/v2/groups/top/sub", { enforceRole: true })).status).toBe(422);
    expect((await call(marathon, "PATCH", "/v2/groups/none", { enforceRole: true })).status).toBe(404);
  });

  it("rejects apps outside their group and cyclic dependencies with 422", async () => {
    const outside = await call<ErrorJson>(marathon, "PUT", "/v2/groups/g", {
      id: "/g",
      apps: [app("/other/x")],
    });
    expect(outside.status).toBe(422);
    expect(outside.body.details).toEqual([
      { path: "/apps/0/id", errors: ["identifier /other/x is not child of /g. Hint: use relative paths."] },
    ]);
    const cyclic = await call<ErrorJson>(marathon, "PUT", "/v2/groups/g", {
      apps: [app("a", { dependencies: ["b"] }), app("b", { dependencies: ["a"] })],
    });
    expect(cyclic.status).toBe(422);
    expect(cyclic.body.details?.[0]?.errors[0]).toMatch(/cyclic/);
  });
});

describe("deployments", () => {
  it("lists a running deployment with 1-based currentStep and rolls it back with DELETE", async () => {
    const res = await call<DeploymentResultJson>(marathon, "POST", "/v2/apps", app("/stuck", { cpus: 64 }));
    await marathon.waitFor(async () => {
      const list = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
      return list[0]?.currentStep === 2;
    });
    const [running] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    expect(running).toMatchObject({
      id: res.headers.get("marathon-deployment-id"),
      currentStep: 2,
      totalSteps: 2,
      currentActions: [{ action: "ScaleApplication", app: "/stuck", readinessCheckResults: [] }],
      affectedPods: [],
    });
    const rollback = await call<DeploymentResultJson>(marathon, "DELETE", `/v2/deployments/${running?.id}`);
    expect(rollback.status).toBe(200);
    expect(rollback.headers.get("marathon-deployment-id")).toBe(rollback.body.deploymentId);
    await marathon.waitForDeployments();
    expect((await call(marathon, "GET", "/v2/apps/stuck")).status).toBe(404);
    const missing = await call<ErrorJson>(marathon, "DELETE", "/v2/deployments/nope");
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "DeploymentPlan nope does not exist" });
  });

  it("cancels a deployment with force=true: 202, no body, no rollback", async () => {
    await call(marathon, "POST", "/v2/apps", app("/stuck", { cpus: 64 }));
    const [running] = (await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body;
    const res = await call(marathon, "DELETE", `/v2/deployments/${running?.id}?force=true`);
    expect(res.status).toBe(202);
    expect(res.text).toBe("");
    expect((await call<DeploymentJson[]>(marathon, "GET", "/v2/deployments")).body).toEqual([]);
    expect((await call(marathon, "GET", "/v2/apps/stuck")).status).toBe(200);
  });
});
