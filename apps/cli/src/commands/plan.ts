import { formatPlan, type PlanJson, planToJson } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { ClusterCommand, clusterFlags, ms, planFormatOptions, timeoutFlag } from "../cluster-flags.js";

export default class Plan extends ClusterCommand {
  static override summary = "Show what applying a cluster file would change, site by site.";
  static override description =
    `Reads each site's group from its Marathon and compares it with what the cluster file renders to, like terraform plan: + apps to create (with their size), ~ apps to update (each changed field, before -> after), - apps to delete. Only reads: nothing is changed. Values whose name looks secret (TOKEN, PASSWORD, SECRET, KEY, CREDENTIAL) are never printed.

Marathon's own defaults and read-only fields are not changes, so planning right after an apply reports "No changes".

Exit status: 0 on success (with --detailed-exitcode: 0 when there is nothing to change, 2 when there are changes), 1 on an error (an invalid file, a site that cannot be read).`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --json",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --detailed-exitcode || echo 'drift or error'",
    "<%= config.bin %> <%= command.id %> -f examples/local.yaml --marathon local=http://127.0.0.1:18080",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    "detailed-exitcode": Flags.boolean({
      summary: "Exit 2 when there are changes, 0 when there are none (1 stays an error).",
    }),
    timeout: timeoutFlag("How long each request to a Marathon may take (default 30)."),
  };

  async run(): Promise<PlanJson> {
    const { flags } = await this.parse(Plan);
    const client = await this.openCluster(flags, { requestTimeoutMs: ms(flags.timeout) });
    const plan = await client.plan();
    if (!this.jsonEnabled()) this.log(formatPlan(plan, planFormatOptions()));
    if (flags["detailed-exitcode"] && plan.hasChanges) process.exitCode = 2;
    return planToJson(plan);
  }
}
