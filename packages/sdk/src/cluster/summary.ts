import type { ClusterSpec } from "./spec.js";

/** What one site of a cluster runs. */
export interface SiteSummary {
  name: string;
  marathon: string;
  mesos: string | undefined;
  /** `mode` or `mode:name`, e.g. `calico:htcondor-net`. */
  network: string;
  ccb: boolean;
  /** Roles placed at this site besides executors: `central-manager`, `submitter/<name>`. */
  roles: string[];
  executors: {
    instances: number;
    min: number;
    max: number;
    cpus: number;
    mem: number;
    disk: number;
    partitionable: boolean;
  };
  /** CPUs and MiB of memory the site's tasks ask Mesos for at the current size. */
  requested: { cpus: number; mem: number };
}

/** A short, printable account of a cluster file: what runs where and what it asks for. Contains no secrets. */
export interface ClusterSummary {
  name: string;
  runtime: ClusterSpec["runtime"]["type"];
  security: ClusterSpec["htcondor"]["security"]["method"];
  sharedPort: boolean;
  centralManagerSite: string;
  centralManagers: number;
  submitters: string[];
  sites: SiteSummary[];
  totals: { executors: number; cpus: number; mem: number };
}

/**
 * Summarises a validated cluster file: roles per site, executor pools and the resources requested.
 *
 * @example
 * const { spec } = await loadClusterSpec("examples/two-sites.yaml");
 * summarizeCluster(spec).sites.map((s) => `${s.name}: ${s.executors.instances} executors`);
 */
export function summarizeCluster(spec: ClusterSpec): ClusterSummary {
  const cm = spec.centralManager;
  const cmCount = cm.highAvailability?.replicas ?? 1;
  const sites = spec.sites.map((site): SiteSummary => {
    const roles: string[] = [];
    let cpus = 0;
    let mem = 0;
    if (cm.site === site.name) {
      roles.push(cmCount > 1 ? `central-manager x${cmCount}` : "central-manager");
      cpus += cm.cpus * cmCount;
      mem += cm.mem * cmCount;
    }
    for (const s of spec.submitters) {
      if (s.site !== site.name) continue;
      roles.push(`submitter/${s.name}`);
      cpus += s.cpus;
      mem += s.mem;
    }
    const pool = site.executors;
    cpus += pool.cpus * pool.instances;
    mem += pool.mem * pool.instances;
    return {
      name: site.name,
      marathon: site.marathon.url,
      mesos: site.mesos?.url,
      network: site.network.name ? `${site.network.mode}:${site.network.name}` : site.network.mode,
      ccb: site.ccb,
      roles,
      executors: {
        instances: pool.instances,
        min: pool.min,
        max: pool.max ?? pool.instances,
        cpus: pool.cpus,
        mem: pool.mem,
        disk: pool.disk,
        partitionable: pool.partitionable,
      },
      requested: { cpus: round(cpus), mem },
    };
  });
  return {
    name: spec.metadata.name,
    runtime: spec.runtime.type,
    security: spec.htcondor.security.method,
    sharedPort: spec.htcondor.sharedPort,
    centralManagerSite: cm.site,
    centralManagers: cmCount,
    submitters: spec.submitters.map((s) => s.name),
    sites,
    totals: {
      executors: sites.reduce((n, s) => n + s.executors.instances, 0),
      cpus: round(sites.reduce((n, s) => n + s.requested.cpus, 0)),
      mem: sites.reduce((n, s) => n + s.requested.mem, 0),
    },
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
