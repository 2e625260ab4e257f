import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { FileReadError } from "@bsaas/sdk";
import type { ClusterClient } from "@bsaas/sdk/cluster";
import { installationPath } from "@bsaas/sdk/htcondor";
import { Args, Flags } from "@oclif/core";
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

/** What `bsaas jobs submit --json` prints. */
export interface SubmitJson {
  clusterId: number;
  jobIds: string[];
  schedd: string;
  /** The jobs' initial working directory, as HTCondor sees it. */
  cwd: string;
  /** With --wait: how the jobs ended. */
  wait?: WaitJson;
}

export default class JobsSubmit extends ClusterCommand {
  static override summary = "Submit jobs to the cluster from an HTCondor submit description file.";
  static override description =
    `Reads SUBMIT_FILE (HTCondor's submit language, as condor_submit takes it) and submits it to a submitter's schedd, from the submit file's folder: relative paths in it (executable, input, output, log...) start there. As root, jobs are submitted as the user bsaas (HTCondor refuses root's jobs), who must be able to read that folder. Prints the cluster id and the job ids; with --wait, then waits like bsaas jobs wait.

When HTCondor's tools run inside a rootfs (the one scripts/provision-htcondor makes), host paths are not visible to them: put the submit file (and its inputs) inside the rootfs, or give --cwd, the jobs' folder as HTCondor sees it.

Exit status: 0 when submitted (with --wait: when every job then completed with exit code 0), 1 otherwise (a held job, a timeout, a schedd that is not in the collector...), 2 on a usage error (including a missing --cwd, see above).`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml job.sub",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --submitter submit job.sub --wait --timeout 3600",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml /var/lib/bsaas/htcondor-trixie/home/bsaas/work/job.sub",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml job.sub --cwd /home/bsaas/work --json",
  ];
  static override enableJsonFlag = true;
  static override args = {
    SUBMIT_FILE: Args.string({
      description: "HTCondor submit description file.",
      required: true,
    }),
  };
  static override flags = {
    ...clusterFlags,
    submitter: submitterFlag,
    cwd: Flags.string({
      summary: "The jobs' folder as HTCondor sees it (default: the submit file's folder).",
      helpValue: "PATH",
    }),
    wait: Flags.boolean({ summary: "Wait until every job has left the queue, and print how each ended." }),
    timeout: timeoutFlag("With --wait: how long to wait for the jobs (default 300)."),
  };

  async run(): Promise<SubmitJson> {
    const { args, flags } = await this.parse(JobsSubmit);
    const client = await this.openCluster(flags);
    const file = args.SUBMIT_FILE;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (cause) {
      throw new FileReadError(file, { cause });
    }
    const cwd = flags.cwd ?? (await this.folderAsHTCondorSeesIt(client, file));
    const submitted = await client.submit(text, { cwd, ...opt("submitter", flags.submitter) });
    const json = this.jsonEnabled();
    if (!json) {
      this.log(
        `Submitted cluster ${submitted.clusterId} (${submitted.jobIds.length} job(s)) to ${submitted.schedd || "the schedd"}: ${submitted.jobIds.join(" ")}`,
      );
    }
    const result: SubmitJson = { ...submitted, cwd };
    if (!flags.wait) return result;
    const jobs = await client.waitForJobs(submitted.clusterId, {
      ...opt("submitter", flags.submitter),
      ...opt("timeoutMs", ms(flags.timeout)),
    });
    if (!json) this.log("");
    result.wait = reportFinished(this, submitted.clusterId, jobs, json);
    if (!result.wait.ok) process.exitCode = 1;
    return result;
  }

  /** The submit file's folder as HTCondor's tools see it (inside their rootfs, when they run in one). */
  private async folderAsHTCondorSeesIt(client: ClusterClient, file: string): Promise<string> {
    const folder = dirname(resolve(file));
    const { installation } = await client.pool();
    const seen = installationPath(installation, folder);
    if (seen !== undefined || installation.kind === "host") return seen ?? folder;
    return this.error(
      `HTCondor's tools run inside the rootfs ${installation.rootfs}, where ${folder} (the folder of ${file}) is not visible`,
      {
        exit: 2,
        suggestions: [
          `Put the submit file and its inputs under ${installation.rootfs} (for example ${installation.rootfs}/home/bsaas/), or pass --cwd with the jobs' folder as HTCondor sees it (a path inside the rootfs).`,
        ],
      },
    );
  }
}
