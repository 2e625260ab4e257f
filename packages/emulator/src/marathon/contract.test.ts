// Contract test: every JSON response the emulator gives during create/scale/restart/kill/delete flows parses with the
// SDK's response schemas, every event parses with MarathonEventSchema, and the app and group definitions it returns
// validate against upstream's JSON Schemas (shared/specs/marathon/schema) with ajv.
import {
  AppCreatedResponseSchema,
  AppListResponseSchema,
  AppResponseSchema,
  AppSchema,
  AppVersionsResponseSchema,
  DeploymentListResponseSchema,
  DeploymentLockedErrorSchema,
  DeploymentResultSchema,
  DeploymentStepsSchema,
  GroupSchema,
  GroupVersionsResponseSchema,
  InfoSchema,
  LeaderResponseSchema,
  MarathonErrorSchema,
  MarathonEventSchema,
  QueueResponseSchema,
  TaskListResponseSchema,
  TaskResponseSchema,
} from "@bsaas/sdk/marathon";
import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, type RecordedResponse, startMarathonEmulator } from "./emulator.js";
import { call, type DeploymentJson, type TaskJson } from "./test-helpers.js";
import { ajvErrors, upstreamValidators } from "./upstream-schemas.js";

/** AppInfo status fields (not part of a definition), and `role`, added in 1.9 after the JSON Schema was retired. */
const NOT_IN_APP_SCHEMA = [
  "tasksStaged",
  "tasksRunning",
  "tasksHealthy",
  "tasksUnhealthy",
  "deployments",
  "tasks",
  "lastTaskFailure",
  "readinessCheckResults",
  "tasksStats",
  "role",
];
/** `pods` and `enforceRole` came with 1.4 and 1.9 respectively, after Group.json was last updated. */
const NOT_IN_GROUP_SCHEMA = ["pods", "enforceRole"];

function definitionOf(app: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(app).filter(([key]) => !NOT_IN_APP_SCHEMA.includes(key)));
}

function groupDefinitionOf(group: Record<string, unknown>): Record<string, unknown> {
  const out = Object.fromEntries(Object.entries(group).filter(([key]) => !NOT_IN_GROUP_SCHEMA.includes(key)));
  if (Array.isArray(out.apps)) out.apps = out.apps.map((a) => definitionOf(a as Record<string, unknown>));
  if (Array.isArray(out.groups))
    out.groups = out.groups.map((g) => groupDefinitionOf(g as Record<string, unknown>));
  return out;
}

interface Checkable {
  safeParse(data: unknown): { success: boolean; error?: unknown };
}

/** The SDK response schema of a recorded response. */
function schemaFor(r: RecordedResponse): { name: string; schema: Checkable } | undefined {
  const body = r.body as Record<string, unknown> | undefined;
  if (r.status >= 400) {
    return body && "deployments" in body
      ? { name: "DeploymentLockedErrorSchema", schema: DeploymentLockedErrorSchema }
      : { name: "MarathonErrorSchema", schema: MarathonErrorSchema };
  }
  if (body && "deploymentId" in body)
    return { name: "DeploymentResultSchema", schema: DeploymentResultSchema };
  const p = r.path;
  if (r.method === "POST" && p === "/v2/apps")
    return { name: "AppCreatedResponseSchema", schema: AppCreatedResponseSchema };
  if (r.method === "PUT" && r.query.includes("dryRun=true"))
    return { name: "DeploymentStepsSchema", schema: DeploymentStepsSchema };
  if (r.method === "DELETE" && /^\/v2\/apps\/.+\/tasks\/[^/]+$/.test(p))
    return { name: "TaskResponseSchema", schema: TaskResponseSchema };
  if (/^\/v2\/apps\/.+\/tasks$/.test(p) || p === "/v2/tasks")
    return { name: "TaskListResponseSchema", schema: TaskListResponseSchema };
  if (r.method !== "GET") return undefined;
  if (p === "/v2/apps") return { name: "AppListResponseSchema", schema: AppListResponseSchema };
  if (/^\/v2\/apps\/.+\/versions$/.test(p))
    return { name: "AppVersionsResponseSchema", schema: AppVersionsResponseSchema };
  if (/^\/v2\/apps\/.+\/versions\/.+$/.test(p)) return { name: "AppSchema", schema: AppSchema };
  if (p.startsWith("/v2/apps/")) return { name: "AppResponseSchema", schema: AppResponseSchema };
  if (/^\/v2\/groups(\/.*)?\/versions$/.test(p))
    return { name: "GroupVersionsResponseSchema", schema: GroupVersionsResponseSchema };
  if (p.startsWith("/v2/groups")) return { name: "GroupSchema", schema: GroupSchema };
  if (p === "/v2/deployments")
    return { name: "DeploymentListResponseSchema", schema: DeploymentListResponseSchema };
  if (p === "/v2/queue") return { name: "QueueResponseSchema", schema: QueueResponseSchema };
  if (p === "/v2/info") return { name: "InfoSchema", schema: InfoSchema };
  if (p === "/v2/leader") return { name: "LeaderResponseSchema", schema: LeaderResponseSchema };
  return undefined;
}

let marathon: MarathonEmulator | undefined;
afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
});

describe("contract with the SDK schemas and upstream JSON Schemas", () => {
  it("every response of create/scale/restart/kill/delete flows parses, and definitions match AppDefinition.json/Group.json", async () => {
    const m = await startMarathonEmulator({
      recordResponses: true,
      // Task steps slow enough that the deployment below is certainly still running when the next request comes
      // (the 409 of a locked app is part of the contract); at 2 ms a busy machine sometimes saw it finish first.
      timing: { taskStepDelayMs: 150, backoffScale: 0.01 },
    });
    marathon = m;
    const app = {
      id: "/site/schedd",
      cmd: "sleep 1000",
      cpus: 0.1,
      mem: 64,
      instances: 2,
      labels: { role: "schedd" },
      env: { A: "b" },
      constraints: [["hostname", "UNIQUE"]],
      healthChecks: [{ protocol: "TCP", portIndex: 0 }],
      portDefinitions: [{ port: 0, name: "condor" }],
      upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
      fetch: [{ uri: "https://example.org/x.tgz" }],
      taskKillGracePeriodSeconds: 5,
    };
    await call(m, "POST", "/v2/apps", app);
    await call(m, "PUT", "/v2/apps/site/schedd", { instances: 3 }); // 409: still deploying
    await m.waitForDeployments();
    await call(
      m,
      "GET",
      "/v2/apps?embed=apps.tasks&embed=apps.lastTaskFailure&embed=apps.taskStats&embed=apps.readiness",
    );
    await call(m, "PUT", "/v2/apps/site/schedd", { instances: 3 });
    await call(m, "GET", "/v2/deployments");
    await m.waitForDeployments();
    await call(m, "POST", "/v2/apps/site/schedd/restart");
    await call(m, "GET", "/v2/deployments");
    await m.waitForDeployments();
    const tasks = (await call<{ tasks: TaskJson[] }>(m, "GET", "/v2/apps/site/schedd/tasks")).body.tasks;
    await call(m, "DELETE", `/v2/apps/site/schedd/tasks/${tasks[0]?.id}?scale=true`);
    await m.waitForDeployments();
    await call(m, "DELETE", `/v2/apps/site/schedd/tasks/${tasks[1]?.id}`);
    const [failing] = m.taskIds("/site/schedd");
    if (failing) m.failTask(failing);
    await m.waitFor(async () => {
      const res = await call<{ app: { lastTaskFailure?: unknown; tasksRunning: number } }>(
        m,
        "GET",
        "/v2/apps/site/schedd",
      );
      return res.body.app.lastTaskFailure !== undefined && res.body.app.tasksRunning === 2;
    });
    await call(m, "POST", "/v2/apps", { id: "/site/big", cmd: "sleep 1", cpus: 64 });
    await m.waitFor(
      async () =>
        (await call<{ queue: unknown[] }>(m, "GET", "/v2/queue?embed=lastUnusedOffers")).body.queue.length >
        0,
    );
    await call(
      m,
      "DELETE",
      `/v2/deployments/${(await call<DeploymentJson[]>(m, "GET", "/v2/deployments")).body[0]?.id}?force=true`,
    );
    await call(m, "PUT", "/v2/groups/site?dryRun=true", {
      apps: [{ id: "cm", cmd: "sleep 100", cpus: 0.1, mem: 16 }],
    });
    await call(m, "PUT", "/v2/groups/site?force=true", {
      apps: [{ id: "cm", cmd: "sleep 100", cpus: 0.1, mem: 16 }],
      groups: [
        { id: "workers", apps: [{ id: "startd", cmd: "sleep 100", cpus: 0.1, mem: 16, instances: 2 }] },
      ],
    });
    await m.waitForDeployments();
    await call(m, "GET", "/v2/groups");
    await call(
      m,
      "GET",
      "/v2/groups/site?embed=group.apps&embed=group.groups&embed=group.apps.tasks&embed=group.apps.counts",
    );
    await call(m, "GET", "/v2/groups/site/versions");
    await call(m, "GET", "/v2/apps/site/cm");
    const versions = (await call<{ versions: string[] }>(m, "GET", "/v2/apps/site/cm/versions")).body
      .versions;
    await call(m, "GET", `/v2/apps/site/cm/versions/${versions[0]}`);
    await call(m, "GET", "/v2/tasks?status=running");
    await call(m, "POST", "/v2/tasks/delete", { ids: m.taskIds("/site/workers/startd").slice(0, 1) });
    await call(m, "GET", "/v2/info");
    await call(m, "GET", "/v2/leader");
    await call(m, "GET", "/v2/apps/missing");
    await call(m, "POST", "/v2/apps", { id: "/bad", cmd: "x", instances: -1 });
    await call(m, "DELETE", "/v2/apps/site/cm");
    await m.waitForDeployments();
    await call(m, "DELETE", "/v2/groups/site");
    await m.waitForDeployments();
    await call(m, "GET", "/v2/apps");

    const checked = new Set<string>();
    for (const r of m.responses) {
      const target = schemaFor(r);
      if (!target) continue;
      const result = target.schema.safeParse(r.body);
      expect(
        result.success,
        `${r.method} ${r.path}${r.query} ${r.status} vs ${target.name}: ${String(result.error)}`,
      ).toBe(true);
      checked.add(target.name);
    }
    expect([...checked].sort()).toEqual(
      [
        "AppCreatedResponseSchema",
        "AppListResponseSchema",
        "AppResponseSchema",
        "AppSchema",
        "AppVersionsResponseSchema",
        "DeploymentListResponseSchema",
        "DeploymentLockedErrorSchema",
        "DeploymentResultSchema",
        "DeploymentStepsSchema",
        "GroupSchema",
        "GroupVersionsResponseSchema",
        "InfoSchema",
        "LeaderResponseSchema",
        "MarathonErrorSchema",
        "QueueResponseSchema",
        "TaskListResponseSchema",
        "TaskResponseSchema",
      ].sort(),
    );

    for (const event of m.events.history) {
      const result = MarathonEventSchema.safeParse(event);
      expect(result.success, `${event.eventType}: ${String(result.error)}`).toBe(true);
    }
    expect(new Set(m.events.history.map((e) => e.eventType))).toEqual(
      new Set([
        "api_post_event",
        "status_update_event",
        "instance_changed_event",
        "health_status_changed_event",
        "instance_health_changed_event",
        "deployment_info",
        "deployment_step_success",
        "deployment_step_failure",
        "deployment_success",
        "deployment_failed",
        "group_change_success",
        "group_change_failed",
        "app_terminated_event",
      ]),
    );

    const upstream = upstreamValidators();
    let apps = 0;
    let groups = 0;
    for (const r of m.responses) {
      if (r.status !== 200 && r.status !== 201) continue;
      const body = r.body as Record<string, unknown>;
      const defs: Record<string, unknown>[] = [];
      if (r.method === "POST" && r.path === "/v2/apps") defs.push(body);
      if (r.method === "GET" && r.path === "/v2/apps") defs.push(...(body.apps as Record<string, unknown>[]));
      if (r.method === "GET" && /^\/v2\/apps\/.+\/versions\/.+$/.test(r.path)) defs.push(body);
      if (r.method === "GET" && /^\/v2\/apps\/[^*]+$/.test(r.path) && "app" in body)
        defs.push(body.app as Record<string, unknown>);
      for (const def of defs) {
        const valid = upstream.app(definitionOf(def));
        expect(valid, `${r.method} ${r.path}: ${ajvErrors(upstream.app.errors)}`).toBe(true);
        apps++;
      }
      if (r.method === "GET" && r.path.startsWith("/v2/groups") && !r.path.endsWith("/versions")) {
        const valid = upstream.group(groupDefinitionOf(body));
        expect(valid, `${r.method} ${r.path}: ${ajvErrors(upstream.group.errors)}`).toBe(true);
        groups++;
      }
    }
    expect(apps).toBeGreaterThan(5);
    expect(groups).toBe(2);

    // The checks are not vacuous: a broken definition fails upstream's schema.
    expect(upstream.app({ id: "/x", cmd: "a", args: ["b"] })).toBe(false);
    expect(upstream.app({ id: "/x", cmd: "a", tasksRunning: 1 })).toBe(false);
  });
});
