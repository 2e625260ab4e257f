import { type ClusterStatus, formatStatus } from "@bsaas/sdk/cluster";
import { ClusterCommand, clusterFlags, ms, timeoutFlag } from "../cluster-flags.js";

export default class Status extends ClusterCommand {
  static override summary =
    "Show a cluster: Marathon apps and tasks, Mesos resources and the HTCondor pool, per site.";
  static override description =
    `Joins, per site, what Marathon runs (the cluster's apps, their tasks, health and deployments in flight), the Mesos agents' total and free resources, and what HTCondor reports (schedds, slots by state, jobs by state). Each source is asked on its own: a part that cannot be read is reported in its place and does not hide the others. The HTCondor part needs HTCondor's tools on this machine.

Exit status: 0 when the status was read, even if parts of it are unavailable; 1 when no site's Marathon answered, or on another error (an invalid file).`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --json",
    "<%= config.bin %> <%= command.id %> -f examples/local.yaml --marathon local=http://127.0.0.1:18080 --mesos local=http://127.0.0.1:15050",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    timeout: timeoutFlag("How long each request to a Marathon or Mesos master may take (default 30)."),
  };

  async run(): Promise<ClusterStatus> {
    const { flags } = await this.parse(Status);
    const client = await this.openCluster(flags, { requestTimeoutMs: ms(flags.timeout) });
    const status = await client.status();
    if (!this.jsonEnabled()) this.log(formatStatus(status));
    if (status.sites.length > 0 && status.sites.every((s) => !s.marathon.ok)) {
      process.exitCode = 1;
      if (!this.jsonEnabled()) {
        this.logToStderr(
          "Error: no site's Marathon answered.\nCheck the sites' Marathon URLs (or --marathon SITE=URL) and credentials, and that this machine can reach them.",
        );
      }
    }
    return status;
  }
}
