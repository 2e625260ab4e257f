import { type BsaasError, formatSpecIssue, SpecValidationError } from "@bsaas/sdk";
import {
  ClusterClient,
  type FormatPlanOptions,
  type LoadedClusterSpec,
  loadClusterSpec,
  type ProgressEvent,
  type SiteEndpoints,
} from "@bsaas/sdk/cluster";
import type { CondorJob } from "@bsaas/sdk/htcondor";
import { Errors, Flags } from "@oclif/core";
import { BaseCommand } from "./base.js";
import { table } from "./table.js";

/**
 * Flags shared by the commands that work on a cluster file (`plan`, `apply`, `status`, `scale`, `destroy`, `jobs`).
 * Credentials of the sites come from the file (or the files it names), never from flags.
 */
export const clusterFlags = {
  file: Flags.string({ char: "f", summary: "Cluster file (YAML).", required: true, helpValue: "FILE" }),
  "state-dir": Flags.string({
    helpValue: "DIR",
    summary:
      "bsaas state: the pool's signing key and tokens (default: $BSAAS_STATE_DIR, else $XDG_STATE_HOME/bsaas, else ~/.local/state/bsaas).",
    helpGroup: "CLUSTER",
  }),
  marathon: Flags.string({
    summary: "Use this Marathon for a site instead of the file's URL: SITE=URL (repeatable).",
    multiple: true,
    helpValue: "SITE=URL",
    helpGroup: "CLUSTER",
  }),
  mesos: Flags.string({
    summary: "Use this Mesos master for a site instead of the file's URL: SITE=URL (repeatable).",
    multiple: true,
    helpValue: "SITE=URL",
    helpGroup: "CLUSTER",
  }),
};

/** `--timeout SECONDS`; what it bounds differs per command, so each says it in `summary`. */
export function timeoutFlag(summary: string) {
  return Flags.integer({ summary, min: 1, helpValue: "SECONDS", helpGroup: "CLUSTER" });
}

/** The parsed values of {@link clusterFlags}. */
export interface ClusterFlagValues {
  file: string;
  "state-dir"?: string | undefined;
  marathon?: string[] | undefined;
  mesos?: string[] | undefined;
}

/** Seconds from a flag, as milliseconds (undefined stays undefined: the SDK's default applies). */
export function ms(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

/** `{ key: value }` when value is defined, else `{}` (the SDK's options are exact optional properties). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** How plans are printed: coloured on a terminal (unless NO_COLOR), as wide as the terminal. */
export function planFormatOptions(): FormatPlanOptions {
  const tty = process.stdout.isTTY === true;
  return {
    color: tty && !process.env.NO_COLOR,
    ...(tty && process.stdout.columns ? { width: process.stdout.columns } : {}),
  };
}

/** A progress line: `[  12.3s] apply infn-to: deployment ... started`. */
export function formatProgress(event: ProgressEvent): string {
  const seconds = (event.elapsedMs / 1000).toFixed(1).padStart(6);
  return `[${seconds}s] ${event.phase}${event.site ? ` ${event.site}` : ""}: ${event.message}`;
}

/**
 * Base of the cluster commands: loads the file (every problem printed as file:line:column, exit 1), opens the
 * {@link ClusterClient} with the shared flags, and writes progress to stderr so that stdout stays clean for --json.
 */
export abstract class ClusterCommand extends BaseCommand {
  /** Loads the cluster file; an invalid file is reported issue by issue and ends the command with status 1. */
  protected async loadCluster(file: string): Promise<LoadedClusterSpec> {
    try {
      const loaded = await loadClusterSpec(file);
      for (const warning of loaded.warnings) this.logToStderr(`warning: ${formatSpecIssue(warning)}`);
      return loaded;
    } catch (error) {
      if (!(error instanceof SpecValidationError)) throw error;
      if (this.jsonEnabled()) {
        this.logJson({
          error: {
            code: error.code,
            message: `${error.file} is not a valid cluster file`,
            ...(error.hint ? { hint: error.hint } : {}),
            issues: error.issues,
          },
        });
      } else {
        const count = error.issues.length === 1 ? "1 problem" : `${error.issues.length} problems`;
        this.logToStderr(`✗ ${error.file} is not a valid cluster file (${count}):`);
        for (const issue of error.issues) this.logToStderr(`  ${formatSpecIssue(issue)}`);
        if (error.hint) this.logToStderr(error.hint);
      }
      return this.exit(1);
    }
  }

  /** Loads the file and opens its cluster with `--state-dir`, `--marathon`, `--mesos` and progress on stderr. */
  protected async openCluster(
    flags: ClusterFlagValues,
    options: { requestTimeoutMs?: number | undefined } = {},
  ): Promise<ClusterClient> {
    const loaded = await this.loadCluster(flags.file);
    const endpoints = this.endpoints(loaded, flags);
    return ClusterClient.open(loaded, {
      ...(Object.keys(endpoints).length > 0 ? { endpoints } : {}),
      ...opt("stateDir", flags["state-dir"]),
      ...opt("timeoutMs", options.requestTimeoutMs),
      onProgress: (event) => this.logToStderr(formatProgress(event)),
    });
  }

  /** `--marathon SITE=URL` and `--mesos SITE=URL` as the ClusterClient's `endpoints`. */
  private endpoints(loaded: LoadedClusterSpec, flags: ClusterFlagValues): Record<string, SiteEndpoints> {
    const sites = loaded.spec.sites.map((s) => s.name);
    const out: Record<string, SiteEndpoints> = {};
    for (const kind of ["marathon", "mesos"] as const) {
      for (const value of flags[kind] ?? []) {
        const eq = value.indexOf("=");
        const site = value.slice(0, eq);
        const url = value.slice(eq + 1);
        if (eq <= 0 || !url) {
          this.error(`--${kind} ${value}: expected SITE=URL`, {
            exit: 2,
            suggestions: [`For example --${kind} ${sites[0] ?? "site"}=http://127.0.0.1:8080`],
          });
        }
        if (!sites.includes(site)) {
          this.error(`--${kind} ${value}: no site named ${site} in ${loaded.file}`, {
            exit: 2,
            suggestions: [`Sites: ${sites.join(", ")}.`],
          });
        }
        out[site] = { ...out[site], [kind]: url };
      }
    }
    return out;
  }

  /**
   * Ends the command with status 1 after a failure whose details the command prints itself: with --json, `json` is
   * the one document printed; without it, the error's message and hint go to stderr (see {@link BaseCommand}).
   */
  protected fail(error: BsaasError, json: object): never {
    if (!this.jsonEnabled()) throw error;
    this.logJson(json);
    return this.exit(1);
  }

  /** `this.exit(n)` ends the command quietly, with --json too (oclif would print the exit as an error document). */
  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof Errors.ExitError) throw error;
    return super.catch(error);
  }

  /** `{ code, message, hint }` of an SDK error, as --json documents carry it. */
  protected errorJson(error: BsaasError): { code: string; message: string; hint?: string } {
    return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  }
}

// --- jobs ------------------------------------------------------------------------------------------------------

/** `--submitter NAME`, shared by the jobs commands. */
export const submitterFlag = Flags.string({
  summary: "The submitter (schedd) to use, by its name in the file (default: the first submitter).",
  helpValue: "NAME",
});

/** A job as `--json` prints it: the SDK's job, its ad as HTCondor's JSON form, absent values as null. */
export interface JobJson {
  id: string;
  clusterId: number;
  procId: number;
  status: string;
  owner: string;
  exitCode: number | null;
  numJobStarts: number;
  remoteHost: string | null;
  lastRemoteHost: string | null;
  holdReason: string | null;
  ad: Record<string, unknown>;
}

export function jobJson(job: CondorJob): JobJson {
  return {
    id: job.id,
    clusterId: job.clusterId,
    procId: job.procId,
    status: job.status,
    owner: job.owner,
    exitCode: job.exitCode ?? null,
    numJobStarts: job.numJobStarts,
    remoteHost: job.remoteHost ?? null,
    lastRemoteHost: job.lastRemoteHost ?? null,
    holdReason: job.holdReason ?? null,
    ad: job.ad.toJSON(),
  };
}

/** The jobs as a table: ID, OWNER, STATUS, STARTS, HOST (now, else last), EXIT. */
export function jobsTable(jobs: readonly CondorJob[]): string {
  return table(
    ["ID", "OWNER", "STATUS", "STARTS", "HOST", "EXIT"],
    jobs.map((j) => [
      j.id,
      j.owner,
      j.status === "held" && j.holdReason ? `held (${j.holdReason})` : j.status,
      j.numJobStarts,
      j.remoteHost ?? j.lastRemoteHost ?? "—",
      j.exitCode ?? "—",
    ]),
  );
}

/** What `jobs wait` (and `jobs submit --wait`) print with --json. */
export interface WaitJson {
  clusterId: number;
  /** Every job completed with exit code 0. */
  ok: boolean;
  jobs: JobJson[];
}

/** A job ended well: it completed, with exit code 0. */
export function succeeded(job: CondorJob): boolean {
  return job.status === "completed" && job.exitCode === 0;
}

/** Prints the final status of a cluster's jobs (text mode); returns the --json document. */
export function reportFinished(
  command: { log(text: string): void },
  clusterId: number,
  jobs: CondorJob[],
  json: boolean,
): WaitJson {
  const ok = jobs.length > 0 && jobs.every(succeeded);
  if (!json) {
    if (jobs.length === 0) {
      command.log(`No job of cluster ${clusterId} is in the queue or the history.`);
    } else {
      command.log(jobsTable(jobs));
      const bad = jobs.filter((j) => !succeeded(j));
      command.log(
        bad.length === 0
          ? `\nAll ${jobs.length} job(s) of cluster ${clusterId} completed with exit code 0.`
          : `\n${bad.length} of ${jobs.length} job(s) of cluster ${clusterId} did not complete with exit code 0: ${bad.map((j) => `${j.id} (${j.status}${j.exitCode === undefined ? "" : `, exit ${j.exitCode}`})`).join(", ")}`,
      );
    }
  }
  return { clusterId, ok, jobs: jobs.map(jobJson) };
}
