/**
 * Test support: runs the real HTCondor 23.9.6 of the provisioned rootfs with `chroot`, for the integration tests. Daemons that need /proc run in a private mount namespace (unshare), so nothing stays
 * mounted on the host. Every directory it makes lives under `<rootfs>/tmp/bsaas-test-*` and is removed by
 * {@link Scratch.remove}.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { lookupUser } from "../../src/htcondor/local/installation.js";
import { spawnDaemon } from "../../src/htcondor/local/instance.js";

/** The rootfs holding HTCondor (BSAAS_HTCONDOR_ROOTFS, default /var/lib/bsaas/htcondor-trixie). */
export function condorRootfs(): string {
  return process.env.BSAAS_HTCONDOR_ROOTFS ?? "/var/lib/bsaas/htcondor-trixie";
}

/**
 * The rootfs, or an error saying how to make one: these tests fail rather than skip without HTCondor. `needs` are
 * paths that must exist in it.
 */
export function requireCondorRootfs(
  needs: readonly string[] = ["usr/bin/condor_config_val", "usr/sbin/condor_collector"],
): string {
  const rootfs = condorRootfs();
  const missing = needs.find((p) => !existsSync(join(rootfs, p)));
  if (missing) {
    throw new Error(
      `HTCondor rootfs not found at ${rootfs} (no ${missing}). Run scripts/provision-htcondor as root ` +
        "to create it, or point BSAAS_HTCONDOR_ROOTFS at an existing one.",
    );
  }
  return rootfs;
}

/** Result of a command run in the rootfs. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command inside the rootfs (`chroot`), with `env` added to a minimal environment (no host `_CONDOR_*`
 * leaks in). `user` runs it as that rootfs user.
 */
export function runInRootfs(
  rootfs: string,
  argv: readonly string[],
  options: { env?: Record<string, string>; user?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const args = options.user ? [`--userspec=${options.user}`, rootfs, ...argv] : [rootfs, ...argv];
  const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn("chroot", args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What condor_config_val says about one knob: its expanded value, or undefined for "Not defined". */
export async function condorConfigVal(
  rootfs: string,
  configFile: string,
  knob: string,
  options: { subsystem?: string; localName?: string; env?: Record<string, string> } = {},
): Promise<string | undefined> {
  const argv = ["condor_config_val"];
  if (options.subsystem) argv.push("-subsystem", options.subsystem);
  if (options.localName) argv.push("-local-name", options.localName);
  argv.push(knob);
  const r = await runInRootfs(rootfs, argv, { env: { CONDOR_CONFIG: configFile, ...options.env } });
  if (r.code === 0) return r.stdout.replace(/\n$/, "");
  if (/Not defined/.test(r.stderr) || /Not defined/.test(r.stdout)) return undefined;
  throw new Error(`condor_config_val ${knob} failed (${r.code}): ${r.stderr}${r.stdout}`);
}

/** uid/gid of a user in the rootfs's own /etc/passwd. */
export function rootfsUser(rootfs: string, user: string): { uid: number; gid: number } {
  return lookupUser({ kind: "rootfs", rootfs }, user);
}

/** A free TCP port on 127.0.0.1 (the kernel's choice). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      server.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A scratch directory inside the rootfs; `inside` is the path HTCondor sees, `host(p)` the same from here. */
export class Scratch {
  readonly inside: string;
  private readonly hostDir: string;

  constructor(
    readonly rootfs: string,
    prefix: string,
  ) {
    mkdirSync(join(rootfs, "tmp"), { recursive: true });
    this.hostDir = mkdtempSync(join(rootfs, "tmp", `bsaas-test-${prefix}-`));
    // daemons run as the condor user and must reach their LOCAL_DIR below this directory
    chmodSync(this.hostDir, 0o755);
    this.inside = this.hostDir.slice(rootfs.replace(/\/$/, "").length);
  }

  /** The host path of a path inside the scratch (`rel`) or of an absolute in-rootfs path. */
  host(path: string): string {
    return path.startsWith("/") ? join(this.rootfs, path) : join(this.hostDir, path);
  }

  /** Writes a file (relative to the scratch), returns its in-rootfs path. */
  write(rel: string, text: string): string {
    writeFileSync(join(this.hostDir, rel), text);
    return join(this.inside, rel);
  }

  remove(): void {
    rmSync(this.hostDir, { recursive: true, force: true });
  }
}

/** A daemon started in the rootfs; `stop()` signals its whole process group and waits for it. */
export class RootfsDaemon {
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output = "";

  /**
   * Starts `argv` in the rootfs. With `withProc` it runs in a private mount namespace with /proc and /dev mounted
   * (what condor_master and its children need); without, a plain chroot (enough for a lone collector).
   */
  constructor(rootfs: string, argv: readonly string[], env: Record<string, string>, withProc: boolean) {
    const fullEnv = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", ...env };
    const [program, ...args] = argv;
    if (program === undefined) throw new Error("RootfsDaemon needs a program to run");
    this.child = withProc
      ? spawnDaemon({ kind: "rootfs", rootfs }, [program, ...args], {
          env: fullEnv,
          stdio: ["ignore", "pipe", "pipe"],
        })
      : spawn("chroot", [rootfs, ...argv], {
          env: fullEnv,
          stdio: ["ignore", "pipe", "pipe"],
          detached: true,
        });
    const collect = (d: Buffer) => {
      this.output = (this.output + d.toString()).slice(-20_000);
    };
    this.child.stdout?.on("data", collect);
    this.child.stderr?.on("data", collect);
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** SIGTERM (graceful) then, after `timeoutMs`, SIGKILL of the process group. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        // already gone
      }
    };
    if (this.child.exitCode === null && this.child.signalCode === null) {
      kill("SIGTERM");
      const done = await Promise.race([
        this.exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), timeoutMs)),
      ]);
      if (!done) kill("SIGKILL");
      await this.exited;
    }
    // children of the master are in its process group; make sure none outlives it
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        process.kill(-pid, 0);
      } catch {
        return;
      }
      if (Date.now() > deadline) {
        kill("SIGKILL");
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Thrown by a check to end {@link waitFor} at once with this error. */
export class StopWaiting extends Error {}

/**
 * Polls `check` until it returns true; fails naming `what` (and the last error) after `timeoutMs`, or at once when
 * the check throws {@link StopWaiting}.
 */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof StopWaiting) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
