/**
 * A client for one HTCondor pool: collector queries (masters, schedds, startds), the schedd's queue and history,
 * submit, remove/hold/release, drain and retirement. It drives HTCondor's own tools ({@link CondorTools}) and reads
 * their `-json` output, so it works with every security method and version the tools support.
 */
import type { z } from "zod";
import { BsaasError } from "../../errors.js";
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "../../http/retry.js";
import { type ClassAd, classAdsFromJsonText } from "../classad/index.js";
import { CondorToolError, type CondorTools } from "./tools.js";
import { DaemonAdWireSchema, JOB_STATUS, JobAdWireSchema, type JobStatus, SlotAdWireSchema } from "./wire.js";

/** A job in the queue or in the history. */
export interface CondorJob {
  /** `cluster.proc`, as HTCondor writes it. */
  id: string;
  clusterId: number;
  procId: number;
  status: JobStatus;
  owner: string;
  exitCode: number | undefined;
  /** How many times the job started; more than 1 means it was evicted or restarted at least once. */
  numJobStarts: number;
  /** The slot running it now (`slot1_1@exec1@host`). */
  remoteHost: string | undefined;
  /** The slot that ran it last. */
  lastRemoteHost: string | undefined;
  holdReason: string | undefined;
  /** The whole job ad. */
  ad: ClassAd;
}

/** A slot of a startd. */
export interface CondorSlot {
  /** `slot1@exec1@host` */
  name: string;
  machine: string;
  /** The startd's name (`exec1@host`): what `condor_off -name` and {@link CondorPool.retireStartd} take. */
  startdName: string;
  state: string;
  activity: string;
  kind: "partitionable" | "dynamic" | "static";
  cpus: number | undefined;
  memoryMb: number | undefined;
  /** The `Site` attribute the startd publishes (bsaas's executors do). */
  site: string | undefined;
  ad: ClassAd;
}

/** A daemon's ad: master, schedd, collector, negotiator. */
export interface CondorDaemon {
  name: string;
  machine: string | undefined;
  type: string;
  version: string | undefined;
  address: string | undefined;
  ad: ClassAd;
}

/** Which jobs an action applies to. */
export type JobSelector =
  | { clusterId: number; procId?: number }
  | {
      /** An old-syntax ClassAd constraint, as `condor_q -constraint` takes it. */
      constraint: string;
    };

/** Options of queries. */
export interface QueryOptions {
  /** An old-syntax ClassAd constraint. */
  constraint?: string;
  /** Attributes to fetch besides the ones the typed view needs. Default: all. */
  projection?: readonly string[];
}

/** Options of {@link CondorPool}. */
export interface CondorPoolOptions {
  tools: CondorTools;
  /** The collector (`host[:port][?sock=collector]`). Default: the tools' own configuration (`COLLECTOR_HOST`). */
  collector?: string;
  /** The schedd's name. Default: the tools' local schedd. */
  schedd?: string;
  /** The user jobs are submitted as; HTCondor refuses jobs from root. Default: the caller. */
  user?: string;
  /**
   * Retries of read-only queries (condor_status, condor_q, condor_history) that failed the way a busy daemon fails
   * (authentication deadline, refused or dropped connection). Default 4 retries, backoff from 250 ms with jitter.
   */
  retry?: RetryPolicy;
}

/** A condition the pool did not reach in time. */
export class CondorWaitTimeoutError extends BsaasError {
  constructor(what: string, timeoutMs: number, lastSeen: string) {
    super(
      "CONDOR_WAIT_TIMEOUT",
      `${what} did not happen within ${Math.round(timeoutMs / 1000)} s; last seen: ${lastSeen}`,
      {
        hint: "Look at the pool with condor_status and condor_q -better-analyze; raise the timeout if the pool is just slow.",
      },
    );
  }
}

/** The output of a tool could not be read. */
export class CondorOutputError extends BsaasError {
  constructor(tool: string, detail: string, options: { cause?: unknown } = {}) {
    super("CONDOR_OUTPUT_INVALID", `${tool} printed output bsaas cannot read: ${detail}`, {
      cause: options.cause,
      hint: "Check that the HTCondor tools are version 23 or later (condor_version).",
    });
  }
}

/** An action named jobs that are not in the queue. */
export class CondorJobNotFoundError extends BsaasError {
  readonly tool: string;

  constructor(tool: string, target: string, schedd: string | undefined) {
    super("CONDOR_JOB_NOT_FOUND", `${tool}: ${target} not in the queue of ${schedd ?? "the local schedd"}`, {
      hint: "List the queue (bsaas jobs list, or condor_q) to see which jobs exist; finished jobs are in the history.",
    });
    this.tool = tool;
  }
}

/** The result of {@link CondorPool.submit}. */
export interface SubmitResult {
  clusterId: number;
  /** Every job id created, `cluster.proc`. */
  jobIds: string[];
}

/** Options of the waiters. */
export interface PoolWaitOptions {
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** How often the pool is polled; default 1 s. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/** See the module documentation. */
export class CondorPool {
  readonly tools: CondorTools;
  readonly collector: string | undefined;
  readonly schedd: string | undefined;
  readonly user: string | undefined;
  private readonly retry: RetryPolicy;

  constructor(options: CondorPoolOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.tools = options.tools;
    this.collector = options.collector;
    this.schedd = options.schedd;
    this.user = options.user;
  }

  // --- collector -----------------------------------------------------------------------------------------------

  /**
   * Ads from the collector. `kind` is condor_status's ad type option (`startd` for slots, `master`, `schedd`,
   * `collector`, `negotiator`, `any`).
   */
  async queryCollector(
    kind: "startd" | "master" | "schedd" | "collector" | "negotiator" | "any",
    options: QueryOptions = {},
  ): Promise<ClassAd[]> {
    const { ads } = await this.collectorJson(kind, options, []);
    return ads;
  }

  /** Slots, optionally filtered. Partitionable slots show what is left; dynamic slots what a job holds. */
  async slots(options: QueryOptions = {}): Promise<CondorSlot[]> {
    const { ads, raw } = await this.collectorJson("startd", options, SLOT_ATTRIBUTES);
    return ads.map((ad, i) => {
      const w = parseWire(SlotAdWireSchema, raw[i], "condor_status");
      const at = w.Name.indexOf("@");
      return {
        name: w.Name,
        machine: w.Machine,
        startdName: at >= 0 ? w.Name.slice(at + 1) : w.Machine,
        state: w.State,
        activity: w.Activity,
        kind: w.PartitionableSlot
          ? "partitionable"
          : w.DynamicSlot || w.SlotType === "Dynamic"
            ? "dynamic"
            : "static",
        cpus: w.Cpus,
        memoryMb: w.Memory,
        site: w.Site,
        ad,
      };
    });
  }

  /** Masters: one per HTCondor instance in the pool. */
  masters(options: QueryOptions = {}): Promise<CondorDaemon[]> {
    return this.daemons("master", options);
  }

  /** Schedds (access points). */
  schedds(options: QueryOptions = {}): Promise<CondorDaemon[]> {
    return this.daemons("schedd", options);
  }

  /** The collector's own ad(s). */
  collectors(options: QueryOptions = {}): Promise<CondorDaemon[]> {
    return this.daemons("collector", options);
  }

  /** The HTCondor version the pool reports (its collector's `CondorVersion`), e.g. `23.9.6`. */
  async version(): Promise<string> {
    const [collector] = await this.collectors({ projection: ["CondorVersion"] });
    const match = collector?.version?.match(/\$CondorVersion:\s*(\S+)/);
    if (!match?.[1])
      throw new CondorOutputError("condor_status -collector", "no CondorVersion in the collector ad");
    return match[1];
  }

  private async daemons(
    kind: "master" | "schedd" | "collector",
    options: QueryOptions,
  ): Promise<CondorDaemon[]> {
    const { ads, raw } = await this.collectorJson(kind, options, DAEMON_ATTRIBUTES);
    return ads.map((ad, i) => {
      const w = parseWire(DaemonAdWireSchema, raw[i], "condor_status");
      return {
        name: w.Name,
        machine: w.Machine,
        type: w.MyType,
        version: w.CondorVersion,
        address: w.MyAddress,
        ad,
      };
    });
  }

  private async collectorJson(kind: string, options: QueryOptions, needed: readonly string[]) {
    const args = ["-json", ...this.poolArgs()];
    if (kind !== "startd") args.push(`-${kind}`);
    if (options.constraint) args.push("-constraint", options.constraint);
    if (options.projection)
      args.push("-attributes", [...new Set([...needed, ...options.projection])].join(","));
    return this.runJson("condor_status", args);
  }

  // --- schedd ------------------------------------------------------------------------------------------------

  /** Jobs in the schedd's queue, of every user. */
  async jobs(options: QueryOptions = {}): Promise<CondorJob[]> {
    const args = ["-json", "-allusers", ...this.scheddArgs()];
    if (options.constraint) args.push("-constraint", options.constraint);
    if (options.projection)
      args.push("-attributes", [...new Set([...JOB_ATTRIBUTES, ...options.projection])].join(","));
    const { ads, raw } = await this.runJson("condor_q", args);
    return ads.map((ad, i) => toJob(ad, raw[i], "condor_q"));
  }

  /** Jobs that left the queue, newest first. */
  async history(options: QueryOptions & { limit?: number } = {}): Promise<CondorJob[]> {
    const args = ["-json", ...this.scheddArgs()];
    if (options.constraint) args.push("-constraint", options.constraint);
    if (options.limit !== undefined) args.push("-limit", String(options.limit));
    if (options.projection)
      args.push("-attributes", [...new Set([...JOB_ATTRIBUTES, ...options.projection])].join(","));
    const { ads, raw } = await this.runJson("condor_history", args);
    return ads.map((ad, i) => toJob(ad, raw[i], "condor_history"));
  }

  /**
   * Submits a submit description (its text, or anything whose `toString()` is one, like the SDK's submit builder).
   * `cwd` is where relative paths in it resolve (`initialdir` otherwise), as the tools see the file system.
   */
  async submit(
    description: string | { toString(): string },
    options: { cwd?: string } = {},
  ): Promise<SubmitResult> {
    const { stdout } = await this.tools.run({
      tool: "condor_submit",
      args: ["-terse", ...this.scheddArgs(), "-"],
      input: String(description),
      ...(this.user ? { user: this.user } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    const jobIds: string[] = [];
    let clusterId: number | undefined;
    for (const line of stdout.split("\n")) {
      const m = line.trim().match(/^(\d+)\.(\d+) - (\d+)\.(\d+)$/);
      if (!m) continue;
      const cluster = Number(m[1]);
      clusterId ??= cluster;
      for (let p = Number(m[2]); p <= Number(m[4]); p++) jobIds.push(`${cluster}.${p}`);
    }
    if (clusterId === undefined)
      throw new CondorOutputError("condor_submit -terse", JSON.stringify(stdout.slice(0, 200)));
    return { clusterId, jobIds };
  }

  /** Removes jobs from the queue (running ones are killed). */
  remove(jobs: JobSelector, options: { reason?: string } = {}): Promise<void> {
    return this.jobAction("condor_rm", jobs, options.reason);
  }

  /** Holds jobs: they stay in the queue and do not run until released. */
  hold(jobs: JobSelector, options: { reason?: string } = {}): Promise<void> {
    return this.jobAction("condor_hold", jobs, options.reason);
  }

  /** Releases held jobs. */
  release(jobs: JobSelector): Promise<void> {
    return this.jobAction("condor_release", jobs, undefined);
  }

  private async jobAction(tool: string, jobs: JobSelector, reason: string | undefined): Promise<void> {
    const args = [...this.scheddArgs()];
    if (reason !== undefined) args.push("-reason", reason);
    const target =
      "constraint" in jobs
        ? `jobs matching ${jobs.constraint}`
        : `job ${jobs.procId === undefined ? jobs.clusterId : `${jobs.clusterId}.${jobs.procId}`}`;
    if ("constraint" in jobs) args.push("-constraint", jobs.constraint);
    else args.push(jobs.procId === undefined ? String(jobs.clusterId) : `${jobs.clusterId}.${jobs.procId}`);
    // As the jobs' owner when one is set: a user may act on their own jobs; root's tools would authenticate with the
    // instance's token instead, which is not a queue super user.
    // The tools exit 0 when the queue is empty and 1 when some jobs were not found; either way, say which.
    const notFound = /There are no jobs in the queue|Couldn't find|not found/i;
    let output: string;
    try {
      const { stdout, stderr } = await this.tools.run({
        tool,
        args,
        ...(this.user ? { user: this.user } : {}),
      });
      output = `${stdout}\n${stderr}`;
    } catch (error) {
      if (error instanceof CondorToolError && notFound.test(`${error.stdout}\n${error.stderr}`)) {
        throw new CondorJobNotFoundError(tool, target, this.schedd);
      }
      throw error;
    }
    if (notFound.test(output)) throw new CondorJobNotFoundError(tool, target, this.schedd);
  }

  /**
   * Waits until every job of a cluster has left the queue, and returns them as the history records them. Fails when
   * one is held (it would never leave on its own) or at the timeout, naming the jobs still there.
   */
  async waitForJobs(clusterId: number, options: PoolWaitOptions = {}): Promise<CondorJob[]> {
    const timeoutMs = options.timeoutMs ?? 300_000;
    const deadline = Date.now() + timeoutMs;
    const constraint = `ClusterId == ${clusterId}`;
    for (;;) {
      const queued = await this.jobs({ constraint });
      const held = queued.filter((j) => j.status === "held");
      if (held.length > 0) {
        throw new BsaasError(
          "CONDOR_JOB_HELD",
          `job ${held.map((j) => `${j.id} (${j.holdReason ?? "no reason given"})`).join(", ")} is held`,
          { hint: "Fix the cause, then condor_release the job, or remove it." },
        );
      }
      if (queued.length === 0) return (await this.history({ constraint })).sort(byJobId);
      if (Date.now() >= deadline) {
        throw new CondorWaitTimeoutError(`cluster ${clusterId} finishing`, timeoutMs, summarize(queued));
      }
      await sleep(options.intervalMs ?? 1000, options.signal);
    }
  }

  // --- scale-down ------------------------------------------------------------------------------------------

  /**
   * Stops a startd from taking new jobs, lets its running jobs finish however long they take, then shuts it down
   * (`condor_off -peaceful -startd`). This is the primitive bsaas scales down with: it never evicts a job. (By
   * contrast `condor_drain -graceful` evicts running jobs once `MaxJobRetirementTime` is over, which is 0 by default.)
   * Returns at once; {@link waitForStartdGone} waits until the startd has left the pool.
   */
  async retireStartd(startdName: string): Promise<void> {
    await this.tools.run({
      tool: "condor_off",
      args: [...this.poolArgs(), "-peaceful", "-startd", "-name", startdName],
    });
  }

  /** Waits until no slot of the startd is in the collector any more. */
  async waitForStartdGone(startdName: string, options: PoolWaitOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 300_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const slots = (await this.slots({ projection: [] })).filter((s) => s.startdName === startdName);
      if (slots.length === 0) return;
      if (Date.now() >= deadline) {
        throw new CondorWaitTimeoutError(
          `startd ${startdName} leaving the pool`,
          timeoutMs,
          slots.map((s) => `${s.name} ${s.state}/${s.activity}`).join(", "),
        );
      }
      await sleep(options.intervalMs ?? 1000, options.signal);
    }
  }

  /**
   * Drains a machine with `condor_drain`: it takes a SLOT name (`slot1@exec1@host`), not the startd name. `graceful`
   * honours `MaxJobRetirementTime` (0 by default, so running jobs are evicted and rescheduled); `quick` only the
   * vacate time; `fast` kills at once. Returns the drain request id when the tool prints one.
   */
  async drain(
    slotName: string,
    options: {
      how?: "graceful" | "quick" | "fast";
      reason?: string;
      onCompletion?: "resume" | "restart" | "reconfig" | "exit";
      /** Old-syntax expression: while draining, slots start jobs that satisfy it. */
      start?: string;
    } = {},
  ): Promise<string | undefined> {
    const args = [...this.poolArgs(), `-${options.how ?? "graceful"}`];
    if (options.reason) args.push("-reason", options.reason);
    if (options.onCompletion) args.push(`-${options.onCompletion}-on-completion`);
    if (options.start) args.push("-start", options.start);
    const { stdout } = await this.tools.run({ tool: "condor_drain", args: [...args, slotName] });
    return stdout.match(/request id\s*[:=]?\s*(\S+)/i)?.[1]?.replace(/\.$/, "");
  }

  /** Cancels a drain (all of the machine's, or one request). */
  async cancelDrain(slotName: string, requestId?: string): Promise<void> {
    const args = [...this.poolArgs(), "-cancel"];
    if (requestId) args.push("-request-id", requestId);
    await this.tools.run({ tool: "condor_drain", args: [...args, slotName] });
  }

  // --- helpers -----------------------------------------------------------------------------------------------

  // Queries change nothing, so a failure that looks transient is retried with backoff and jitter.
  private async runReadOnly(tool: string, args: string[]) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.tools.run({ tool, args });
      } catch (error) {
        const transient = error instanceof CondorToolError && error.exitCode !== null;
        if (
          !transient ||
          attempt > this.retry.retries ||
          !TRANSIENT.test(`${error.stdout}\n${error.stderr}`)
        ) {
          throw error;
        }
        await sleep(backoffDelay(this.retry, attempt));
      }
    }
  }

  private poolArgs(): string[] {
    return this.collector ? ["-pool", this.collector] : [];
  }

  private scheddArgs(): string[] {
    return [...this.poolArgs(), ...(this.schedd ? ["-name", this.schedd] : [])];
  }

  private async runJson(tool: string, args: string[]): Promise<{ ads: ClassAd[]; raw: unknown[] }> {
    const { stdout } = await this.runReadOnly(tool, args);
    const text = stdout.trim();
    // The tools print nothing at all when no ad matches.
    if (text === "") return { ads: [], raw: [] };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (cause) {
      throw new CondorOutputError(tool, "not JSON", { cause });
    }
    if (!Array.isArray(raw)) throw new CondorOutputError(tool, "expected a JSON array of ads");
    let ads: ClassAd[];
    try {
      ads = classAdsFromJsonText(text);
    } catch (cause) {
      throw new CondorOutputError(tool, "an ad is not a valid ClassAd", { cause });
    }
    return { ads, raw };
  }
}

/** Failures of a query that a later attempt may not have: the daemon was busy or briefly unreachable. */
const TRANSIENT =
  /deadline|Failed to fetch ads|Failed to connect|Connection refused|connection closed|timed out/i;

const JOB_ATTRIBUTES = [
  "ClusterId",
  "ProcId",
  "JobStatus",
  "Owner",
  "ExitCode",
  "NumJobStarts",
  "RemoteHost",
  "LastRemoteHost",
  "HoldReason",
];
const SLOT_ATTRIBUTES = [
  "Name",
  "Machine",
  "State",
  "Activity",
  "Cpus",
  "Memory",
  "SlotType",
  "PartitionableSlot",
  "DynamicSlot",
  "Site",
];
const DAEMON_ATTRIBUTES = ["Name", "Machine", "MyType", "CondorVersion", "MyAddress"];

function parseWire<S extends z.ZodType>(schema: S, value: unknown, tool: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new CondorOutputError(tool, `${issue?.path.join(".") || "ad"}: ${issue?.message ?? "invalid"}`, {
      cause: result.error,
    });
  }
  return result.data;
}

function toJob(ad: ClassAd, raw: unknown, tool: string): CondorJob {
  const w = parseWire(JobAdWireSchema, raw, tool);
  return {
    id: `${w.ClusterId}.${w.ProcId}`,
    clusterId: w.ClusterId,
    procId: w.ProcId,
    status: JOB_STATUS[w.JobStatus as keyof typeof JOB_STATUS],
    owner: w.Owner,
    exitCode: w.ExitCode,
    numJobStarts: w.NumJobStarts ?? 0,
    remoteHost: w.RemoteHost,
    lastRemoteHost: w.LastRemoteHost,
    holdReason: w.HoldReason,
    ad,
  };
}

function byJobId(a: CondorJob, b: CondorJob): number {
  return a.clusterId - b.clusterId || a.procId - b.procId;
}

function summarize(jobs: CondorJob[]): string {
  const counts = new Map<string, number>();
  for (const j of jobs) counts.set(j.status, (counts.get(j.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(", ");
}
