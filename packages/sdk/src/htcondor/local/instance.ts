/**
 * One HTCondor instance on this machine: a `condor_master -f` with its own configuration file and LOCAL_DIR. Several
 * instances on one host form one pool when each has its own names and shared port; bsaas's local mode and its tests
 * run pools this way. In a rootfs the master runs under `chroot`, with /proc and /dev mounted in a private mount
 * namespace, so the mounts disappear with the instance's last process and nothing is left mounted on the host.
 */
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BsaasError } from "../../errors.js";
import {
  type CondorConfigInput,
  renderCondorConfig,
  secretFiles,
  writeSecretFiles,
} from "../config/index.js";
import type { CondorTools } from "../pool/tools.js";
import { type HTCondorInstallation, hostPath, lookupUser, toolsFor } from "./installation.js";

/** Paths of an instance, as HTCondor sees them (inside the rootfs, when there is one). */
export interface InstancePaths {
  /** The instance's LOCAL_DIR; `log`, `spool`, `execute`, `lock`, `run` exist under it, owned by the condor user. */
  localDir: string;
  /** The configuration file (`CONDOR_CONFIG`). */
  configFile: string;
  /** A directory for secrets (signing keys, tokens): put the generator's token and password directories under it. */
  secretsDir: string;
}

/** Options of {@link startCondorInstance}. */
export interface CondorInstanceOptions {
  installation: HTCondorInstallation;
  /** A short name, used for the directory (`/var/lib/bsaas/instances/<name>-<random>`). */
  name: string;
  /**
   * The instance's configuration, given its paths: an input of the SDK's generator (rendered, with its secret files
   * written 0600 with the owners HTCondor requires), or a finished configuration text.
   */
  config: (paths: InstancePaths) => CondorConfigInput | string;
  /** Where instance directories go, as HTCondor sees it. Default `/var/lib/bsaas/instances`. */
  baseDir?: string;
}

/** A running instance. */
export interface CondorInstance {
  readonly name: string;
  readonly paths: InstancePaths;
  /** Tools configured for this instance (`CONDOR_CONFIG` set). */
  readonly tools: CondorTools;
  /** The master's process id. */
  readonly pid: number;
  /** Resolves with the master's exit code when it ends, however it ends. */
  readonly exited: Promise<number | null>;
  /** A path of the instance as seen from the host. */
  hostPath(path: string): string;
  /** Reads one of the instance's logs (`MasterLog`, `StartLog`, `SchedLog`, `CollectorLog`, ...) from the host. */
  readLog(name: string): string;
  /**
   * Stops the instance. `graceful` (SIGTERM) lets HTCondor shut down in order, `fast` (SIGQUIT) does not wait for
   * jobs. After `timeoutMs` (default 60 s) it escalates to SIGQUIT, then SIGKILL of the process group. Then removes the
   * instance's directory (unless `keep`).
   */
  stop(options?: { how?: "graceful" | "fast"; timeoutMs?: number; keep?: boolean }): Promise<void>;
}

/**
 * Starts an HTCondor program of the installation in its own process group (so it can be stopped with everything it
 * starts). In a rootfs it runs under `chroot` in a private mount namespace with /proc, /dev and the host's /etc/hosts
 * mounted: daemons need them, and the mounts vanish with the namespace's last process.
 */
export function spawnDaemon(
  installation: HTCondorInstallation,
  argv: readonly [string, ...string[]],
  options: Pick<SpawnOptions, "env" | "stdio">,
): ChildProcess {
  if (installation.kind === "host") return spawn(argv[0], argv.slice(1), { ...options, detached: true });
  return spawn(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-c",
      // The host's name table too: daemons look up this machine's name, which may have changed since the rootfs
      // was made.
      'r="$1"; shift; mount -t proc proc "$r/proc" && mount --rbind /dev "$r/dev" && mount --bind /etc/hosts "$r/etc/hosts" && exec chroot "$r" "$@"',
      "sh",
      installation.rootfs,
      ...argv,
    ],
    { ...options, detached: true },
  );
}

/** Starts `condor_master -f` for a new instance; returns once the process runs (not when the daemons are ready). */
export function startCondorInstance(options: CondorInstanceOptions): CondorInstance {
  const { installation } = options;
  const baseDir = options.baseDir ?? "/var/lib/bsaas/instances";
  const dir = join(baseDir, `${options.name}-${randomBytes(4).toString("hex")}`);
  const paths: InstancePaths = {
    localDir: join(dir, "local"),
    configFile: join(dir, "condor_config"),
    secretsDir: join(dir, "secrets"),
  };
  const host = (p: string) => hostPath(installation, p);
  const condor = lookupUser(installation, "condor");
  for (const sub of ["log", "spool", "execute", "lock", "run"]) {
    mkdirSync(host(join(paths.localDir, sub)), { recursive: true });
    chownSync(host(join(paths.localDir, sub)), condor.uid, condor.gid);
  }
  chownSync(host(paths.localDir), condor.uid, condor.gid);
  // 0711: the condor user reads its token below it, but cannot list what is there.
  mkdirSync(host(paths.secretsDir), { recursive: true, mode: 0o711 });
  const config = options.config(paths);
  if (typeof config === "string") {
    writeFileSync(host(paths.configFile), config, { mode: 0o644 });
  } else {
    writeFileSync(host(paths.configFile), renderCondorConfig(config), { mode: 0o644 });
    // The master runs as this process's user (root), which is whose HTCondor wants key and token files to be.
    writeSecretFiles(
      secretFiles(config),
      installation.kind === "rootfs" ? { root: installation.rootfs } : {},
    );
  }

  const env = { ...process.env, CONDOR_CONFIG: paths.configFile };
  const out = openSync(host(join(dir, "master.out")), "a");
  const child = spawnDaemon(installation, ["condor_master", "-f"], { env, stdio: ["ignore", out, out] });
  const pid = child.pid;
  if (pid === undefined) {
    throw new BsaasError("HTCONDOR_START_FAILED", `could not start condor_master for ${options.name}`, {
      hint: "Check that unshare and chroot (util-linux, coreutils) are installed and that bsaas runs as root.",
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stopping: Promise<void> | undefined;

  const instance: CondorInstance = {
    name: options.name,
    paths,
    tools: toolsFor(installation, { env: { CONDOR_CONFIG: paths.configFile } }),
    pid,
    exited,
    hostPath: host,
    readLog(name) {
      try {
        return readFileSync(host(join(paths.localDir, "log", name)), "utf8");
      } catch {
        return "";
      }
    },
    stop(stopOptions = {}) {
      stopping ??= (async () => {
        const timeoutMs = stopOptions.timeoutMs ?? 60_000;
        if (child.exitCode === null && child.signalCode === null) {
          signal(pid, stopOptions.how === "fast" ? "SIGQUIT" : "SIGTERM");
          if (!(await within(exited, timeoutMs))) {
            signal(pid, "SIGQUIT");
            if (!(await within(exited, 10_000))) signal(-pid, "SIGKILL");
          }
          await exited;
        }
        // The master puts each daemon in a process group of its own; none may outlive the instance.
        await reapInstance(pid, paths.configFile);
        if (!stopOptions.keep) rmSync(host(dir), { recursive: true, force: true });
      })();
      return stopping;
    },
  };
  return instance;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Waits until every process of the instance is gone, then kills what is left: the master's process group, and every
 * process whose environment names the instance's configuration (HTCondor's daemons inherit `CONDOR_CONFIG`; each
 * runs in a process group of its own).
 */
async function reapInstance(pgid: number, configFile: string): Promise<void> {
  const marker = `CONDOR_CONFIG=${configFile}\0`;
  const remaining = (): number[] => {
    const pids: number[] = [];
    try {
      process.kill(-pgid, 0);
      pids.push(-pgid);
    } catch {
      // the group is empty
    }
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (`${readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(marker))
          pids.push(Number(entry));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return pids;
  };
  const deadline = Date.now() + 10_000;
  while (remaining().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of remaining()) signal(p, "SIGKILL");
}

/**
 * Kills every process whose `CONDOR_CONFIG` starts with `prefix` (HTCondor daemons inherit it; each runs in a process
 * group of its own, so killing a master's group does not reach them). SIGTERM first, SIGKILL after `graceMs`.
 * Returns how many processes were found. The safety net of the local mode's teardown: nothing may be left behind.
 */
export async function reapCondorProcesses(
  prefix: string,
  options: { graceMs?: number } = {},
): Promise<number> {
  const marker = `\0CONDOR_CONFIG=${prefix}`;
  const find = (): number[] => {
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
      try {
        if (`\0${readFileSync(`/proc/${entry}/environ`, "latin1")}`.includes(marker))
          pids.push(Number(entry));
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
    return pids;
  };
  const found = find();
  for (const p of found) signal(p, "SIGTERM");
  const deadline = Date.now() + (options.graceMs ?? 5000);
  while (find().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const p of find()) signal(p, "SIGKILL");
  return found.length;
}
