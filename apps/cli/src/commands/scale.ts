import type { ScaleResult } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { ClusterCommand, clusterFlags, ms, opt, timeoutFlag } from "../cluster-flags.js";

export default class Scale extends ClusterCommand {
  static override summary = "Set the number of executors of a site, without losing jobs.";
  static override description =
    `Scaling up raises the site's executors app's instance count. Scaling down first retires the chosen executors in HTCondor (idle ones first, then the youngest): they take no new job and their running jobs finish. Once their startds have left the pool, exactly those tasks are killed, so Marathon neither replaces them nor picks busy ones.

If executors still run jobs at --deadline, scale stops and says which (they stay retired: run the same command again later to finish), unless --force: then they are killed and their jobs run again elsewhere.

The cluster file is not changed: the next bsaas apply sets the count back to the file's executors.instances.

Exit status: 0 when the site has the requested count, 1 when executors were still busy at the deadline (without --force) or on another error, 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --site infn-to --executors 10",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --site infn-to --executors 2 --deadline 1800",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --site infn-to --executors 0 --deadline 600 --force --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    site: Flags.string({ summary: "The site to scale.", required: true }),
    executors: Flags.integer({
      summary: "The number of executors the site should have.",
      required: true,
      min: 0,
    }),
    deadline: Flags.integer({
      summary: "How long running jobs may take to finish when scaling down, in seconds (default 3600).",
      min: 0,
      helpValue: "SECONDS",
    }),
    force: Flags.boolean({ summary: "After the deadline, kill the executors that still run jobs." }),
    timeout: timeoutFlag("How long Marathon's deployment may take (default 600)."),
  };

  async run(): Promise<ScaleResult> {
    const { flags } = await this.parse(Scale);
    const client = await this.openCluster(flags);
    const result = await client.scale(flags.site, flags.executors, {
      force: flags.force,
      ...opt("deadlineMs", ms(flags.deadline)),
      ...opt("timeoutMs", ms(flags.timeout)),
    });
    if (!this.jsonEnabled()) {
      const change = result.from === result.to ? "unchanged" : `${result.from} → ${result.to}`;
      this.log(
        `Site ${result.site}: ${change} executors (${result.appId}${result.deploymentId ? `, deployment ${result.deploymentId}` : ""}, ${(result.elapsedMs / 1000).toFixed(1)}s)`,
      );
      for (const r of result.removed)
        this.log(`  removed ${r.taskId}${r.startd ? ` (startd ${r.startd})` : ""}`);
      if (result.killedBusy.length > 0)
        this.log(`  killed with running jobs (--force): ${result.killedBusy.join(", ")}`);
    }
    return result;
  }
}
