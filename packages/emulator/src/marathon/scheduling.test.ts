import { afterEach, describe, expect, it } from "vitest";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import type { MarathonEvent } from "./events.js";
import { type AppJson, call, type DeploymentResultJson, type TaskJson } from "./test-helpers.js";

let marathon: MarathonEmulator | undefined;
afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
});

/** Tracks how many tasks of an app run, from status updates, and the lowest/highest counts seen. */
async function runningCounter(m: MarathonEmulator, appId: string) {
  const tasks = (await call<{ tasks: TaskJson[] }>(m, "GET", `/v2/apps${appId}/tasks`)).body.tasks;
  const running = new Set<string>(tasks.filter((t) => t.state === "TASK_RUNNING").map((t) => t.id));
  const seen = { min: Number.POSITIVE_INFINITY, max: 0 };
  const listener = (e: MarathonEvent) => {
    if (e.eventType !== "status_update_event" || e.appId !== appId) return;
    const id = String(e.taskId);
    if (e.taskStatus === "TASK_RUNNING") running.add(id);
    else running.delete(id);
    seen.min = Math.min(seen.min, running.size);
    seen.max = Math.max(seen.max, running.size);
  };
  m.events.on("event", listener);
  return {
    seen,
    reset() {
      seen.min = running.size;
      seen.max = running.size;
    },
    stop: () => m.events.off("event", listener),
  };
}

describe("scheduling", () => {
  it("restarts under the default upgradeStrategy (1, 1): new tasks run before old ones are killed", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 3 } });
    const m = marathon;
    await call(m, "POST", "/v2/apps", { id: "/u", cmd: "sleep 100", cpus: 0.1, mem: 16, instances: 3 });
    await m.waitForDeployments();
    const counter = await runningCounter(m, "/u");
    counter.reset();
    await call(m, "POST", "/v2/apps/u/restart");
    await m.waitForDeployments();
    expect(counter.seen.min).toBe(3);
    expect(counter.seen.max).toBeGreaterThan(3);
    expect(counter.seen.max).toBeLessThanOrEqual(6);
    counter.stop();
  });

  it("restarts under (minimumHealthCapacity 0.5, maximumOverCapacity 0): never above 2, never below ceil(2 × 0.5)", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 3 } });
    const m = marathon;
    await call(m, "POST", "/v2/apps", {
      id: "/v",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      instances: 2,
      upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    });
    await m.waitForDeployments();
    const before = (await call<{ tasks: TaskJson[] }>(m, "GET", "/v2/apps/v/tasks")).body.tasks.map(
      (t) => t.id,
    );
    const counter = await runningCounter(m, "/v");
    counter.reset();
    await call(m, "PUT", "/v2/apps/v", { cmd: "sleep 200" });
    await m.waitForDeployments();
    expect(counter.seen.max).toBe(2);
    expect(counter.seen.min).toBe(1);
    const after = (await call<{ tasks: TaskJson[] }>(m, "GET", "/v2/apps/v/tasks")).body.tasks;
    expect(after).toHaveLength(2);
    for (const task of after) expect(before).not.toContain(task.id);
    counter.stop();
  });

  it("restarts with (1, 0) one instance at a time", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 3 } });
    const m = marathon;
    await call(m, "POST", "/v2/apps", {
      id: "/w",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      instances: 2,
      upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 },
    });
    await m.waitForDeployments();
    const counter = await runningCounter(m, "/w");
    counter.reset();
    const res = await call<DeploymentResultJson>(m, "POST", "/v2/apps/w/restart");
    await m.waitForEvent("deployment_success", (e) => e.id === res.body.deploymentId, { includePast: true });
    expect(counter.seen.max).toBe(2);
    expect(counter.seen.min).toBe(1);
    counter.stop();
  });

  it("waits in the queue while nothing fits and launches when resources are freed", async () => {
    marathon = await startMarathonEmulator({
      agents: [{ cpus: 2, mem: 1024 }],
      timing: { taskStepDelayMs: 2 },
    });
    const m = marathon;
    await call(m, "POST", "/v2/apps", { id: "/hog", cmd: "sleep 100", cpus: 1.5, mem: 16 });
    await m.waitForDeployments();
    await call(m, "POST", "/v2/apps", { id: "/next", cmd: "sleep 100", cpus: 1, mem: 16 });
    await m.waitFor(async () => {
      const q = await call<{
        queue: { app: { id: string }; processedOffersSummary: { unusedOffersCount: number } }[];
      }>(m, "GET", "/v2/queue");
      return (
        q.body.queue[0]?.app.id === "/next" && q.body.queue[0].processedOffersSummary.unusedOffersCount > 0
      );
    });
    expect((await call<{ app: AppJson }>(m, "GET", "/v2/apps/next")).body.app.tasksRunning).toBe(0);
    await call(m, "DELETE", "/v2/apps/hog");
    await m.waitForDeployments();
    const next = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/next")).body.app;
    expect(next.tasksRunning).toBe(1);
    expect((await call<{ queue: unknown[] }>(m, "GET", "/v2/queue")).body.queue).toEqual([]);
  });

  it("keeps UNIQUE hostname instances on distinct agents and queues the extra one", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 2 } });
    const m = marathon;
    await call(m, "POST", "/v2/apps", {
      id: "/uniq",
      cmd: "sleep 100",
      cpus: 0.1,
      mem: 16,
      instances: 4,
      constraints: [["hostname", "UNIQUE"]],
    });
    await m.waitFor(async () => {
      const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/uniq")).body.app;
      return app.tasksRunning === 3;
    });
    const tasks = (await call<{ tasks: TaskJson[] }>(m, "GET", "/v2/apps/uniq/tasks")).body.tasks;
    expect(new Set(tasks.map((t) => t.host)).size).toBe(3);
    const queue = await call<{
      queue: {
        count: number;
        processedOffersSummary: { rejectSummaryLastOffers: { reason: string; declined: number }[] };
      }[];
    }>(m, "GET", "/v2/queue");
    expect(queue.body.queue[0]?.count).toBe(1);
    expect(
      queue.body.queue[0]?.processedOffersSummary.rejectSummaryLastOffers.find(
        (r) => r.reason === "UnfulfilledConstraint",
      )?.declined,
    ).toBe(3);
    // Scaling down to 3 through the API empties the queue and completes the deployment.
    await call(m, "PUT", "/v2/apps/uniq?force=true", { instances: 3 });
    await m.waitForDeployments();
    expect((await call<{ queue: unknown[] }>(m, "GET", "/v2/queue")).body.queue).toEqual([]);
  });

  it("scaling down kills the youngest tasks first (killSelection YOUNGEST_FIRST) and OLDEST_FIRST when asked", async () => {
    marathon = await startMarathonEmulator({ timing: { taskStepDelayMs: 2 } });
    const m = marathon;
    for (const [id, selection] of [
      ["/young", "YOUNGEST_FIRST"],
      ["/old", "OLDEST_FIRST"],
    ] as const) {
      await call(m, "POST", "/v2/apps", {
        id,
        cmd: "sleep 100",
        cpus: 0.1,
        mem: 16,
        instances: 1,
        killSelection: selection,
      });
      await m.waitForDeployments();
      await call(m, "PUT", `/v2/apps${id}`, { instances: 2 });
      await m.waitForDeployments();
      const tasks = (await call<{ tasks: TaskJson[] }>(m, "GET", `/v2/apps${id}/tasks`)).body.tasks;
      const sorted = [...tasks].sort((a, b) => (a.stagedAt < b.stagedAt ? -1 : 1));
      await call(m, "PUT", `/v2/apps${id}`, { instances: 1 });
      await m.waitForDeployments();
      const [left] = (await call<{ tasks: TaskJson[] }>(m, "GET", `/v2/apps${id}/tasks`)).body.tasks;
      expect(left?.id).toBe(selection === "YOUNGEST_FIRST" ? sorted[0]?.id : sorted[1]?.id);
    }
  });
});
