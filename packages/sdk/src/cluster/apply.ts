/**
 * Plan and apply: read each site's group from its Marathon, diff it against the rendered one, and apply what
 * differs with ONE `PUT /v2/groups/<site group>` per site (not one request per app), waiting on the deployment
 * through Marathon's event stream. The central manager's site goes first (everything else needs the collector);
 * the other sites then go concurrently. A site with nothing to change gets no request at all, so applying the same
 * file twice changes nothing. A failure at one site does not stop the others; the result says what happened where.
 */
import { BsaasError } from "../errors.js";
import type { App } from "../marathon/index.js";
import { MarathonNotFoundError } from "../marathon/index.js";
import { waitForDeployment } from "../marathon/waiters.js";
import type { SiteClients } from "./connect.js";
import { type ClusterPlan, planCluster, planSite, type SitePlan } from "./plan.js";
import type { RenderedCluster, RenderedSite } from "./render.js";

/** A step of a long operation, for progress displays. */
export interface ProgressEvent {
  /** `plan`, `apply`, `verify`, `scale`, `destroy`, ... */
  phase: string;
  site?: string;
  message: string;
  /** Since the operation started. */
  elapsedMs: number;
}

/** Receives progress events. */
export type ProgressListener = (event: ProgressEvent) => void;

/** The apps Marathon has in a group, or undefined when the group does not exist. */
export async function liveApps(
  clients: SiteClients,
  groupId: string,
  signal?: AbortSignal,
): Promise<App[] | undefined> {
  try {
    const group = await clients.marathon.getGroup(groupId, {
      embed: ["group.apps"],
      ...(signal ? { signal } : {}),
    });
    return group.apps ?? [];
  } catch (error) {
    if (error instanceof MarathonNotFoundError) return undefined;
    throw error;
  }
}

/** Diffs every site of the rendered cluster against its Marathon (reads only). */
export async function planRendered(
  rendered: RenderedCluster,
  clients: ReadonlyMap<string, SiteClients>,
  signal?: AbortSignal,
): Promise<ClusterPlan> {
  const sites = await Promise.all(
    rendered.sites.map(async (site) => {
      const live = await liveApps(clientsOf(clients, site.site), site.groupId, signal);
      return planSite(
        site.site,
        site.groupId,
        site.apps.map((a) => a.app),
        live,
      );
    }),
  );
  return planCluster(rendered.cluster, sites);
}

/** What happened at one site. */
export interface SiteApplyResult {
  site: string;
  groupId: string;
  /** `unchanged`: nothing sent; `applied`: the deployment succeeded; `failed`: see `error`. */
  outcome: "unchanged" | "applied" | "failed";
  deploymentId?: string;
  error?: string;
  elapsedMs: number;
}

/** Options of {@link applyRendered}. */
export interface ApplyOptions {
  /** How long each site's deployment may take; default 10 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Cancel deployments in the way (Marathon's `force`). */
  force?: boolean;
}

/** One or more sites failed to apply. `results` says what was applied where. */
export class ApplyError extends BsaasError {
  constructor(readonly results: SiteApplyResult[]) {
    const failed = results.filter((r) => r.outcome === "failed");
    const applied = results.filter((r) => r.outcome === "applied").map((r) => r.site);
    const unchanged = results.filter((r) => r.outcome === "unchanged").map((r) => r.site);
    super(
      "APPLY_FAILED",
      [
        `apply failed at ${failed.map((r) => `${r.site} (${r.error})`).join(", ")}`,
        `applied: ${applied.length ? applied.join(", ") : "none"}`,
        ...(unchanged.length ? [`unchanged: ${unchanged.join(", ")}`] : []),
      ].join("; "),
      {
        hint: "Fix the cause and apply again: sites already applied are left as they are and report no changes.",
      },
    );
  }
}

function clientsOf(clients: ReadonlyMap<string, SiteClients>, site: string): SiteClients {
  const c = clients.get(site);
  if (!c) throw new BsaasError("SITE_UNKNOWN", `no connection for site ${site}`);
  return c;
}

async function applySite(
  site: RenderedSite,
  sitePlan: SitePlan,
  clients: SiteClients,
  options: ApplyOptions,
  started: number,
): Promise<SiteApplyResult> {
  const t0 = Date.now();
  const report = (message: string) =>
    options.onProgress?.({ phase: "apply", site: site.site, message, elapsedMs: Date.now() - started });
  if (sitePlan.changes.length === 0) {
    report("no changes");
    return { site: site.site, groupId: site.groupId, outcome: "unchanged", elapsedMs: 0 };
  }
  try {
    const { deploymentId } = await clients.marathon.putGroup(site.group, {
      ...(options.force ? { force: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    report(`deployment ${deploymentId} started (${sitePlan.changes.length} app change(s))`);
    const outcome = await waitForDeployment(clients.marathon, deploymentId, {
      timeoutMs: options.timeoutMs ?? 600_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const elapsedMs = Date.now() - t0;
    if (outcome.outcome === "succeeded") {
      report(`deployment ${deploymentId} succeeded`);
      return { site: site.site, groupId: site.groupId, outcome: "applied", deploymentId, elapsedMs };
    }
    const error =
      outcome.outcome === "failed"
        ? `deployment ${deploymentId} failed${outcome.failedApps.length ? ` (apps ${outcome.failedApps.join(", ")})` : ""}`
        : `deployment ${deploymentId} still running after ${Math.round(outcome.elapsedMs / 1000)} s`;
    report(error);
    return { site: site.site, groupId: site.groupId, outcome: "failed", deploymentId, error, elapsedMs };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    report(`failed: ${message}`);
    return {
      site: site.site,
      groupId: site.groupId,
      outcome: "failed",
      error: message,
      elapsedMs: Date.now() - t0,
    };
  }
}

/**
 * Applies a plan: the central manager's site (the first rendered site) first, then the others concurrently. Sites
 * without changes are not touched.
 *
 * @throws {ApplyError} when a site failed (after every site has been tried), with per-site results.
 */
export async function applyRendered(
  rendered: RenderedCluster,
  plan: ClusterPlan,
  clients: ReadonlyMap<string, SiteClients>,
  options: ApplyOptions = {},
): Promise<SiteApplyResult[]> {
  const started = Date.now();
  const planOf = (site: string) => {
    const p = plan.sites.find((s) => s.site === site);
    if (!p) throw new BsaasError("PLAN_MISMATCH", `the plan has no site ${site}`);
    return p;
  };
  const [first, ...rest] = rendered.sites;
  const results: SiteApplyResult[] = [];
  if (first)
    results.push(
      await applySite(first, planOf(first.site), clientsOf(clients, first.site), options, started),
    );
  results.push(
    ...(await Promise.all(
      rest.map((site) => applySite(site, planOf(site.site), clientsOf(clients, site.site), options, started)),
    )),
  );
  if (results.some((r) => r.outcome === "failed")) throw new ApplyError(results);
  return results;
}
