import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentCluster } from "./cluster.js";
import { ProcessRunner } from "./process-runner.js";
import type { TaskLaunchSpec, TaskStatusUpdate } from "./runner.js";
import { isAlive, randomPortBase, until } from "./test-helpers.js";
import { isTerminalState } from "./types.js";

let workDir: string;
let runner: ProcessRunner;
const cluster = new AgentCluster(1, { portRangeStart: randomPortBase(1000) });
const agent = cluster.agents[0];
if (!agent) throw new Error("no agent");

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), "process-runner-test-"));
  runner = new ProcessRunner({ workDir });
});

afterEach(async () => {
  await runner.close();
  rmSync(workDir, { recursive: true, force: true });
});

function spec(taskId: string, cmd: string, extra: Partial<TaskLaunchSpec> = {}): TaskLaunchSpec {
  return {
    taskId,
    agent: agent as NonNullable<typeof agent>,
    resources: { cpus: 0.1, mem: 16, disk: 0, gpus: 0 },
    ports: [agent?.resources.ports.begin ?? 0],
    command: { shell: true, value: cmd },
    env: { GREETING: "hello" },
    ...extra,
  };
}

function launch(s: TaskLaunchSpec): TaskStatusUpdate[] {
  const updates: TaskStatusUpdate[] = [];
  runner.launch(s, (u) => updates.push(u));
  return updates;
}

const last = (updates: TaskStatusUpdate[]) => updates[updates.length - 1];
const ended = (updates: TaskStatusUpdate[]) => () => {
  const u = last(updates);
  return u !== undefined && isTerminalState(u.state);
};

describe("ProcessRunner", () => {
  it("runs the command in its sandbox with stdout/stderr files and the Mesos environment; exit 0 → TASK_FINISHED", async () => {
    const updates = launch(spec("t1", 'echo "$GREETING $MESOS_TASK_ID $HOST" ; echo oops >&2 ; pwd'));
    await until(ended(updates));
    expect(updates.map((u) => u.state)).toEqual([
      "TASK_STAGING",
      "TASK_STARTING",
      "TASK_RUNNING",
      "TASK_FINISHED",
    ]);
    expect(last(updates)?.message).toBe("Command exited with status 0");
    const sandbox = runner.sandboxOf("t1") ?? "";
    expect(sandbox).toBe(join(workDir, "agents", agent?.id ?? "", "sandboxes", "t1"));
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe(`hello t1 127.0.0.1\n${sandbox}\n`);
    expect(readFileSync(join(sandbox, "stderr"), "utf8")).toBe("oops\n");
  });

  it("maps a non-zero exit to TASK_FAILED and says the status", async () => {
    const updates = launch(spec("t2", "exit 3"));
    await until(ended(updates));
    expect(last(updates)).toMatchObject({ state: "TASK_FAILED", message: "Command exited with status 3" });
  });

  it("runs argv commands without a shell", async () => {
    const updates = launch(spec("t3", "", { command: { shell: false, argv: ["/bin/sh", "-c", "exit 0"] } }));
    await until(ended(updates));
    expect(last(updates)?.state).toBe("TASK_FINISHED");
  });

  it("kill: SIGTERM to the process group, SIGKILL after the grace period → TASK_KILLED", async () => {
    const cmd =
      "trap 'echo term >> \"$MESOS_SANDBOX/signals\"' TERM; echo $$ > pid; while true; do sleep 0.05; done";
    const updates = launch(spec("t4", cmd, { killGracePeriodMs: 400 }));
    await until(() => updates.some((u) => u.state === "TASK_RUNNING"));
    const sandbox = runner.sandboxOf("t4") ?? "";
    await until(
      () => existsSync(join(sandbox, "pid")) && readFileSync(join(sandbox, "pid"), "utf8").trim() !== "",
    );
    const pid = Number(readFileSync(join(sandbox, "pid"), "utf8"));
    const started = Date.now();
    runner.kill("t4");
    await until(ended(updates));
    const elapsed = Date.now() - started;
    expect(updates.map((u) => u.state).slice(-2)).toEqual(["TASK_KILLING", "TASK_KILLED"]);
    expect(last(updates)?.message).toBe("Command terminated with signal Killed");
    expect(readFileSync(join(sandbox, "signals"), "utf8")).toContain("term");
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(isAlive(pid)).toBe(false);
  });

  it("kill of a task that exits on SIGTERM is quick", async () => {
    const updates = launch(spec("t5", "sleep 100", { killGracePeriodMs: 10_000 }));
    await until(() => updates.some((u) => u.state === "TASK_RUNNING"));
    const started = Date.now();
    runner.kill("t5");
    await until(ended(updates));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(last(updates)).toMatchObject({
      state: "TASK_KILLED",
      message: "Command terminated with signal Terminated",
    });
  });

  it("fails Docker tasks with a clear message", async () => {
    const updates = launch(
      spec("t6", "", { command: undefined, container: { type: "DOCKER", image: "nginx" } }),
    );
    await until(ended(updates));
    expect(last(updates)).toMatchObject({
      state: "TASK_FAILED",
      message: "the process runner runs command tasks only; this app uses a DOCKER container",
    });
  });

  it("puts the exec prefix in front of the command", async () => {
    await runner.close();
    runner = new ProcessRunner({ workDir, execPrefix: ["/usr/bin/env", "PREFIXED=yes"] });
    const updates = launch(spec("t7", 'echo "$PREFIXED"'));
    await until(ended(updates));
    expect(readFileSync(join(runner.sandboxOf("t7") ?? "", "stdout"), "utf8")).toBe("yes\n");
  });

  it("close() kills every process of every task, background children included, and keeps sandboxes", async () => {
    const cmd = "sleep 300 & echo $! > child; echo $$ > pid; wait";
    const updates = launch(spec("t8", cmd));
    await until(() => updates.some((u) => u.state === "TASK_RUNNING"));
    const sandbox = runner.sandboxOf("t8") ?? "";
    await until(() =>
      ["pid", "child"].every(
        (f) => existsSync(join(sandbox, f)) && readFileSync(join(sandbox, f), "utf8").trim() !== "",
      ),
    );
    const pids = ["pid", "child"].map((f) => Number(readFileSync(join(sandbox, f), "utf8")));
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
    await runner.close();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(existsSync(sandbox)).toBe(true);
  });

  it("cleanup: true removes the sandboxes it made", async () => {
    await runner.close();
    runner = new ProcessRunner({ workDir, cleanup: true });
    const updates = launch(spec("t9", "true"));
    await until(ended(updates));
    const sandbox = runner.sandboxOf("t9") ?? "";
    expect(existsSync(sandbox)).toBe(true);
    await runner.close();
    expect(existsSync(sandbox)).toBe(false);
    expect(existsSync(workDir)).toBe(true);
  });

  it("runs command checks in the sandbox with the task's environment", async () => {
    const updates = launch(spec("t10", "sleep 100"));
    await until(() => updates.some((u) => u.state === "TASK_RUNNING"));
    expect(await runner.runCommandCheck("t10", 'test "$GREETING" = hello && test -f stdout', 2000)).toEqual({
      ok: true,
    });
    expect(await runner.runCommandCheck("t10", "exit 4", 2000)).toEqual({
      ok: false,
      cause: "exited with status 4",
    });
    const slow = await runner.runCommandCheck("t10", "sleep 5", 50);
    expect(slow.ok).toBe(false);
    expect(slow.cause).toMatch(/timed out/);
  });
});
