import type { Agent, MesosTaskState, ScalarResources } from "./types.js";

/** What to run: a shell command (`/bin/sh -c value`) or an argv vector, like Mesos `CommandInfo`. */
export type TaskCommand = { shell: true; value: string } | { shell: false; argv: readonly string[] };

/**
 * A file the agent fetches into the task's sandbox before the command starts (Mesos `CommandInfo.URI`; Marathon
 * app `fetch` items, whose `destPath` becomes `outputFile`).
 */
export interface TaskFetchUri {
  /** `file:///abs/path`, `/abs/path`, `http://...` or `https://...` (the agent host's view). */
  value: string;
  /** Unpack `.tar`, `.tgz`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, `.zip` into the sandbox (Mesos default true). */
  extract?: boolean;
  /** Make the file executable (then it is never extracted). */
  executable?: boolean;
  /** Use the agent's fetcher cache (the emulator has none: ignored). */
  cache?: boolean;
  /** File name (relative to the sandbox) instead of the URI's basename (`output_file`). */
  outputFile?: string;
}

/** Everything a runner needs to start one task. */
export interface TaskLaunchSpec {
  taskId: string;
  agent: Agent;
  resources: ScalarResources;
  /** Host ports allocated to the task. */
  ports: readonly number[];
  /** Undefined when the task has no command (for example a Docker image with its own entrypoint). */
  command?: TaskCommand;
  /** Environment the framework sets (Marathon: `PORT0`, `MARATHON_APP_ID`, the app's `env`...). */
  env: Readonly<Record<string, string>>;
  /** Container of the task, when it has one. */
  container?: { type: "DOCKER" | "MESOS"; image?: string };
  /** SIGTERM → SIGKILL escalation when the task is killed (default 3000 ms). */
  killGracePeriodMs?: number;
  /** Files to fetch into the sandbox before the command starts (`CommandInfo.uris`); runners may ignore them. */
  uris?: readonly TaskFetchUri[];
}

/** A status update, as a Mesos agent would send it. */
export interface TaskStatusUpdate {
  taskId: string;
  state: MesosTaskState;
  message: string;
  /** ISO timestamp with milliseconds. */
  timestamp: string;
}

/** Receives the status updates of one task, in order. */
export type TaskStatusListener = (update: TaskStatusUpdate) => void;

/** The outcome of a command health check run inside a task's sandbox. */
export interface CommandCheckResult {
  ok: boolean;
  /** Why it failed: exit code, signal or timeout. */
  cause?: string;
}

/**
 * Runs tasks on the agents of an {@link AgentCluster}. Implementations report every state change through the
 * listener given to {@link TaskRunner.launch}, asynchronously (never from inside `launch` or `kill`).
 */
export interface TaskRunner {
  /** `simulated` or `process`. */
  readonly kind: string;
  /** Starts a task; the first update is `TASK_STAGING`. */
  launch(spec: TaskLaunchSpec, listener: TaskStatusListener): void;
  /** Kills a task: `TASK_KILLING`, then `TASK_KILLED` once it is gone. No-op for unknown or finished tasks. */
  kill(taskId: string): void;
  /** The sandbox directory of a task, for runners that have one. */
  sandboxOf(taskId: string): string | undefined;
  /** Runs a command health check in the task's sandbox with the task's environment; undefined when not supported. */
  runCommandCheck?(taskId: string, command: string, timeoutMs: number): Promise<CommandCheckResult>;
  /** Stops every task and releases what the runner holds. */
  close(): Promise<void>;
}

/** An ISO-8601 UTC timestamp with milliseconds, as Mesos and Marathon write them. */
export function nowIso(): string {
  return new Date().toISOString();
}
