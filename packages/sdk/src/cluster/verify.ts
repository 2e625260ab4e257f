/**
 * Verify: a deployment is done when HTCondor says so, not when Marathon does. The central manager answers, reports
 * the expected version, every submitter's schedd is in the collector, and each site has the expected number of
 * startds. Waits (polling the collector) until all of that holds or the deadline passes, then says what is missing.
 */
import { BsaasError } from "../errors.js";
import type { CondorPool } from "../htcondor/pool/client.js";
import { AbortedError } from "../http/errors.js";
import { sleep } from "../http/retry.js";
import type { ClusterSpec } from "./spec.js";

/** Executors HTCondor knows at one site. */
export interface SiteExecutors {
  site: string;
  expected: number;
  /** Startds in the collector for this site. */
  ready: number;
  /** Their names (`<task id>@<machine>`). */
  startds: string[];
  /**
   * Startds of tasks Marathon no longer runs for the app (replaced or scaled away, finishing their jobs before
   * they stop). Not counted as ready; they do not make verification fail.
   */
  retiring: string[];
}

/** What verification found. */
export interface VerifyResult {
  ok: boolean;
  collector: string;
  /** As the pool's own ads report it (the collector's CondorVersion), e.g. `23.9.6`. */
  htcondorVersion?: string;
  schedds: string[];
  executors: SiteExecutors[];
  /** What is still missing, in words; empty when ok. */
  missing: string[];
  elapsedMs: number;
}

/** The pool did not reach the expected shape in time. */
export class VerifyTimeoutError extends BsaasError {
  constructor(readonly result: VerifyResult) {
    super(
      "VERIFY_TIMEOUT",
      `the HTCondor pool at ${result.collector} is not complete after ${Math.round(result.elapsedMs / 1000)} s: ${result.missing.join("; ")}`,
      {
        hint: "Look at the apps in Marathon (bsaas status) and at the tasks' sandboxes (stderr, condor/log/MasterLog); apply again once fixed, or raise --timeout if the site is only slow.",
      },
    );
  }
}

/** The ids of the tasks Marathon runs for a site's executors app (undefined: unknown, count every startd). */
export type CurrentExecutorTasks = (site: string) => Promise<ReadonlySet<string> | undefined>;

/** Looks at the pool once. */
export async function inspectPool(
  pool: CondorPool,
  spec: ClusterSpec,
  collector: string,
  currentTasks?: CurrentExecutorTasks,
): Promise<VerifyResult> {
  const started = Date.now();
  const missing: string[] = [];
  let htcondorVersion: string | undefined;
  try {
    htcondorVersion = await pool.version();
  } catch (error) {
    missing.push(`the central manager at ${collector} does not answer (${firstLine(error)})`);
    return {
      ok: false,
      collector,
      schedds: [],
      executors: spec.sites.map((s) => ({
        site: s.name,
        expected: s.executors.instances,
        ready: 0,
        startds: [],
        retiring: [],
      })),
      missing,
      elapsedMs: Date.now() - started,
    };
  }
  const wanted = spec.htcondor.version;
  if (wanted && !(htcondorVersion === wanted || htcondorVersion.startsWith(`${wanted}.`))) {
    missing.push(`the pool runs HTCondor ${htcondorVersion}, the file asks for ${wanted}`);
  }
  const [schedds, slots] = await Promise.all([
    pool.schedds(),
    pool.slots({
      constraint: `BsaasCluster =?= ${JSON.stringify(spec.metadata.name)}`,
      projection: ["Site", "BsaasCluster", "MesosTaskId"],
    }),
  ]);
  const tasksBySite = new Map(
    await Promise.all(spec.sites.map(async (site) => [site.name, await currentTasks?.(site.name)] as const)),
  );
  const scheddNames = schedds.map((s) => s.name);
  for (const submitter of spec.submitters) {
    if (!scheddNames.some((n) => n.startsWith(`${submitter.name}@`)))
      missing.push(`schedd ${submitter.name} (site ${submitter.site}) is not in the collector`);
  }
  const executors = spec.sites.map((site): SiteExecutors => {
    const current = tasksBySite.get(site.name);
    const mine = slots.filter((s) => s.site === site.name);
    const isCurrent = (slot: (typeof mine)[number]) => {
      if (!current) return true;
      const id = slot.ad.evaluate("MesosTaskId");
      return id.type === "string" && current.has(id.value);
    };
    const startds = [...new Set(mine.filter(isCurrent).map((s) => s.startdName))].sort();
    const retiring = [...new Set(mine.filter((s) => !isCurrent(s)).map((s) => s.startdName))].sort();
    const expected = site.executors.instances;
    if (startds.length < expected)
      missing.push(`site ${site.name}: ${startds.length} of ${expected} executors in the collector`);
    if (startds.length > expected)
      missing.push(`site ${site.name}: ${startds.length} executors in the collector, ${expected} expected`);
    return { site: site.name, expected, ready: startds.length, startds, retiring };
  });
  return {
    ok: missing.length === 0,
    collector,
    htcondorVersion,
    schedds: scheddNames,
    executors,
    missing,
    elapsedMs: Date.now() - started,
  };
}

/** Options of {@link verifyPool}. */
export interface VerifyOptions {
  /** Default 5 minutes. */
  timeoutMs?: number;
  /** Poll interval; default 2 s. */
  intervalMs?: number;
  signal?: AbortSignal;
  /** Called after each look that is not yet complete. */
  onProgress?: (result: VerifyResult) => void;
}

/**
 * Waits until the pool has the shape the file describes.
 *
 * @throws {VerifyTimeoutError} with what is missing.
 * @throws {AbortedError} when `signal` fires.
 */
export async function verifyPool(
  pool: CondorPool,
  spec: ClusterSpec,
  collector: string,
  options: VerifyOptions & { currentTasks?: CurrentExecutorTasks } = {},
): Promise<VerifyResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 300_000;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError("verifying the pool");
    const result = await inspectPool(pool, spec, collector, options.currentTasks);
    result.elapsedMs = Date.now() - started;
    if (result.ok) return result;
    if (result.elapsedMs >= timeoutMs) throw new VerifyTimeoutError(result);
    options.onProgress?.(result);
    await sleep(options.intervalMs ?? 2000, options.signal);
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}
