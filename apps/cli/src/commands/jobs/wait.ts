import { Args } from "@oclif/core";
import {
  ClusterCommand,
  clusterFlags,
  ms,
  opt,
  reportFinished,
  submitterFlag,
  timeoutFlag,
  type WaitJson,
} from "../../cluster-flags.js";

export default class JobsWait extends ClusterCommand {
  static override summary = "Wait until every job of a cluster id has left the queue; print how each ended.";
  static override description =
    `Polls the submitter's queue until no job of CLUSTER_ID is left in it, then prints each job's final status from the history (ID, OWNER, STATUS, STARTS, HOST, EXIT). A held job ends the wait at once, with its hold reason.

Exit status: 0 only when every job completed with exit code 0; 1 when a job did not (removed, non-zero exit code), a job is held, the time is up, no job of that cluster exists, or on another error; 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml 12",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml 12 --submitter submit --timeout 3600 --json",
  ];
  static override enableJsonFlag = true;
  static override args = {
    CLUSTER_ID: Args.integer({
      description: "The cluster id jobs submit printed.",
      required: true,
      min: 0,
    }),
  };
  static override flags = {
    ...clusterFlags,
    submitter: submitterFlag,
    timeout: timeoutFlag("How long to wait for the jobs (default 300)."),
  };

  async run(): Promise<WaitJson> {
    const { args, flags } = await this.parse(JobsWait);
    const client = await this.openCluster(flags);
    const jobs = await client.waitForJobs(args.CLUSTER_ID, {
      ...opt("submitter", flags.submitter),
      ...opt("timeoutMs", ms(flags.timeout)),
    });
    const result = reportFinished(this, args.CLUSTER_ID, jobs, this.jsonEnabled());
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
