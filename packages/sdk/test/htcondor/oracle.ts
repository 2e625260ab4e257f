// Runs HTCondor's own ClassAd evaluator (classad2, through classad2-oracle.py) on a batch of expressions, inside the
// HTCondor rootfs that scripts/provision-htcondor installs, or with the host's python3 where HTCondor is installed.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { BsaasError } from "../../src/errors.js";

/** One expression to evaluate, with the MY and TARGET ads as `{attribute: new-syntax expression text}`. */
export interface OracleInput {
  expr: string;
  my?: Record<string, string>;
  target?: Record<string, string>;
}

/**
 * A value as both evaluators report it. Integers are numbers, or decimal strings (oracle) / bigints (SDK) beyond 2^53;
 * reals are numbers, or "NaN"/"Infinity"/"-Infinity" from the oracle. `exception`: the evaluator raised or crashed.
 */
export type Tagged =
  | { type: "undefined" }
  | { type: "error" }
  | { type: "boolean"; value: boolean }
  | { type: "integer"; value: number | string | bigint }
  | { type: "real"; value: number | string }
  | { type: "string"; value: string }
  | { type: "list"; value: Tagged[] }
  | { type: "classad" }
  | { type: "exception"; message: string };

/** Where HTCondor's Python bindings are: a Debian rootfs to chroot into, or the host itself. */
export type HtcondorLocation = { kind: "rootfs"; path: string } | { kind: "host" };

const DEFAULT_ROOTFS = "/var/lib/bsaas/htcondor-trixie";
const scriptPath = new URL("./classad2-oracle.py", import.meta.url).pathname;

function onPath(command: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/**
 * Finds HTCondor with its Python bindings: the rootfs at `BSAAS_HTCONDOR_ROOTFS` (default
 * /var/lib/bsaas/htcondor-trixie), else the host when `condor_version` is on PATH. Throws when neither is there, so a
 * test that needs HTCondor fails with the way to get it instead of skipping.
 */
export function locateHtcondor(): HtcondorLocation {
  const rootfs = process.env.BSAAS_HTCONDOR_ROOTFS || DEFAULT_ROOTFS;
  if (existsSync(join(rootfs, "usr/lib/python3/dist-packages/classad2")))
    return { kind: "rootfs", path: rootfs };
  if (onPath("condor_version")) return { kind: "host" };
  throw new BsaasError(
    "HTCONDOR_MISSING",
    `HTCondor with its Python bindings (classad2) was not found: no rootfs at ${rootfs} and no condor_version on ` +
      "PATH. Run scripts/provision-htcondor as root to install it.",
    {
      hint: "Run scripts/provision-htcondor as root (or set BSAAS_HTCONDOR_ROOTFS to an HTCondor rootfs).",
    },
  );
}

/** The command that runs a Python script (given as text) with classad2 importable, stdin/stdout left to the caller. */
export function pythonCommand(
  location: HtcondorLocation,
  script: string,
): { command: string; args: string[] } {
  // `python3 -c` takes the script as an argument, so nothing is written into the rootfs and stdin stays free.
  const python = ["env", "TZ=UTC", "LC_ALL=C", "python3", "-c", script];
  if (location.kind === "rootfs") return { command: "chroot", args: [location.path, ...python] };
  return { command: python[0] as string, args: python.slice(1) };
}

/** Versions the oracle reports on its first line. */
export interface OracleRun {
  results: Tagged[];
  classadVersion: string;
  /** Inputs on which classad2 crashed or hung the interpreter (their results are `exception`s). */
  crashes: number;
}

/**
 * Evaluates every input with classad2, in as few processes as possible: one, unless the library crashes the
 * interpreter or runs past the per-input time limit on some input; then that input gets an `exception` result and a
 * new process goes on after it.
 */
export function runOracle(inputs: readonly OracleInput[], location = locateHtcondor()): OracleRun {
  const script = readFileSync(scriptPath, "utf8");
  const { command, args } = pythonCommand(location, script);
  const results: Tagged[] = [];
  let classadVersion = "";
  let crashes = 0;
  while (results.length < inputs.length) {
    const pending = inputs.slice(results.length);
    const run = spawnSync(command, args, {
      input: pending.map((i) => `${JSON.stringify(i)}\n`).join(""),
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    if (run.error) {
      throw new BsaasError("HTCONDOR_ORACLE_FAILED", `Could not start ${command}: ${run.error.message}`, {
        cause: run.error,
        hint: "Run the tests as root (the oracle chroots into the HTCondor rootfs).",
      });
    }
    const lines = run.stdout.split("\n").filter((l) => l.length > 0);
    const ready = lines.shift();
    if (ready === undefined || !ready.startsWith('{"ready"')) {
      throw new BsaasError(
        "HTCONDOR_ORACLE_FAILED",
        `classad2 oracle did not start (exit ${run.status}, signal ${run.signal}): ${run.stderr.trim()}`,
        {
          hint: "Check that `import classad2, htcondor2` works in the HTCondor rootfs (scripts/provision-htcondor).",
        },
      );
    }
    classadVersion = (JSON.parse(ready) as { classad: string }).classad;
    for (const line of lines) results.push(JSON.parse(line) as Tagged);
    if (results.length < inputs.length && lines.length < pending.length) {
      if (run.status === 0) {
        throw new BsaasError(
          "HTCONDOR_ORACLE_FAILED",
          `classad2 oracle answered ${lines.length} of ${pending.length} inputs and exited normally`,
        );
      }
      // The input being evaluated when the process died is the one after the last answer.
      results.push({
        type: "exception",
        message:
          run.signal === "SIGALRM"
            ? "classad2 did not finish within the oracle's time limit per input (killed)"
            : `classad2 crashed the interpreter (exit ${run.status}, signal ${run.signal})`,
      });
      crashes++;
    }
  }
  return { results, classadVersion, crashes };
}
