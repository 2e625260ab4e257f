import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@bsaas/emulator";
import { formatStatus, loadClusterSpec, type ProgressEvent, type UpResult, up } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base.js";

/** The project's examples/local.yaml and scripts/provision-htcondor, found from this file (repo checkout). */
function repoFile(...parts: string[]): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ...parts);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

export default class Up extends BaseCommand {
  static override summary =
    "Run a whole HTCondor batch system on this machine, through an in-process Mesos and Marathon.";
  static override description =
    `Starts the bsaas emulator in-process (a Mesos master with agents that run command tasks as real local processes, and Marathon), makes sure HTCondor is installed (on PATH, or the rootfs scripts/provision-htcondor makes — run automatically when bsaas runs as root), applies the cluster file through the same code path as a remote cluster (plan, one group PUT per site, wait on the deployment), verifies the pool at the HTCondor level, submits a sample job set and waits until it completes, and prints the status. Then it keeps running until Ctrl-C or SIGTERM, when it drains the executors, removes the cluster and stops everything (no process is left behind). With --once it stops right after the sample jobs.

The cluster file must use the command runtime (examples/local.yaml, the default).

Exit status: 0 when every sample job completed, 1 otherwise.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %>",
    "<%= config.bin %> <%= command.id %> --once --json",
    "<%= config.bin %> <%= command.id %> -f my-local.yaml --jobs 10 --job-seconds 20",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    file: Flags.string({
      char: "f",
      summary: "Cluster file (command runtime). Default: the project's examples/local.yaml.",
    }),
    once: Flags.boolean({ summary: "Stop after the sample jobs (exit 0 only if they all completed)." }),
    jobs: Flags.integer({ summary: "Sample jobs to run.", default: 6, min: 0 }),
    "job-seconds": Flags.integer({ summary: "How long each sample job sleeps.", default: 5, min: 0 }),
    "state-dir": Flags.string({
      summary: "bsaas state (signing key, tokens); default a new temporary folder.",
    }),
  };

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(Up);
    const file = flags.file ?? repoFile("examples", "local.yaml");
    if (!file)
      this.error("no cluster file given and examples/local.yaml not found", {
        exit: 1,
        suggestions: ["Pass -f FILE."],
      });
    const loaded = await loadClusterSpec(file);
    const json = this.jsonEnabled();
    const say = (event: ProgressEvent) => {
      const line = `[${(event.elapsedMs / 1000).toFixed(1).padStart(6)}s] ${event.phase}${event.site ? ` ${event.site}` : ""}: ${event.message}`;
      // Progress always goes to stderr: stdout carries the result (--json) or the status.
      process.stderr.write(`${line}\n`);
    };
    const abort = new AbortController();
    const stop = () => abort.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    let stateDir = flags["state-dir"];
    let tmpState: string | undefined;
    if (!stateDir) {
      tmpState = mkdtempSync(join(tmpdir(), "bsaas-up-state-"));
      stateDir = tmpState;
    }
    try {
      const result = await up({
        loaded,
        once: flags.once,
        jobs: flags.jobs,
        jobSeconds: flags["job-seconds"],
        stateDir,
        signal: abort.signal,
        ...(repoFile("scripts", "provision-htcondor")
          ? { provisionScript: repoFile("scripts", "provision-htcondor") }
          : {}),
        onProgress: say,
        onStatus: (status) => {
          if (!json) this.log(formatStatus(status));
        },
        startBackend: async ({ installation, agents }) => {
          // The agents' work dir: inside the rootfs when HTCondor lives there (the agents' filesystem is the rootfs).
          const base = installation.kind === "rootfs" ? join(installation.rootfs, "var/lib/mesos") : tmpdir();
          mkdirSync(base, { recursive: true });
          const workDir = mkdtempSync(join(base, "bsaas-up-"));
          // HTCondor's daemons run as the condor user and must reach their LOCAL_DIR in the sandboxes below.
          chmodSync(workDir, 0o755);
          const emulator = await startEmulator({
            runner: "process",
            agents,
            workDir,
            cleanup: true,
            ...(installation.kind === "rootfs" ? { rootfs: installation.rootfs } : {}),
            mesos: { port: 0 },
            marathon: { port: 0 },
          });
          return {
            marathonUrl: emulator.marathonUrl,
            mesosUrl: emulator.mesosUrl,
            sandboxRoot:
              installation.kind === "rootfs" ? `/${relative(installation.rootfs, workDir)}` : workDir,
            close: async () => {
              await emulator.close();
              rmSync(workDir, { recursive: true, force: true });
            },
          };
        },
      });
      if (!json) {
        this.log(
          `\n${result.jobsCompleted}/${result.jobsSubmitted} sample jobs completed on ${result.executorsReady} executors (HTCondor ${result.htcondorVersion}); ${result.phases.map((p) => `${p.name} ${p.seconds}s`).join(", ")}`,
        );
      }
      return result;
    } catch (error) {
      const partial = (error as { upResult?: UpResult }).upResult;
      if (json && partial) {
        this.logJson(partial);
        this.exit(1);
      }
      throw error;
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      if (tmpState) rmSync(tmpState, { recursive: true, force: true });
    }
  }
}
