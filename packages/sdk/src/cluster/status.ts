/**
 * Status: one view joining Marathon (apps, instances, health, deployments in flight), Mesos (agents and free
 * resources) and HTCondor (slots by state, jobs by state), per site. Each source is asked on its own and a failing
 * one is reported in its place, so a slow or unreachable site never hides the others.
 */
import { CondorPool } from "../htcondor/pool/client.js";
import { type AppRow, appRow } from "../marathon/status.js";
import type { MasterStateSummary } from "../mesos/schemas/index.js";
import type { SiteClients } from "./connect.js";
import { LABELS, type RenderedCluster } from "./render.js";

/** A task of an app. */
export interface TaskStatus {
  id: string;
  host: string;
  /** Addresses the task has (container networks), else the agent's host. */
  addresses: string[];
  ports: number[];
  state: string;
  healthy?: boolean;
}

/** An app of the cluster with its tasks. */
export interface AppStatusRow extends AppRow {
  role?: string;
  tasks: TaskStatus[];
}

/** A deployment that touches the site. */
export interface DeploymentStatus {
  id: string;
  currentStep: number;
  totalSteps: number;
  actions: string[];
}

/** Resources of a site's Mesos agents. */
export interface MesosResources {
  cpus: number;
  mem: number;
  disk: number;
}

/** A part of the status that could not be read. */
export interface Unavailable {
  ok: false;
  error: string;
}

/** Everything known about one site. */
export interface SiteStatus {
  site: string;
  groupId: string;
  marathon: { ok: true; apps: AppStatusRow[]; deployments: DeploymentStatus[] } | Unavailable;
  mesos?: { ok: true; agents: number; total: MesosResources; free: MesosResources } | Unavailable;
  /** Slots of this site's executors by state (`Unclaimed`, `Claimed`, ...), and how many executors. */
  htcondor?: {
    executors: number;
    slots: Record<string, number>;
    /** Jobs in the queues of the submitters at this site, by state. */
    jobs: Record<string, number>;
  };
}

/** The status of a whole cluster. */
export interface ClusterStatus {
  cluster: string;
  collector: string;
  htcondor:
    | {
        ok: true;
        version: string;
        schedds: string[];
        jobs: Record<string, number>;
        slots: Record<string, number>;
      }
    | Unavailable;
  sites: SiteStatus[];
}

function message(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

function count<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

async function marathonStatus(clients: SiteClients, groupId: string): Promise<SiteStatus["marathon"]> {
  try {
    const [group, deployments] = await Promise.all([
      clients.marathon
        .getGroup(groupId, {
          embed: ["group.apps", "group.apps.tasks", "group.apps.counts", "group.apps.deployments"],
        })
        .catch((error: unknown) => {
          if (error instanceof Error && error.name === "MarathonNotFoundError")
            return { id: groupId, apps: [] };
          throw error;
        }),
      clients.marathon.listDeployments(),
    ]);
    const apps = (group.apps ?? [])
      .map(
        (app): AppStatusRow => ({
          ...appRow(app),
          ...(app.labels?.[LABELS.role] ? { role: app.labels[LABELS.role] } : {}),
          tasks: (app.tasks ?? []).map((t) => ({
            id: t.id,
            host: t.host,
            addresses: (t.ipAddresses ?? []).map((a) => a.ipAddress).filter((a): a is string => !!a),
            ports: t.ports ?? [],
            state: t.state,
            ...(t.healthCheckResults?.length ? { healthy: t.healthCheckResults.every((h) => h.alive) } : {}),
          })),
        }),
      )
      .sort((a, b) => a.id.localeCompare(b.id));
    return {
      ok: true,
      apps,
      deployments: deployments
        .filter((d) => d.affectedApps.some((a) => a.startsWith(`${groupId}/`)))
        .map((d) => ({
          id: d.id,
          currentStep: d.currentStep,
          totalSteps: d.totalSteps,
          actions: d.currentActions.map((a) => `${a.action} ${a.app ?? a.pod ?? ""}`.trim()),
        })),
    };
  } catch (error) {
    return { ok: false, error: message(error) };
  }
}

/** Agents, total and free resources of a Mesos master's state summary (`/master/state-summary`). */
export function mesosResources(summary: MasterStateSummary): {
  agents: number;
  total: MesosResources;
  free: MesosResources;
} {
  const num = (r: Record<string, number | string> | undefined, k: string) => {
    const v = r?.[k];
    return typeof v === "number" ? v : 0;
  };
  const total: MesosResources = { cpus: 0, mem: 0, disk: 0 };
  const free: MesosResources = { cpus: 0, mem: 0, disk: 0 };
  for (const agent of summary.slaves) {
    for (const k of ["cpus", "mem", "disk"] as const) {
      total[k] += num(agent.resources, k);
      free[k] += num(agent.resources, k) - num(agent.used_resources, k);
    }
  }
  return { agents: summary.slaves.length, total, free };
}

async function mesosStatus(clients: SiteClients): Promise<SiteStatus["mesos"]> {
  if (!clients.mesos) return undefined;
  try {
    return { ok: true, ...mesosResources(await clients.mesos.stateSummary()) };
  } catch (error) {
    return { ok: false, error: message(error) };
  }
}

/** Reads the status of every site and of the pool, concurrently. */
export async function clusterStatus(
  rendered: RenderedCluster,
  clients: ReadonlyMap<string, SiteClients>,
  pool: CondorPool | undefined,
): Promise<ClusterStatus> {
  const poolPart = (async () => {
    if (!pool)
      return {
        status: { ok: false as const, error: "HTCondor tools are not available here" },
        slots: [],
        jobsBySite: new Map<string, Record<string, number>>(),
      };
    try {
      const [version, schedds, slots] = await Promise.all([
        pool.version(),
        pool.schedds(),
        pool.slots({
          constraint: `BsaasCluster =?= ${JSON.stringify(rendered.cluster)}`,
          projection: ["Site", "BsaasCluster"],
        }),
      ]);
      // Each submitter's queue, asked of its own schedd; a schedd that does not answer counts no job.
      const queues = await Promise.all(
        schedds.map(async (schedd) => {
          const site = rendered.submitterSites[schedd.name.slice(0, schedd.name.indexOf("@"))];
          const client = new CondorPool({
            tools: pool.tools,
            ...(pool.collector ? { collector: pool.collector } : {}),
            schedd: schedd.name,
          });
          return { site, jobs: await client.jobs().catch(() => []) };
        }),
      );
      const jobsBySite = new Map<string, Record<string, number>>();
      for (const queue of queues) {
        if (!queue.site) continue;
        const counts = jobsBySite.get(queue.site) ?? {};
        for (const job of queue.jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
        jobsBySite.set(queue.site, counts);
      }
      return {
        status: {
          ok: true as const,
          version,
          schedds: schedds.map((s) => s.name).sort(),
          jobs: count(
            queues.flatMap((q) => q.jobs),
            (j) => j.status,
          ),
          slots: count(slots, (s) => s.state),
        },
        slots,
        jobsBySite,
      };
    } catch (error) {
      return {
        status: { ok: false as const, error: message(error) },
        slots: [],
        jobsBySite: new Map<string, Record<string, number>>(),
      };
    }
  })();

  const sites = await Promise.all(
    rendered.sites.map(async (site): Promise<SiteStatus> => {
      const clientsOfSite = clients.get(site.site);
      if (!clientsOfSite)
        return { site: site.site, groupId: site.groupId, marathon: { ok: false, error: "no connection" } };
      const [marathon, mesos] = await Promise.all([
        marathonStatus(clientsOfSite, site.groupId),
        mesosStatus(clientsOfSite),
      ]);
      return { site: site.site, groupId: site.groupId, marathon, ...(mesos ? { mesos } : {}) };
    }),
  );
  const { status, slots, jobsBySite } = await poolPart;
  if (status.ok) {
    for (const site of sites) {
      const mine = slots.filter((s) => s.site === site.site);
      site.htcondor = {
        executors: new Set(mine.map((s) => s.startdName)).size,
        slots: count(mine, (s) => s.state),
        jobs: jobsBySite.get(site.site) ?? {},
      };
    }
  }
  return { cluster: rendered.cluster, collector: rendered.collector, htcondor: status, sites };
}

const fmtCounts = (counts: Record<string, number>) =>
  Object.keys(counts).length === 0
    ? "none"
    : Object.entries(counts)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");

/** The status as text, like `kubectl get`: per site the apps table, deployments, agents and HTCondor slots. */
export function formatStatus(status: ClusterStatus): string {
  const out: string[] = [];
  const pool = status.htcondor;
  out.push(
    `Cluster ${status.cluster}: collector ${status.collector}, ${
      pool.ok
        ? `HTCondor ${pool.version}, schedds: ${pool.schedds.join(", ") || "none"}, jobs: ${fmtCounts(pool.jobs)}`
        : `HTCondor unavailable: ${pool.error}`
    }`,
  );
  for (const site of status.sites) {
    out.push("", `Site ${site.site} (${site.groupId})`);
    if (!site.marathon.ok) out.push(`  Marathon unavailable: ${site.marathon.error}`);
    else {
      const rows = site.marathon.apps.map((a) => [
        a.id.slice(site.groupId.length + 1) || a.id,
        String(a.cpus),
        String(a.mem),
        a.status,
        `${a.running}/${a.instances}`,
        a.health,
      ]);
      const header = ["APP", "CPUS", "MEM", "STATUS", "RUNNING", "HEALTH"];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
      const line = (cells: string[]) =>
        `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
      out.push(line(header), ...rows.map(line));
      if (site.marathon.apps.length === 0) out.push("  (no apps: not applied)");
      for (const app of site.marathon.apps)
        for (const t of app.tasks)
          out.push(
            `    ${t.id}  ${t.addresses.length ? t.addresses.join(",") : t.host}${t.ports.length ? `:${t.ports.join(",")}` : ""}  ${t.state}${t.healthy === undefined ? "" : t.healthy ? " healthy" : " unhealthy"}`,
          );
      for (const d of site.marathon.deployments)
        out.push(`  deployment ${d.id}: step ${d.currentStep}/${d.totalSteps} ${d.actions.join(", ")}`);
    }
    if (site.mesos) {
      out.push(
        site.mesos.ok
          ? `  Mesos: ${site.mesos.agents} agents, free ${round(site.mesos.free.cpus)}/${round(site.mesos.total.cpus)} cpus, ${round(site.mesos.free.mem)}/${round(site.mesos.total.mem)} MiB`
          : `  Mesos unavailable: ${site.mesos.error}`,
      );
    }
    if (site.htcondor)
      out.push(
        `  HTCondor: ${site.htcondor.executors} executors, slots: ${fmtCounts(site.htcondor.slots)}, jobs queued here: ${fmtCounts(site.htcondor.jobs)}`,
      );
  }
  return out.join("\n");
}

const round = (n: number) => Math.round(n * 100) / 100;
