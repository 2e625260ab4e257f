import { afterEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../emulator.js";
import { type MarathonEmulator, startMarathonEmulator } from "../marathon/emulator.js";
import { call } from "../marathon/test-helpers.js";
import { type MesosMasterServer, startMesosMaster } from "./server.js";
import { get, post } from "./test-helpers.js";

let mesos: MesosMasterServer | undefined;
let marathon: MarathonEmulator | undefined;
let emulator: Emulator | undefined;

afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
  await mesos?.close();
  mesos = undefined;
  await emulator?.close();
  emulator = undefined;
});

interface TaskJson {
  task_id: { value: string };
  framework_id: { value: string };
  state: string;
}
interface TasksReply {
  get_tasks: { tasks?: TaskJson[]; completed_tasks?: TaskJson[] };
}
interface FrameworksReply {
  get_frameworks: {
    frameworks?: {
      framework_info: { id: { value: string }; name: string; role?: string; failover_timeout?: number };
    }[];
  };
}
interface QueueReply {
  queue: {
    app: { id: string };
    processedOffersSummary: {
      processedOffersCount: number;
      unusedOffersCount: number;
      rejectSummaryLastOffers: { reason: string; declined: number }[];
    };
  }[];
}

describe("Marathon as a framework of the Mesos master", () => {
  it("launches through offers: its tasks show under the marathon framework, unusable offers are declined and counted", async () => {
    mesos = await startMesosMaster({ agents: [{ cpus: 1 }, { cpus: 1 }], allocationIntervalMs: 50 });
    const m = mesos;
    marathon = await startMarathonEmulator({ mesos: m, timing: { taskStepDelayMs: 5 } });
    const mt = marathon;

    const frameworks = await post<FrameworksReply>(`${m.url}/api/v1`, { type: "GET_FRAMEWORKS" });
    const framework = frameworks.body.get_frameworks.frameworks?.[0]?.framework_info;
    expect(framework).toMatchObject({ name: "marathon", role: "*", failover_timeout: 604800 });
    expect(framework?.id.value).toBe(mt.frameworkId);
    const info = await call<{ frameworkId: string }>(mt, "GET", "/v2/info");
    expect(info.body.frameworkId).toBe(mt.frameworkId);
    expect(mt.mesosUrl).toBe(m.url);

    await call(mt, "POST", "/v2/apps", { id: "/web", cmd: "sleep 1000", cpus: 0.25, mem: 32, instances: 2 });
    await mt.waitForDeployments();
    const ids = mt.taskIds("/web").sort();
    expect(ids).toHaveLength(2);
    const tasks = await post<TasksReply>(`${m.url}/api/v1`, { type: "GET_TASKS" });
    expect(
      (tasks.body.get_tasks.tasks ?? []).map((t) => [t.task_id.value, t.framework_id.value, t.state]).sort(),
    ).toEqual(ids.map((id) => [id, mt.frameworkId, "TASK_RUNNING"]));
    const state = await get<{ frameworks: { id: string; name: string; tasks: { id: string }[] }[] }>(
      `${m.url}/master/state`,
    );
    const legacy = state.body.frameworks.find((f) => f.name === "marathon");
    expect(legacy?.id).toBe(mt.frameworkId);
    expect(legacy?.tasks.map((t) => t.id).sort()).toEqual(ids);

    // An app no agent can take: Marathon declines the offers and the queue says why.
    await call(mt, "POST", "/v2/apps", { id: "/huge", cmd: "sleep 1000", cpus: 2, mem: 32 });
    await mt.waitFor(async () => {
      const queue = await call<QueueReply>(mt, "GET", "/v2/queue");
      const huge = queue.body.queue.find((q) => q.app.id === "/huge");
      return (huge?.processedOffersSummary.unusedOffersCount ?? 0) >= 2;
    });
    const queue = await call<QueueReply>(mt, "GET", "/v2/queue");
    const summary = queue.body.queue.find((q) => q.app.id === "/huge")?.processedOffersSummary;
    expect(summary?.rejectSummaryLastOffers.find((r) => r.reason === "InsufficientCpus")?.declined).toBe(2);
    const counts = m.callCounts("scheduler");
    expect(counts.DECLINE).toBeGreaterThanOrEqual(1);
    expect(counts.ACCEPT).toBeGreaterThanOrEqual(1);
    expect(counts.REVIVE).toBeGreaterThanOrEqual(2);

    // Scaling down and deleting kill through Mesos (KILL), and Marathon suppresses offers once nothing waits.
    await call(mt, "DELETE", "/v2/apps/huge");
    await call(mt, "DELETE", "/v2/apps/web");
    await mt.waitForDeployments();
    expect(m.callCounts("scheduler").KILL).toBe(2);
    const after = await post<TasksReply>(`${m.url}/api/v1`, { type: "GET_TASKS" });
    expect(after.body.get_tasks.tasks ?? []).toEqual([]);
    expect((after.body.get_tasks.completed_tasks ?? []).map((t) => t.state)).toEqual([
      "TASK_KILLED",
      "TASK_KILLED",
    ]);
    await m.waitFor(() => m.master.frameworks()[0]?.suppressedRoles.has("*") === true);
  });

  it("relaunches a task the master reports lost with its agent", async () => {
    mesos = await startMesosMaster({ agents: 2, allocationIntervalMs: 50 });
    const m = mesos;
    marathon = await startMarathonEmulator({ mesos: m, timing: { taskStepDelayMs: 5, backoffScale: 0.001 } });
    const mt = marathon;
    await call(mt, "POST", "/v2/apps", { id: "/one", cmd: "sleep 1000", cpus: 0.1, mem: 32 });
    await mt.waitForDeployments();
    const [first] = mt.taskIds("/one");
    const tasks = await call<{ tasks: { id: string; slaveId: string }[] }>(mt, "GET", "/v2/apps/one/tasks");
    const agentId = tasks.body.tasks[0]?.slaveId ?? "";
    expect(m.removeAgent(agentId)).toBe(true);
    await mt.waitForEvent(
      "status_update_event",
      (e) => e.taskId === first && e.taskStatus === "TASK_UNREACHABLE",
    );
    await mt.waitFor(async () => {
      const now = await call<{ tasks: { id: string; state: string; slaveId: string }[] }>(
        mt,
        "GET",
        "/v2/apps/one/tasks",
      );
      return now.body.tasks.some(
        (t) => t.id !== first && t.state === "TASK_RUNNING" && t.slaveId !== agentId,
      );
    });
  });

  it("startEmulator starts a master and a Marathon registered with it", async () => {
    emulator = await startEmulator({ agents: 1, mesos: { allocationIntervalMs: 50 } });
    const e = emulator;
    expect(e.mesosUrl).toBe(e.mesos.url);
    expect(e.marathonUrl).toBe(e.marathon.url);
    const frameworks = await post<FrameworksReply>(`${e.mesosUrl}/api/v1`, { type: "GET_FRAMEWORKS" });
    expect(frameworks.body.get_frameworks.frameworks?.map((f) => f.framework_info.name)).toEqual([
      "marathon",
    ]);
    const info = await call<{ frameworkId: string }>(e.marathonUrl, "GET", "/v2/info");
    expect(info.body.frameworkId).toBe(
      frameworks.body.get_frameworks.frameworks?.[0]?.framework_info.id.value,
    );
    await call(e.marathonUrl, "POST", "/v2/apps", { id: "/hello", cmd: "sleep 100", cpus: 0.1, mem: 32 });
    await e.marathon.waitForDeployments();
    const tasks = await post<TasksReply>(`${e.mesosUrl}/api/v1`, { type: "GET_TASKS" });
    expect(tasks.body.get_tasks.tasks?.map((t) => t.state)).toEqual(["TASK_RUNNING"]);
    await e.close();
    emulator = undefined;
    await expect(fetch(`${e.mesosUrl}/health`)).rejects.toThrow();
    await expect(fetch(`${e.marathonUrl}/ping`)).rejects.toThrow();
  });
});
