/**
 * The transport of the pool client: HTCondor's own command-line tools (`condor_status`, `condor_q`, `condor_submit`,
 * ...), run as child processes, optionally behind a command prefix (`chroot ROOTFS`, later a container exec). The tools
 * already speak every protocol and security method HTCondor has; bsaas only needs their `-json` output.
 */
import { execFile } from "node:child_process";
import { BsaasError } from "../../errors.js";

/** One invocation of an HTCondor tool. */
export interface CondorCommand {
  /** The tool, e.g. `condor_q`. */
  tool: string;
  args: readonly string[];
  /** Written to the tool's standard input (submit descriptions go this way). */
  input?: string;
  /** Run as this user instead of the caller (HTCondor refuses jobs submitted by root). */
  user?: string;
  /** Working directory of the tool (as the tool sees it, i.e. inside the chroot when there is one). */
  cwd?: string;
}

/** What a finished tool printed. */
export interface CondorCommandResult {
  stdout: string;
  stderr: string;
}

/** Runs HTCondor tools. Implement it to reach HTCondor some other way (ssh, a container exec, a test double). */
export interface CondorTools {
  run(command: CondorCommand): Promise<CondorCommandResult>;
  /** How the tools are reached, for messages: `local`, `chroot /var/lib/bsaas/htcondor-trixie`, ... */
  readonly description: string;
}

/** A tool exited non-zero, could not be started, or timed out. */
export class CondorToolError extends BsaasError {
  readonly tool: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;

  constructor(
    command: CondorCommand,
    detail: { exitCode: number | null; stdout: string; stderr: string; reason: string; via: string },
    options: { cause?: unknown; hint?: string } = {},
  ) {
    // HTCondor's tools print some errors on stdout (condor_rm's "Couldn't find/remove ..."), so both are shown.
    const excerpt = lastLines(`${detail.stdout}\n${detail.stderr}`, 6);
    super(
      "CONDOR_TOOL_FAILED",
      `${command.tool} ${command.args.join(" ")} (${detail.via}) ${detail.reason}${excerpt ? `:\n${excerpt}` : ""}`,
      {
        cause: options.cause,
        hint:
          options.hint ??
          (detail.exitCode === null
            ? "Check that HTCondor is installed where bsaas looks for it (scripts/provision-htcondor --check)."
            : "Check that the pool's daemons are running and that this machine may talk to them (condor_ping)."),
      },
    );
    this.tool = command.tool;
    this.args = command.args;
    this.exitCode = detail.exitCode;
    this.stdout = detail.stdout;
    this.stderr = detail.stderr;
  }
}

function lastLines(text: string, n: number): string {
  const lines = text.trim().split("\n").filter(Boolean);
  return lines.slice(-n).join("\n");
}

/** Options of {@link condorTools}. */
export interface CondorToolsOptions {
  /** Words put before the tool, e.g. `["chroot", "/srv/rootfs"]`. Empty (the default) runs the tools from PATH. */
  prefix?: readonly string[];
  /** The prefix to use instead of `prefix` when a command runs as another user. Default: `["runuser", "-u", user, "--"]`. */
  prefixForUser?: (user: string) => readonly string[];
  /** Extra environment for every tool (e.g. `CONDOR_CONFIG`). Inherits the caller's environment otherwise. */
  env?: Record<string, string>;
  /** Per-command timeout; default 120 s. */
  timeoutMs?: number;
  /** Maximum output kept, in bytes; default 256 MiB (a large pool's `condor_status -json` is big). */
  maxBuffer?: number;
}

/** Runs HTCondor's tools as local processes, behind an optional prefix. */
export function condorTools(options: CondorToolsOptions = {}): CondorTools {
  const prefix = options.prefix ?? [];
  const prefixForUser = options.prefixForUser ?? ((user: string) => [...prefix, "runuser", "-u", user, "--"]);
  const via = prefix.length > 0 ? prefix.join(" ") : "local";
  return {
    description: via,
    run(command) {
      let argv = command.user ? [...prefixForUser(command.user)] : [...prefix];
      // `env --chdir` sets the directory after the prefix took effect (inside a chroot, for instance).
      if (command.cwd) argv.push("env", `--chdir=${command.cwd}`);
      argv = [...argv, command.tool, ...command.args];
      const [file, ...args] = argv as [string, ...string[]];
      return new Promise((resolve, reject) => {
        const child = execFile(
          file,
          args,
          {
            env: { ...process.env, ...options.env },
            timeout: options.timeoutMs ?? 120_000,
            maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024,
            killSignal: "SIGKILL",
          },
          (error, stdout, stderr) => {
            if (!error) return resolve({ stdout, stderr });
            const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
            const reason =
              e.code === "ENOENT"
                ? `could not be started (${file} not found)`
                : e.killed
                  ? `timed out after ${options.timeoutMs ?? 120_000} ms`
                  : `exited with status ${String(e.code)}`;
            reject(
              new CondorToolError(
                command,
                {
                  exitCode: typeof e.code === "number" ? e.code : null,
                  stdout,
                  stderr,
                  reason,
                  via,
                },
                { cause: error },
              ),
            );
          },
        );
        if (command.input !== undefined) child.stdin?.end(command.input);
        else child.stdin?.end();
      });
    },
  };
}

/**
 * Tools inside a Debian rootfs made by `scripts/provision-htcondor`, run with `chroot`. Commands for another user use
 * `chroot --userspec=user:user`, so the user is looked up in the rootfs, where it exists.
 */
export function chrootCondorTools(
  rootfs: string,
  options: Omit<CondorToolsOptions, "prefix"> = {},
): CondorTools {
  return condorTools({
    ...options,
    prefix: ["chroot", rootfs],
    prefixForUser: (user) => ["chroot", `--userspec=${user}:${user}`, rootfs],
  });
}
