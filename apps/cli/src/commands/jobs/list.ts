import { Flags } from "@oclif/core";
import {
  ClusterCommand,
  clusterFlags,
  type JobJson,
  jobJson,
  jobsTable,
  opt,
  submitterFlag,
} from "../../cluster-flags.js";

export default class JobsList extends ClusterCommand {
  static override summary = "List the jobs of a submitter's queue (and, with --history, those that left it).";
  static override description =
    `Asks a submitter's schedd for its jobs: ID (cluster.proc), OWNER, STATUS (idle, running, held with the reason, completed, removed...), STARTS (more than 1: evicted or restarted), HOST (the slot running it, else the one that ran it last) and EXIT (exit code, once done). With --json, each job comes with its whole job ad (HTCondor's JSON form).

Needs HTCondor's tools on this machine and the submitter's schedd in the collector.

Exit status: 0 on success (also with no job), 1 on an error, 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --history --constraint 'ClusterId == 12'",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --submitter submit --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...clusterFlags,
    submitter: submitterFlag,
    history: Flags.boolean({ summary: "Also list jobs that have left the queue (completed, removed)." }),
    constraint: Flags.string({
      summary: "Only jobs matching this ClassAd expression, e.g. 'JobStatus == 2'.",
      helpValue: "EXPR",
    }),
  };

  async run(): Promise<{ jobs: JobJson[] }> {
    const { flags } = await this.parse(JobsList);
    const client = await this.openCluster(flags);
    const jobs = await client.jobs({
      history: flags.history,
      ...opt("submitter", flags.submitter),
      ...opt("constraint", flags.constraint),
    });
    if (!this.jsonEnabled()) this.log(jobs.length === 0 ? "No jobs." : jobsTable(jobs));
    return { jobs: jobs.map(jobJson) };
  }
}
