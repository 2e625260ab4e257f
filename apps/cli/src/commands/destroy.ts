import { createInterface } from "node:readline/promises";
import type { DestroyResult } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { ClusterCommand, clusterFlags, ms, opt, timeoutFlag } from "../cluster-flags.js";

export default class Destroy extends ClusterCommand {
  static override summary = "Remove a cluster from every site, draining its executors first.";
  static override description =
    `Retires every executor in HTCondor (they take no new job; running jobs finish), waits until they have left the pool, then deletes each site's Marathon group (the central manager's site last) and the cluster's parent group when nothing else is in it. If executors still run jobs at --deadline, nothing is deleted and the command says which, unless --force.

With --force the executors are stopped at once (their jobs are evicted) and the cluster is removed even when HTCondor's tools are not available here to drain it.

Asks for confirmation (type "yes") unless --yes; without a terminal to ask on, --yes is required. bsaas's state (signing key and tokens under --state-dir) is kept: applying the file again gives the same pool identity.

Exit status: 0 when the cluster is gone, 1 when executors were still busy at the deadline (without --force), the destroy was not confirmed, or on another error, 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --yes --deadline 600",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --yes --force --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    yes: Flags.boolean({ char: "y", summary: "Do not ask for confirmation." }),
    force: Flags.boolean({
      summary:
        "Do not wait for running jobs: stop the executors at once (also when HTCondor is not reachable).",
    }),
    deadline: Flags.integer({
      summary: "How long running jobs may take to finish, in seconds (default 3600).",
      min: 0,
      helpValue: "SECONDS",
    }),
    timeout: timeoutFlag("How long each Marathon deployment (group deletion) may take (default 600)."),
  };

  async run(): Promise<DestroyResult> {
    const { flags } = await this.parse(Destroy);
    const client = await this.openCluster(flags);
    if (!flags.yes) {
      const groups = client.rendered.sites.map((s) => `  site ${s.site}: ${s.groupId}`).join("\n");
      if (!process.stdin.isTTY) {
        this.error(
          `refusing to destroy cluster ${client.spec.metadata.name} without confirmation: stdin is not a terminal`,
          {
            exit: 1,
            suggestions: ["Pass --yes to destroy without asking."],
          },
        );
      }
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      const answer = await rl.question(
        `Destroy cluster ${client.spec.metadata.name}? This removes these Marathon groups and every task in them${flags.force ? " (running jobs are killed)" : " (after running jobs finish)"}:\n${groups}\nOnly 'yes' will be accepted: `,
      );
      rl.close();
      if (answer.trim() !== "yes") this.error("destroy cancelled", { exit: 1 });
    }
    const result = await client.destroy({
      force: flags.force,
      ...opt("deadlineMs", ms(flags.deadline)),
      ...opt("timeoutMs", ms(flags.timeout)),
    });
    if (!this.jsonEnabled()) {
      for (const s of result.sites)
        this.log(
          `Site ${s.site}: ${s.outcome === "deleted" ? `deleted ${s.groupId} (deployment ${s.deploymentId})` : `${s.groupId} was already absent`}`,
        );
      if (result.killedBusy.length > 0)
        this.log(`Killed with running jobs (--force): ${result.killedBusy.join(", ")}`);
      this.log(`Cluster ${client.spec.metadata.name} destroyed (${(result.elapsedMs / 1000).toFixed(1)}s).`);
    }
    return result;
  }
}
