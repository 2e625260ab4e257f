import { afterEach, describe, expect, it } from "vitest";
import { AgentCluster } from "./cluster.js";
import type { TaskLaunchSpec, TaskStatusUpdate } from "./runner.js";
import { SimulatedRunner } from "./simulated-runner.js";
import { until } from "./test-helpers.js";

const agent = new AgentCluster(1).agents[0];
if (!agent) throw new Error("agent");
const spec = (taskId: string): TaskLaunchSpec => ({
  taskId,
  agent,
  resources: { cpus: 1, mem: 1, disk: 0, gpus: 0 },
  ports: [],
  command: { shell: true, value: "sleep 1" },
  env: {},
});

let runner: SimulatedRunner;
afterEach(async () => {
  await runner.close();
});

describe("SimulatedRunner", () => {
  it("goes STAGING → STARTING → RUNNING, and KILLING → KILLED on kill, asynchronously", async () => {
    runner = new SimulatedRunner({ stepDelayMs: 5 });
    const updates: TaskStatusUpdate[] = [];
    runner.launch(spec("a"), (u) => updates.push(u));
    expect(updates).toEqual([]);
    await until(() => updates.length === 3);
    expect(updates.map((u) => u.state)).toEqual(["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING"]);
    runner.kill("a");
    expect(updates).toHaveLength(3);
    await until(() => updates.length === 5);
    expect(updates.map((u) => u.state).slice(3)).toEqual(["TASK_KILLING", "TASK_KILLED"]);
    runner.kill("a");
    expect(() => runner.fail("nope")).toThrow(/unknown task/);
  });

  it("fails, finishes and loses tasks on request", async () => {
    runner = new SimulatedRunner({ stepDelayMs: 1 });
    const updates = new Map<string, TaskStatusUpdate[]>();
    for (const id of ["f", "d", "l"]) {
      updates.set(id, []);
      runner.launch(spec(id), (u) => updates.get(id)?.push(u));
    }
    await until(() => [...updates.values()].every((u) => u.length === 3));
    runner.fail("f", "boom");
    runner.finish("d");
    runner.lose("l");
    await until(() => [...updates.values()].every((u) => u.length === 4));
    expect(updates.get("f")?.[3]).toMatchObject({ state: "TASK_FAILED", message: "boom" });
    expect(updates.get("d")?.[3]).toMatchObject({ state: "TASK_FINISHED" });
    expect(updates.get("l")?.[3]).toMatchObject({ state: "TASK_GONE" });
    expect(runner.stateOf("f")).toBe("TASK_FAILED");
    expect(() => runner.lose("l", "TASK_RUNNING")).toThrow(/not a terminal state/);
  });
});
