import { type ChildProcess, spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fetchUris } from "./fetcher.js";
import {
  type CommandCheckResult,
  nowIso,
  type TaskLaunchSpec,
  type TaskRunner,
  type TaskStatusListener,
} from "./runner.js";
import { isTerminalState, type MesosTaskState } from "./types.js";

/** Options of {@link ProcessRunner}. */
export interface ProcessRunnerOptions {
  /**
   * Where sandboxes go (`<workDir>/agents/<agentId>/sandboxes/<taskId>`). Default: a new temporary directory, or
   * `<rootfs>/var/lib/mesos/bsaas-emulator-<random>` with `rootfs` (a given `workDir` must then be inside `rootfs`).
   */
  workDir?: string;
  /**
   * Prepended to every command, e.g. `["unshare", "--net"]`. With `rootfs` it runs on the host, in front of the
   * `unshare ... chroot` that enters the rootfs.
   */
  execPrefix?: readonly string[];
  /**
   * The agents' root filesystem (e.g. a Debian rootfs with HTCondor installed): each task and command health check
   * runs chrooted into it, in a private mount namespace with /proc, /dev and the host's /etc/hosts mounted (they
   * vanish with the task's last process), in its sandbox, with `MESOS_SANDBOX` as seen inside. Needs root.
   */
  rootfs?: string;
  /** Remove the sandboxes this runner created (and the temporary work dir, if it made one) on `close()`. */
  cleanup?: boolean;
  /** Multiplies kill grace periods (tests use e.g. 0.1). Default 1. */
  killGraceScale?: number;
  /** How long `close()` waits after SIGTERM before SIGKILL. Default 1000 ms. */
  closeGraceMs?: number;
  /** Host environment variables passed to tasks (default `PATH`, `HOME`, `LANG`). */
  inheritEnv?: readonly string[];
}

interface ProcessTask {
  spec: TaskLaunchSpec;
  listener: TaskStatusListener;
  state: MesosTaskState;
  sandbox: string;
  env: Record<string, string>;
  child?: ChildProcess;
  /** Set while the task's URIs are being fetched. */
  fetch?: { abort: AbortController; done: Promise<void> };
  killRequested: boolean;
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
  markExited: () => void;
}

const DEFAULT_GRACE_MS = 3000;

function signalName(signal: NodeJS.Signals): string {
  const names: Partial<Record<NodeJS.Signals, string>> = {
    SIGTERM: "Terminated",
    SIGKILL: "Killed",
    SIGINT: "Interrupt",
    SIGSEGV: "Segmentation fault",
    SIGABRT: "Aborted",
  };
  return names[signal] ?? signal;
}

/** True while a live (not zombie) process is in process group `pgid` (Linux: read from /proc). */
function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name: state ppid pgrp ...
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(pgrp) === pgid && state !== "Z" && state !== "X") return true;
  }
  return false;
}

/** Waits until process group `pgid` has no live process, killing it again meanwhile; gives up after `timeoutMs`. */
async function waitForGroupExit(pgid: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && Date.now() < deadline) {
    killGroup(pgid, "SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Sends `signal` to the whole process group led by `pid`; ignores groups that are already gone. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/**
 * Runs a program in `rootfs` like `spawnDaemon` of the SDK does: `unshare` makes a private mount namespace, `sh`
 * mounts /proc, /dev and the host's /etc/hosts into the rootfs and execs `chroot`, whose `sh` enters the sandbox
 * (GNU chroot changes to `/`) and execs the program. Every step execs, so the process `unshare` started as is the
 * program itself: it leads the process group, and the mounts vanish with the namespace's last process.
 * Arguments: `$1` rootfs, `$2` working directory inside it, then the program's argv.
 */
const ROOTFS_SCRIPT =
  'r="$1"; d="$2"; shift 2; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && ' +
  'mount --bind /etc/hosts "$r/etc/hosts" && exec chroot "$r" /bin/sh -c \'cd "$1" && shift && exec "$@"\' sh "$d" "$@"';

/** Checks `rootfs` and `workDir` options; returns the absolute rootfs, if any. */
function checkRootfs(options: ProcessRunnerOptions): string | undefined {
  if (options.rootfs === undefined) return undefined;
  const rootfs = resolve(options.rootfs);
  let isDirectory = false;
  try {
    isDirectory = statSync(rootfs).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) throw new Error(`ProcessRunner: rootfs ${rootfs} is not a directory`);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `ProcessRunner: running tasks in rootfs ${rootfs} needs root (mount namespaces and chroot); run as root or drop rootfs`,
    );
  }
  if (options.workDir !== undefined) {
    const inside = relative(rootfs, resolve(options.workDir));
    if (inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      throw new Error(
        `ProcessRunner: workDir ${resolve(options.workDir)} must be inside rootfs ${rootfs} (tasks see only the rootfs)`,
      );
    }
  }
  return rootfs;
}

/**
 * A runner that runs a command task's `cmd` (with `/bin/sh -c`) or `args` as a real local process, in its own process
 * group and sandbox directory, with the environment Mesos gives (`MESOS_SANDBOX`, `MESOS_TASK_ID`, `HOST`) plus what
 * the framework sets. Before the command starts, the task's URIs are fetched into the sandbox like the Mesos fetcher
 * does (a failure → `TASK_FAILED`). stdout and stderr go to files `stdout` and `stderr` in the sandbox. Exit 0 →
 * `TASK_FINISHED`, another status → `TASK_FAILED`; a kill sends SIGTERM to the process group, then SIGKILL after the
 * grace period, → `TASK_KILLED`. With `rootfs`, tasks run chrooted into that directory (see
 * {@link ProcessRunnerOptions.rootfs}). Container images cannot be run: such tasks fail with a message saying so.
 */
export class ProcessRunner implements TaskRunner {
  readonly kind = "process";
  private readonly options: ProcessRunnerOptions;
  private workDirPath: string | undefined;
  private createdWorkDir = false;
  private readonly tasks = new Map<string, ProcessTask>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly checks = new Set<ChildProcess>();
  private closed = false;
  private readonly rootfs: string | undefined;

  /** Throws when `rootfs` is not a directory, this process is not root, or `workDir` is outside `rootfs`. */
  constructor(options: ProcessRunnerOptions = {}) {
    this.options = options;
    this.rootfs = checkRootfs(options);
    this.workDirPath =
      options.workDir === undefined || this.rootfs === undefined ? options.workDir : resolve(options.workDir);
  }

  /** The work dir (created on first use when none was given). */
  get workDir(): string {
    if (this.workDirPath === undefined) {
      if (this.rootfs === undefined) this.workDirPath = mkdtempSync(join(tmpdir(), "bsaas-emulator-"));
      else {
        const parent = join(this.rootfs, "var", "lib", "mesos");
        mkdirSync(parent, { recursive: true });
        this.workDirPath = mkdtempSync(join(parent, "bsaas-emulator-"));
      }
      this.createdWorkDir = true;
    }
    return this.workDirPath;
  }

  /** A host path as tasks see it: itself, or with `rootfs` the path inside the rootfs. */
  private taskView(hostPath: string): string {
    if (this.rootfs === undefined) return hostPath;
    return `/${relative(this.rootfs, hostPath).split(sep).join("/")}`;
  }

  /** The argv that runs `argv` for a task: behind the exec prefix and, with `rootfs`, chrooted into its sandbox. */
  private commandLine(argv: readonly string[], sandbox: string): string[] {
    const prefix = this.options.execPrefix ?? [];
    if (this.rootfs === undefined) return [...prefix, ...argv];
    return [
      ...prefix,
      "unshare",
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      ROOTFS_SCRIPT,
      "sh",
      this.rootfs,
      this.taskView(sandbox),
      ...argv,
    ];
  }

  launch(spec: TaskLaunchSpec, listener: TaskStatusListener): void {
    if (this.closed) throw new Error("runner is closed");
    const previous = this.tasks.get(spec.taskId);
    // A task id may be used again once its task is over (Mesos only refuses ids of active tasks).
    if (previous && !isTerminalState(previous.state)) throw new Error(`task ${spec.taskId} exists`);
    let markExited = () => {};
    const exited = new Promise<void>((resolve) => {
      markExited = resolve;
    });
    const sandbox = join(this.workDir, "agents", spec.agent.id, "sandboxes", spec.taskId);
    const env: Record<string, string> = {};
    for (const name of this.options.inheritEnv ?? ["PATH", "HOME", "LANG"]) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, spec.env, {
      MESOS_SANDBOX: this.taskView(sandbox),
      MESOS_DIRECTORY: this.taskView(sandbox),
      MESOS_TASK_ID: spec.taskId,
      MESOS_AGENT_ID: spec.agent.id,
      HOST: spec.agent.address,
    });
    const task: ProcessTask = {
      spec,
      listener,
      state: "TASK_STAGING",
      sandbox,
      env,
      killRequested: false,
      exited,
      markExited,
    };
    this.tasks.set(spec.taskId, task);
    this.later(() => this.start(task));
  }

  kill(taskId: string): void {
    const task = this.tasks.get(taskId);
    if (!task || task.killRequested || isTerminalState(task.state)) return;
    task.killRequested = true;
    this.later(() => {
      if (isTerminalState(task.state)) return;
      this.report(task, "TASK_KILLING", "");
      task.fetch?.abort.abort();
      const child = task.child;
      if (!child?.pid) {
        // Not started yet: nothing to signal.
        this.report(task, "TASK_KILLED", "Task killed before it started");
        task.markExited();
        return;
      }
      killGroup(child.pid, "SIGTERM");
      const grace = (task.spec.killGracePeriodMs ?? DEFAULT_GRACE_MS) * (this.options.killGraceScale ?? 1);
      task.killTimer = setTimeout(() => {
        if (child.pid) killGroup(child.pid, "SIGKILL");
      }, grace);
    });
  }

  sandboxOf(taskId: string): string | undefined {
    return this.tasks.get(taskId)?.sandbox;
  }

  /**
   * The operating-system pid of a running task's process (the leader of its process group; with `rootfs` the process
   * `unshare` started, which becomes the task's command).
   */
  pidOf(taskId: string): number | undefined {
    const task = this.tasks.get(taskId);
    return task && !isTerminalState(task.state) ? task.child?.pid : undefined;
  }

  runCommandCheck(taskId: string, command: string, timeoutMs: number): Promise<CommandCheckResult> {
    const task = this.tasks.get(taskId);
    if (!task || this.closed) return Promise.resolve({ ok: false, cause: "task is not running" });
    return new Promise((resolve) => {
      const [file, ...args] = this.commandLine(["/bin/sh", "-c", command], task.sandbox);
      let child: ChildProcess;
      try {
        child = spawn(file ?? "/bin/sh", args, {
          cwd: task.sandbox,
          env: task.env,
          detached: true,
          stdio: "ignore",
        });
      } catch (error) {
        resolve({ ok: false, cause: error instanceof Error ? error.message : String(error) });
        return;
      }
      this.checks.add(child);
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        if (child.pid) killGroup(child.pid, "SIGKILL");
      }, timeoutMs);
      child.once("error", (error) => {
        clearTimeout(timer);
        this.checks.delete(child);
        resolve({ ok: false, cause: error.message });
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        this.checks.delete(child);
        if (child.pid) killGroup(child.pid, "SIGKILL");
        if (timedOut) resolve({ ok: false, cause: `command timed out after ${timeoutMs} ms` });
        else if (code === 0) resolve({ ok: true });
        else
          resolve({
            ok: false,
            cause: signal ? `terminated with signal ${signal}` : `exited with status ${code}`,
          });
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const check of this.checks) if (check.pid) killGroup(check.pid, "SIGKILL");
    // Tasks still fetching never start: abort their downloads and wait until they have let go of their sandboxes.
    const fetching = [...this.tasks.values()].flatMap((task) => (task.fetch ? [task.fetch] : []));
    for (const fetch of fetching) fetch.abort.abort();
    await Promise.all(fetching.map((fetch) => fetch.done));
    const running = [...this.tasks.values()].filter(
      (task) => task.child?.pid && !isTerminalState(task.state),
    );
    for (const task of running) if (task.child?.pid) killGroup(task.child.pid, "SIGTERM");
    const graceMs = this.options.closeGraceMs ?? 1000;
    await Promise.race([
      Promise.all(running.map((task) => task.exited)),
      new Promise((resolve) => setTimeout(resolve, graceMs)),
    ]);
    for (const task of running) if (task.child?.pid) killGroup(task.child.pid, "SIGKILL");
    await Promise.all(running.map((task) => task.exited));
    // A task's main process can exit before the rest of its group has died (a background child still handling the
    // signal): close() promises no process is left, so wait for each group to be empty.
    await Promise.all(
      running.map((task) => (task.child?.pid ? waitForGroupExit(task.child.pid) : undefined)),
    );
    for (const task of this.tasks.values()) if (task.killTimer) clearTimeout(task.killTimer);
    if (this.options.cleanup) {
      for (const task of this.tasks.values()) rmSync(task.sandbox, { recursive: true, force: true });
      if (this.createdWorkDir && this.workDirPath) rmSync(this.workDirPath, { recursive: true, force: true });
    }
    this.tasks.clear();
  }

  private start(task: ProcessTask): void {
    if (this.closed || task.killRequested) {
      this.report(task, "TASK_KILLED", "Task killed before it started");
      task.markExited();
      return;
    }
    this.report(task, "TASK_STAGING", "");
    const { spec } = task;
    if (spec.container?.type === "DOCKER") {
      this.fail(
        task,
        "TASK_FAILED",
        "the process runner runs command tasks only; this app uses a DOCKER container",
      );
      return;
    }
    if (spec.container?.image !== undefined) {
      this.fail(
        task,
        "TASK_FAILED",
        "the process runner runs command tasks only; this app uses a MESOS container with an image",
      );
      return;
    }
    if (!spec.command) {
      this.fail(task, "TASK_ERROR", "the task has neither cmd nor args");
      return;
    }
    let stdout: number;
    let stderr: number;
    try {
      mkdirSync(task.sandbox, { recursive: true });
      stdout = openSync(join(task.sandbox, "stdout"), "a");
      stderr = openSync(join(task.sandbox, "stderr"), "a");
    } catch (error) {
      this.fail(
        task,
        "TASK_FAILED",
        `could not create the sandbox: ${error instanceof Error ? error.message : error}`,
      );
      return;
    }
    const uris = spec.uris ?? [];
    if (uris.length === 0) {
      this.run(task, stdout, stderr);
      return;
    }
    // Like the Mesos fetcher: on the agent host, into the sandbox, before the executor reports TASK_STARTING; its
    // log goes to the sandbox's stderr.
    const abort = new AbortController();
    const log = (line: string) => {
      try {
        writeSync(stderr, `${line}\n`);
      } catch {
        // the log is best effort
      }
    };
    const done = fetchUris(uris, task.sandbox, { signal: abort.signal, log }).then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    task.fetch = {
      abort,
      done: done.then((error) => {
        task.fetch = undefined;
        if (this.closed || task.killRequested || isTerminalState(task.state)) {
          closeSync(stdout);
          closeSync(stderr);
          this.fail(task, "TASK_KILLED", "Task killed before it started");
          return;
        }
        if (error) {
          const message = `Failed to fetch all URIs for container '${spec.taskId}': ${error.message}`;
          log(message);
          closeSync(stdout);
          closeSync(stderr);
          this.fail(task, "TASK_FAILED", `Failed to launch container: ${message}`);
          return;
        }
        this.run(task, stdout, stderr);
      }),
    };
  }

  /** Starts a task's command (its sandbox made, its URIs fetched); takes over the stdout/stderr descriptors. */
  private run(task: ProcessTask, stdout: number, stderr: number): void {
    const { spec } = task;
    if (!spec.command) {
      closeSync(stdout);
      closeSync(stderr);
      this.fail(task, "TASK_ERROR", "the task has neither cmd nor args");
      return;
    }
    this.report(task, "TASK_STARTING", "");
    const argv = spec.command.shell === true ? ["/bin/sh", "-c", spec.command.value] : [...spec.command.argv];
    const [file, ...args] = this.commandLine(argv, task.sandbox);
    let child: ChildProcess;
    try {
      child = spawn(file ?? "/bin/sh", args, {
        cwd: task.sandbox,
        env: task.env,
        detached: true,
        stdio: ["ignore", stdout, stderr],
      });
    } catch (error) {
      closeSync(stdout);
      closeSync(stderr);
      this.fail(task, "TASK_FAILED", `Failed to launch: ${error instanceof Error ? error.message : error}`);
      return;
    }
    closeSync(stdout);
    closeSync(stderr);
    task.child = child;
    child.once("spawn", () => {
      if (!isTerminalState(task.state) && task.state !== "TASK_KILLING")
        this.report(task, "TASK_RUNNING", "");
    });
    child.once("error", (error) => {
      if (child.pid === undefined) this.fail(task, "TASK_FAILED", `Failed to launch: ${error.message}`);
    });
    child.once("exit", (code, signal) => {
      if (task.killTimer) clearTimeout(task.killTimer);
      // Whatever the command left behind in its process group goes with it, like a Mesos container.
      if (child.pid) killGroup(child.pid, "SIGKILL");
      const how =
        signal !== null
          ? `Command terminated with signal ${signalName(signal)}`
          : `Command exited with status ${code ?? -1}`;
      if (task.killRequested) this.report(task, "TASK_KILLED", how);
      else if (code === 0) this.report(task, "TASK_FINISHED", how);
      else this.report(task, "TASK_FAILED", how);
      task.markExited();
    });
  }

  private fail(task: ProcessTask, state: MesosTaskState, message: string): void {
    this.report(task, state, message);
    task.markExited();
  }

  private report(task: ProcessTask, state: MesosTaskState, message: string): void {
    if (isTerminalState(task.state)) return;
    task.state = state;
    task.listener({ taskId: task.spec.taskId, state, message, timestamp: nowIso() });
  }

  private later(fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, 0);
    this.timers.add(timer);
  }
}
