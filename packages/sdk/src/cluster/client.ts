/**
 * {@link ClusterClient}: one object for everything bsaas does with a cluster file — render, plan, apply, verify,
 * status, scale, destroy, and jobs. The CLI, the TUI and the GitHub Action all go through it.
 */
import { BsaasError } from "../errors.js";
import type { HTCondorInstallation } from "../htcondor/local/installation.js";
import type { CondorJob, CondorPool, PoolWaitOptions, SubmitResult } from "../htcondor/pool/client.js";
import {
  type ApplyOptions,
  applyRendered,
  type ProgressListener,
  planRendered,
  type SiteApplyResult,
} from "./apply.js";
import {
  type ConnectOptions,
  connectPool,
  connectSite,
  type PoolConnection,
  type SiteClients,
} from "./connect.js";
import type { LoadedClusterSpec } from "./load.js";
import type { ClusterPlan } from "./plan.js";
import { appIdOf, type RenderedCluster, renderCluster } from "./render.js";
import {
  type DestroyResult,
  type DrainOptions,
  destroyCluster,
  type ScaleResult,
  scaleExecutors,
} from "./scale.js";
import type { ClusterSpec } from "./spec.js";
import { type ClusterSecrets, openClusterSecrets } from "./state.js";
import { type ClusterStatus, clusterStatus } from "./status.js";
import { type VerifyOptions, type VerifyResult, verifyPool } from "./verify.js";

/** Options of {@link ClusterClient.open}. */
export interface ClusterClientOptions extends ConnectOptions {
  /** bsaas's state directory (signing key, tokens); default {@link defaultStateDir}. */
  stateDir?: string;
  /** Where HTCondor's tools are; default: found on PATH or in the provisioned rootfs. */
  installation?: HTCondorInstallation;
  /** The user jobs are submitted as (default `bsaas` when bsaas runs as root). */
  jobUser?: string;
  /** Where bsaas writes its HTCondor client configuration (as HTCondor sees it). */
  clientsDir?: string;
  onProgress?: ProgressListener;
}

/** The result of {@link ClusterClient.apply}. */
export interface ApplyResult {
  plan: ClusterPlan;
  /** False when nothing had to change (no mutating request was sent). */
  changed: boolean;
  dryRun: boolean;
  sites: SiteApplyResult[];
  /** The HTCondor-level check, unless skipped or a dry run. */
  verify?: VerifyResult;
}

/** See the module documentation. */
export class ClusterClient {
  readonly spec: ClusterSpec;
  readonly rendered: RenderedCluster;
  readonly sites: ReadonlyMap<string, SiteClients>;
  private poolConnection: Promise<PoolConnection> | undefined;

  private constructor(
    readonly loaded: Pick<LoadedClusterSpec, "spec" | "file">,
    readonly secrets: ClusterSecrets,
    private readonly options: ClusterClientOptions,
  ) {
    this.spec = loaded.spec;
    this.rendered = renderCluster(this.spec, { secrets });
    this.sites = new Map(this.spec.sites.map((site) => [site.name, connectSite(loaded, site, options)]));
  }

  /**
   * Opens a cluster file's cluster: its state (signing key and tokens, created on first use), its rendering, and
   * clients for every site. Nothing is sent yet.
   */
  static open(
    loaded: Pick<LoadedClusterSpec, "spec" | "file">,
    options: ClusterClientOptions = {},
  ): ClusterClient {
    const secrets = openClusterSecrets(loaded, options.stateDir ? { stateDir: options.stateDir } : {});
    return new ClusterClient(loaded, secrets, options);
  }

  /** The diff between the file and what the sites run (reads only). */
  plan(signal?: AbortSignal): Promise<ClusterPlan> {
    return planRendered(this.rendered, this.sites, signal);
  }

  /**
   * Applies the file: plan, one group PUT per changed site (central manager's site first), wait for the
   * deployments, then verify the pool at the HTCondor level. With `dryRun` only the plan is made.
   *
   * @throws {ApplyError} a site failed (the others were still applied; the error lists what happened where).
   * @throws {VerifyTimeoutError} the pool did not come together in time, with what is missing.
   */
  async apply(
    options: ApplyOptions & {
      dryRun?: boolean;
      verify?: boolean | VerifyOptions;
      /** A plan made by {@link plan} and shown to the user: applied as it is, without reading the sites again. */
      plan?: ClusterPlan;
    } = {},
  ): Promise<ApplyResult> {
    const onProgress = options.onProgress ?? this.options.onProgress;
    const started = Date.now();
    const plan = options.plan ?? (await this.plan(options.signal));
    onProgress?.({
      phase: "plan",
      message: plan.hasChanges
        ? `${plan.counts.create} to create, ${plan.counts.update} to update, ${plan.counts.delete} to delete`
        : "no changes",
      elapsedMs: Date.now() - started,
    });
    if (options.dryRun) return { plan, changed: false, dryRun: true, sites: [] };
    const sites = await applyRendered(this.rendered, plan, this.sites, {
      ...options,
      ...(onProgress ? { onProgress } : {}),
    });
    const result: ApplyResult = { plan, changed: plan.hasChanges, dryRun: false, sites };
    if (options.verify !== false) {
      result.verify = await this.verify({
        ...(typeof options.verify === "object" ? options.verify : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
    return result;
  }

  /** Waits until the pool has the file's shape (see {@link verifyPool}). */
  async verify(options: VerifyOptions = {}): Promise<VerifyResult> {
    const started = Date.now();
    const onProgress = this.options.onProgress;
    const { pool, collector } = await this.pool();
    let last = "";
    const result = await verifyPool(pool, this.spec, collector, {
      ...options,
      // Startds of tasks Marathon has replaced may still finish their jobs: they are not the executors asked for.
      currentTasks: async (site) => {
        const clients = this.sites.get(site);
        if (!clients) return undefined;
        const tasks = await clients.marathon
          .appTasks(appIdOf(this.spec, site, "executors"))
          .catch(() => undefined);
        return tasks && new Set(tasks.map((t) => t.id));
      },
      onProgress: (r) => {
        options.onProgress?.(r);
        const text = r.missing.join("; ");
        if (text !== last)
          onProgress?.({ phase: "verify", message: `waiting: ${text}`, elapsedMs: Date.now() - started });
        last = text;
      },
    });
    onProgress?.({
      phase: "verify",
      message: `pool complete: HTCondor ${result.htcondorVersion}, ${result.schedds.length} schedd(s), ${result.executors.reduce((n, e) => n + e.ready, 0)} executor(s)`,
      elapsedMs: Date.now() - started,
    });
    return result;
  }

  /** Marathon, Mesos and HTCondor in one view; parts that cannot be read say why. */
  async status(): Promise<ClusterStatus> {
    let pool: CondorPool | undefined;
    try {
      pool = (await this.pool()).pool;
    } catch {
      pool = undefined;
    }
    return clusterStatus(this.rendered, this.sites, pool);
  }

  /** Sets a site's executor count: up at once, down by draining first (see {@link scaleExecutors}). */
  async scale(site: string, executors: number, options: DrainOptions = {}): Promise<ScaleResult> {
    const clients = this.sites.get(site);
    if (!clients) {
      throw new BsaasError("SITE_UNKNOWN", `no site named ${site} in ${this.loaded.file}`, {
        hint: `Sites: ${[...this.sites.keys()].join(", ")}.`,
      });
    }
    const onProgress = options.onProgress ?? this.options.onProgress;
    // Only scaling down reaches HTCondor (to drain): scaling up works without its tools here.
    const pool = async () => (await this.pool()).pool;
    return scaleExecutors(
      clients,
      appIdOf(this.spec, site, "executors"),
      pool,
      this.spec.metadata.name,
      executors,
      {
        ...options,
        ...(onProgress ? { onProgress } : {}),
      },
    );
  }

  /** Removes the cluster, draining executors first unless `force` (see {@link destroyCluster}). */
  async destroy(options: DrainOptions = {}): Promise<DestroyResult> {
    let pool: CondorPool | undefined;
    try {
      pool = (await this.pool()).pool;
    } catch (error) {
      if (!options.force) throw error;
    }
    const onProgress = options.onProgress ?? this.options.onProgress;
    return destroyCluster(this.rendered, this.sites, pool, {
      ...options,
      ...(onProgress ? { onProgress } : {}),
    });
  }

  /**
   * Removes bsaas's HTCondor client files of this cluster (its copy of the administrator token included). They are
   * shared by every client of the same state directory: call it when that state goes away (as `bsaas up` does).
   */
  async close(): Promise<void> {
    if (!this.poolConnection) return;
    const connection = await this.poolConnection.catch(() => undefined);
    connection?.remove();
    this.poolConnection = undefined;
  }

  /** bsaas's HTCondor client of the pool (made once). */
  pool(): Promise<PoolConnection> {
    this.poolConnection ??= connectPool(this.loaded, this.secrets, {
      ...(this.options.installation ? { installation: this.options.installation } : {}),
      ...(this.options.jobUser ? { jobUser: this.options.jobUser } : {}),
      ...(this.options.clientsDir ? { clientsDir: this.options.clientsDir } : {}),
    });
    return this.poolConnection;
  }

  /**
   * A pool client for a submitter's schedd (default: the first submitter), submitting as the job user.
   *
   * @throws {BsaasError} `SCHEDD_NOT_FOUND` when the schedd is not in the collector.
   */
  async schedd(submitter?: string): Promise<CondorPool> {
    const name = submitter ?? this.spec.submitters[0]?.name;
    if (!name || !this.spec.submitters.some((s) => s.name === name)) {
      throw new BsaasError("SUBMITTER_UNKNOWN", `no submitter named ${submitter} in ${this.loaded.file}`, {
        hint: `Submitters: ${this.spec.submitters.map((s) => s.name).join(", ")}.`,
      });
    }
    const connection = await this.pool();
    const schedds = await connection.pool.schedds();
    const found = schedds.find((s) => s.name.startsWith(`${name}@`));
    if (!found) {
      throw new BsaasError("SCHEDD_NOT_FOUND", `the schedd of submitter ${name} is not in the collector`, {
        hint: "Apply the cluster and wait until `bsaas status` shows the submitter healthy.",
      });
    }
    return connection.forSchedd(found.name);
  }

  /** Submits a submit description (text or the SDK's builder) to a submitter's schedd. */
  async submit(
    description: string | { toString(): string },
    options: { submitter?: string; cwd?: string } = {},
  ): Promise<SubmitResult & { schedd: string }> {
    const schedd = await this.schedd(options.submitter);
    const result = await schedd.submit(description, options.cwd ? { cwd: options.cwd } : {});
    return { ...result, schedd: schedd.schedd ?? "" };
  }

  /** Jobs in a submitter's queue (and, with `history`, those that left it). */
  async jobs(
    options: { submitter?: string; history?: boolean; constraint?: string } = {},
  ): Promise<CondorJob[]> {
    const schedd = await this.schedd(options.submitter);
    const query = options.constraint ? { constraint: options.constraint } : {};
    const queued = await schedd.jobs(query);
    if (!options.history) return queued;
    const done = await schedd.history(query);
    return [...queued, ...done.filter((d) => !queued.some((q) => q.id === d.id))];
  }

  /** Waits until every job of a cluster id has left the queue; returns their final ads. */
  async waitForJobs(
    clusterId: number,
    options: PoolWaitOptions & { submitter?: string } = {},
  ): Promise<CondorJob[]> {
    const schedd = await this.schedd(options.submitter);
    return schedd.waitForJobs(clusterId, options);
  }
}
