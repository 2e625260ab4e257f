/**
 * Scale and destroy without losing jobs. Scaling up only raises the executors app's instance count. Scaling down
 * first retires the chosen executors in HTCondor (`condor_off -peaceful -startd`: they take no new job and their
 * running jobs finish), waits until their startds have left the pool, and only then kills exactly those tasks with
 * Marathon's kill-and-scale, so Marathon neither replaces them nor picks other (busy) tasks. Destroy drains every
 * executor the same way before it removes the groups, unless forced.
 */
import { BsaasError } from "../errors.js";
import type { CondorPool } from "../htcondor/pool/client.js";
import { sleep } from "../http/retry.js";
import { MarathonNotFoundError } from "../marathon/index.js";
import { waitForDeployment } from "../marathon/waiters.js";
import type { ProgressListener } from "./apply.js";
import type { SiteClients } from "./connect.js";
import type { RenderedCluster } from "./render.js";

/** An executor task and the startd it runs. */
export interface ExecutorTask {
  taskId: string;
  host: string;
  startedAt?: string;
  /** `<task id>@<machine>`, when the startd is in the collector. */
  startd?: string;
  /** Slots of the startd that hold a job. */
  busySlots: number;
}

/** The executor tasks of an app, joined with their startds (by the `MesosTaskId` the startds publish). */
export async function executorTasks(
  clients: SiteClients,
  appId: string,
  pool: CondorPool,
  cluster: string,
): Promise<ExecutorTask[]> {
  const [tasks, slots] = await Promise.all([
    clients.marathon.appTasks(appId).catch((error: unknown) => {
      if (error instanceof MarathonNotFoundError) return [];
      throw error;
    }),
    pool.slots({
      constraint: `BsaasCluster =?= ${JSON.stringify(cluster)}`,
      projection: ["MesosTaskId", "BsaasCluster", "Site"],
    }),
  ]);
  return tasks.map((task) => {
    const mine = slots.filter((s) => {
      const id = s.ad.evaluate("MesosTaskId");
      return id.type === "string" && id.value === task.id;
    });
    return {
      taskId: task.id,
      host: task.host,
      ...(task.startedAt ? { startedAt: task.startedAt } : {}),
      ...(mine[0] ? { startd: mine[0].startdName } : {}),
      busySlots: mine.filter((s) => s.state === "Claimed").length,
    };
  });
}

/** What a scale did. */
export interface ScaleResult {
  site: string;
  appId: string;
  from: number;
  to: number;
  /** Tasks removed (scale down), with their startds. */
  removed: { taskId: string; startd?: string }[];
  /** Tasks killed while their startd still had jobs (only with `force` after the deadline). */
  killedBusy: string[];
  deploymentId?: string;
  elapsedMs: number;
}

/** Options of {@link scaleExecutors} and {@link destroyCluster}. */
export interface DrainOptions {
  /** How long running jobs may take to finish; default 1 hour. */
  deadlineMs?: number;
  /** After the deadline, kill anyway (and say what); without it the operation stops and says what is left. */
  force?: boolean;
  /** How long Marathon's deployment may take; default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
}

/** Executors still had jobs at the deadline and `force` was not given. */
export class DrainTimeoutError extends BsaasError {
  constructor(
    readonly what: string,
    readonly busy: { taskId: string; startd?: string }[],
  ) {
    super(
      "DRAIN_TIMEOUT",
      `${what}: ${busy.length} executor(s) still run jobs at the deadline: ${busy.map((b) => b.startd ?? b.taskId).join(", ")}`,
      {
        hint: "They take no new jobs and leave the pool when their jobs end. Run the same command again later to finish, raise --deadline, or use --force to kill them now (their jobs are evicted and run again elsewhere).",
      },
    );
  }
}

/** Retires startds and waits until they have left the pool; returns those still there at the deadline. */
async function retireAndWait(
  pool: CondorPool,
  victims: readonly ExecutorTask[],
  options: DrainOptions,
  report: (message: string) => void,
): Promise<ExecutorTask[]> {
  const withStartd = victims.filter((v) => v.startd);
  for (const v of withStartd) if (v.startd) await pool.retireStartd(v.startd);
  if (withStartd.length === 0) return [];
  const busy = withStartd.reduce((n, v) => n + v.busySlots, 0);
  report(
    `retiring ${withStartd.length} executor(s); ${busy} running job(s) finish first, no new job starts there`,
  );
  const deadline = Date.now() + (options.deadlineMs ?? 3_600_000);
  let lastCount = -1;
  for (;;) {
    const present = new Set((await pool.slots({ projection: [] })).map((s) => s.startdName));
    const left = withStartd.filter((v) => v.startd && present.has(v.startd));
    if (left.length === 0) return [];
    if (left.length !== lastCount) {
      report(
        `waiting for ${left.length} executor(s) to leave the pool (their running jobs finish first): ${left.map((v) => v.startd).join(", ")}`,
      );
      lastCount = left.length;
    }
    if (Date.now() >= deadline) return left;
    await sleep(2000, options.signal);
  }
}

/**
 * Sets the number of executors of a site. Down: retire, wait, then kill exactly the retired tasks.
 *
 * @throws {DrainTimeoutError} executors still busy at the deadline without `force` (they stay retired).
 */
export async function scaleExecutors(
  clients: SiteClients,
  appId: string,
  /** The pool, or how to reach it: only a scale-down needs HTCondor (to drain). */
  poolOf: CondorPool | (() => Promise<CondorPool>),
  cluster: string,
  to: number,
  options: DrainOptions = {},
): Promise<ScaleResult> {
  const started = Date.now();
  const site = clients.site.name;
  const report = (message: string) =>
    options.onProgress?.({ phase: "scale", site, message, elapsedMs: Date.now() - started });
  const app = await clients.marathon.getApp(appId);
  const from = app.instances ?? 0;
  const signal = options.signal ? { signal: options.signal } : {};
  const base = { site, appId, from, to, removed: [], killedBusy: [] };
  if (to === from) {
    report(`already ${to} executor(s)`);
    return { ...base, elapsedMs: Date.now() - started };
  }
  if (to > from) {
    const { deploymentId } = await clients.marathon.scaleApp(appId, to, signal);
    report(`scaling up ${from} -> ${to} (deployment ${deploymentId})`);
    await expectSuccess(clients, deploymentId, options);
    return { ...base, deploymentId, elapsedMs: Date.now() - started };
  }

  const pool = typeof poolOf === "function" ? await poolOf() : poolOf;
  const tasks = await executorTasks(clients, appId, pool, cluster);
  // Idle executors first, then the youngest: the least work is disturbed.
  const victims = [...tasks]
    .sort((a, b) => a.busySlots - b.busySlots || (b.startedAt ?? "").localeCompare(a.startedAt ?? ""))
    .slice(0, Math.max(0, tasks.length - to));
  const left = await retireAndWait(pool, victims, options, report);
  if (left.length > 0 && !options.force) throw new DrainTimeoutError(`scaling ${appId} to ${to}`, left);
  if (left.length > 0)
    report(`deadline passed: killing ${left.map((v) => v.startd).join(", ")} with their jobs`);
  const ids = victims.map((v) => v.taskId);
  let deploymentId: string | undefined;
  if (ids.length > 0) {
    const killed = await clients.marathon.killTasks(ids, { scale: true, ...signal });
    if ("deploymentId" in killed) {
      deploymentId = killed.deploymentId;
      await expectSuccess(clients, deploymentId, options);
    }
  }
  // Instances Marathon had not launched yet have no task to pick: lowering the count removes those first.
  const remaining = from - ids.length;
  if (remaining > to) {
    const ref = await clients.marathon.scaleApp(appId, to, signal);
    deploymentId = ref.deploymentId;
    await expectSuccess(clients, deploymentId, options);
  }
  report(`scaled down ${from} -> ${to}; removed ${ids.length} task(s)`);
  return {
    ...base,
    removed: victims.map((v) => ({ taskId: v.taskId, ...(v.startd ? { startd: v.startd } : {}) })),
    killedBusy: left.map((v) => v.taskId),
    ...(deploymentId ? { deploymentId } : {}),
    elapsedMs: Date.now() - started,
  };
}

async function expectSuccess(
  clients: SiteClients,
  deploymentId: string,
  options: DrainOptions,
): Promise<void> {
  const outcome = await waitForDeployment(clients.marathon, deploymentId, {
    timeoutMs: options.timeoutMs ?? 600_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (outcome.outcome !== "succeeded") {
    throw new BsaasError(
      "DEPLOYMENT_FAILED",
      `deployment ${deploymentId} at site ${clients.site.name} ${outcome.outcome === "failed" ? "failed" : "did not finish in time"}`,
      { hint: "See `bsaas status` and Marathon's deployments for the step that failed." },
    );
  }
}

/** What a destroy did, per site. */
export interface DestroyResult {
  sites: { site: string; groupId: string; outcome: "deleted" | "absent"; deploymentId?: string }[];
  /** Executors killed with jobs still running (forced). */
  killedBusy: string[];
  elapsedMs: number;
}

/**
 * Removes the cluster: drains every executor (unless `force`: then they are stopped at once), deletes each site's
 * group (other sites first, the central manager's last) and the cluster's parent group when it is left empty.
 *
 * @throws {DrainTimeoutError} executors still busy at the deadline without `force`; nothing has been deleted then.
 */
export async function destroyCluster(
  rendered: RenderedCluster,
  clients: ReadonlyMap<string, SiteClients>,
  pool: CondorPool | undefined,
  options: DrainOptions = {},
): Promise<DestroyResult> {
  const started = Date.now();
  const report = (message: string, site?: string) =>
    options.onProgress?.({
      phase: "destroy",
      ...(site ? { site } : {}),
      message,
      elapsedMs: Date.now() - started,
    });
  const signal = options.signal ? { signal: options.signal } : {};
  let killedBusy: string[] = [];

  if (pool) {
    const victims: ExecutorTask[] = [];
    for (const site of rendered.sites) {
      const c = clients.get(site.site);
      const executors = site.apps.find((a) => a.role === "execute");
      if (!c || !executors) continue;
      try {
        victims.push(...(await executorTasks(c, executors.app.id, pool, rendered.cluster)));
      } catch (error) {
        if (!options.force) throw error;
        report(
          `cannot list the executors (${error instanceof Error ? error.message : error}); forced`,
          site.site,
        );
      }
    }
    if (options.force) {
      for (const v of victims.filter((v) => v.startd)) {
        // A fast shutdown evicts the jobs at once: what --force asks for.
        await pool.tools
          .run({
            tool: "condor_off",
            args: ["-pool", pool.collector ?? "", "-fast", "-startd", "-name", v.startd ?? ""],
          })
          .catch(() => undefined);
      }
      killedBusy = victims.filter((v) => v.busySlots > 0).map((v) => v.taskId);
      if (killedBusy.length) report(`forced: stopping ${killedBusy.length} executor(s) with running jobs`);
    } else {
      const left = await retireAndWait(pool, victims, options, (m) => report(m));
      if (left.length > 0) throw new DrainTimeoutError(`destroying ${rendered.cluster}`, left);
    }
  } else if (!options.force) {
    throw new BsaasError(
      "DESTROY_NEEDS_POOL",
      "cannot drain the executors: HTCondor's tools are not available here",
      {
        hint: "Run where HTCondor is installed (or scripts/provision-htcondor has run), or use --force to remove the cluster without draining.",
      },
    );
  }

  const sites: DestroyResult["sites"] = [];
  const [cmSite, ...others] = rendered.sites;
  const deleteSite = async (site: (typeof rendered.sites)[number]) => {
    const c = clients.get(site.site);
    if (!c) throw new BsaasError("SITE_UNKNOWN", `no connection for site ${site.site}`);
    try {
      const { deploymentId } = await c.marathon.deleteGroup(site.groupId, { force: true, ...signal });
      report(`deleting ${site.groupId} (deployment ${deploymentId})`, site.site);
      await expectSuccess(c, deploymentId, options);
      sites.push({ site: site.site, groupId: site.groupId, outcome: "deleted", deploymentId });
    } catch (error) {
      if (!(error instanceof MarathonNotFoundError)) throw error;
      sites.push({ site: site.site, groupId: site.groupId, outcome: "absent" });
    }
  };
  await Promise.all(others.map(deleteSite));
  if (cmSite) await deleteSite(cmSite);

  // The parent group /bsaas/<cluster>, when nothing else is left in it.
  for (const site of rendered.sites) {
    const c = clients.get(site.site);
    if (!c) continue;
    const parent = site.groupId.slice(0, site.groupId.lastIndexOf("/"));
    try {
      const group = await c.marathon.getGroup(parent, { embed: ["group.groups", "group.apps"] });
      if ((group.apps ?? []).length === 0 && (group.groups ?? []).length === 0) {
        const { deploymentId } = await c.marathon.deleteGroup(parent, signal);
        await expectSuccess(c, deploymentId, options);
      }
    } catch (error) {
      if (!(error instanceof MarathonNotFoundError)) throw error;
    }
  }
  return { sites, killedBusy, elapsedMs: Date.now() - started };
}
