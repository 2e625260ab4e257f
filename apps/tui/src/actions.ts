import { type ClusterClient, makeJobDirectory, sampleJobs } from "@bsaas/sdk/cluster";
import type { App } from "@bsaas/sdk/marathon";
import { errorText } from "./format.js";

/** What the dashboard does to a cluster; {@link clusterActions} does it through a {@link ClusterClient}. */
export interface DashboardActions {
  /** Sets a site's executor count (down: drain first); resolves to a one-line summary. */
  scale(
    site: string,
    executors: number,
    options: { onProgress: (message: string) => void; signal: AbortSignal },
  ): Promise<string>;
  /** Submits one sample job; resolves to a one-line summary. */
  submitSample(): Promise<string>;
  /** An app with its tasks (health results included), counts, deployments and last task failure. */
  appDetails(site: string, appId: string, signal?: AbortSignal): Promise<App>;
}

/** The dashboard's actions on a cluster: the SDK's drain-first scale, sample jobs, Marathon's app details. */
export function clusterActions(client: ClusterClient): DashboardActions {
  return {
    async scale(site, executors, { onProgress, signal }) {
      const result = await client.scale(site, executors, {
        signal,
        onProgress: (event) => onProgress(event.message),
      });
      if (result.from === result.to) return `already ${result.to} executor(s)`;
      return `scaled ${site} ${result.from} → ${result.to} executor(s) in ${(result.elapsedMs / 1000).toFixed(1)}s`;
    },
    async submitSample() {
      let installation: Awaited<ReturnType<ClusterClient["pool"]>>["installation"];
      try {
        ({ installation } = await client.pool());
      } catch (error) {
        throw new Error(`HTCondor unavailable: ${errorText(error).split("\n")[0]}`);
      }
      const dir = makeJobDirectory(installation);
      try {
        const result = await client.submit(sampleJobs({ count: 1 }), { cwd: dir.path });
        return `job ${result.clusterId}.0 queued at ${result.schedd}; output in ${dir.path}`;
      } catch (error) {
        dir.remove();
        throw error;
      }
    },
    async appDetails(site, appId, signal) {
      const clients = client.sites.get(site);
      if (!clients) throw new Error(`no site named ${site}`);
      return clients.marathon.getApp(appId, {
        embed: ["app.tasks", "app.counts", "app.deployments", "app.lastTaskFailure"],
        ...(signal ? { signal } : {}),
      });
    },
  };
}
