import { nowIso, type TaskLaunchSpec, type TaskRunner, type TaskStatusListener } from "./runner.js";
import { isTerminalState, type MesosTaskState } from "./types.js";

/** Options of {@link SimulatedRunner}. */
export interface SimulatedRunnerOptions {
  /** Delay between state transitions (STAGING → STARTING → RUNNING, KILLING → KILLED). Default 20 ms. */
  stepDelayMs?: number;
}

interface SimulatedTask {
  spec: TaskLaunchSpec;
  listener: TaskStatusListener;
  state: MesosTaskState;
  timers: Set<NodeJS.Timeout>;
}

/**
 * A runner that runs nothing: tasks go through Mesos states on a timer (TASK_STAGING → TASK_STARTING →
 * TASK_RUNNING; kills TASK_KILLING → TASK_KILLED). Test hooks make a task fail, finish or be lost. It has no sandbox
 * and does not fetch the task's `uris` (a missing file never fails a task here; use the process runner for that).
 */
export class SimulatedRunner implements TaskRunner {
  readonly kind = "simulated";
  private readonly stepDelayMs: number;
  private readonly tasks = new Map<string, SimulatedTask>();
  private closed = false;

  constructor(options: SimulatedRunnerOptions = {}) {
    this.stepDelayMs = Math.max(0, options.stepDelayMs ?? 20);
  }

  launch(spec: TaskLaunchSpec, listener: TaskStatusListener): void {
    if (this.closed) throw new Error("runner is closed");
    const previous = this.tasks.get(spec.taskId);
    // A task id may be used again once its task is over (Mesos only refuses ids of active tasks).
    if (previous && !isTerminalState(previous.state)) throw new Error(`task ${spec.taskId} exists`);
    const task: SimulatedTask = { spec, listener, state: "TASK_STAGING", timers: new Set() };
    this.tasks.set(spec.taskId, task);
    this.after(task, 0, () => this.report(task, "TASK_STAGING", ""));
    this.after(task, this.stepDelayMs, () => {
      this.report(task, "TASK_STARTING", "");
      this.after(task, this.stepDelayMs, () => this.report(task, "TASK_RUNNING", ""));
    });
  }

  kill(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task || isTerminalState(task.state) || task.state === "TASK_KILLING") return;
    this.clearTimers(task);
    task.state = "TASK_KILLING";
    this.after(task, 0, () => {
      this.report(task, "TASK_KILLING", "");
      this.after(task, this.stepDelayMs, () =>
        this.report(task, "TASK_KILLED", "Command terminated with signal Terminated"),
      );
    });
  }

  /** Makes a task fail (`TASK_FAILED`), as if its command exited with a non-zero status. */
  fail(taskId: string, message = "Command exited with status 1"): void {
    this.end(taskId, "TASK_FAILED", message);
  }

  /** Makes a task finish (`TASK_FINISHED`), as if its command exited with status 0. */
  finish(taskId: string, message = "Command exited with status 0"): void {
    this.end(taskId, "TASK_FINISHED", message);
  }

  /** Makes a task be lost with its agent (`TASK_GONE` by default; also `TASK_DROPPED`, `TASK_UNREACHABLE`...). */
  lose(taskId: string, state: MesosTaskState = "TASK_GONE", message = "Agent is gone"): void {
    if (!isTerminalState(state)) throw new Error(`${state} is not a terminal state`);
    this.end(taskId, state, message);
  }

  /** The last state reported for a task. */
  stateOf(taskId: string): MesosTaskState | undefined {
    return this.tasks.get(taskId)?.state;
  }

  sandboxOf(): string | undefined {
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.tasks.values()) this.clearTimers(task);
    this.tasks.clear();
  }

  private end(taskId: string, state: MesosTaskState, message: string): void {
    const task = this.tasks.get(taskId);
    if (!task) throw new Error(`unknown task ${taskId}`);
    if (isTerminalState(task.state)) return;
    this.clearTimers(task);
    task.state = state;
    this.after(task, 0, () => this.report(task, state, message));
  }

  private report(task: SimulatedTask, state: MesosTaskState, message: string): void {
    task.state = state;
    task.listener({ taskId: task.spec.taskId, state, message, timestamp: nowIso() });
  }

  private after(task: SimulatedTask, delayMs: number, fn: () => void): void {
    const timer = setTimeout(() => {
      task.timers.delete(timer);
      if (!this.closed) fn();
    }, delayMs);
    task.timers.add(timer);
  }

  private clearTimers(task: SimulatedTask): void {
    for (const timer of task.timers) clearTimeout(timer);
    task.timers.clear();
  }
}
