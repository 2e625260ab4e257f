/**
 * Sample jobs: a small job set that shows a pool works (`bsaas up`, the TUI's "submit a sample job" key). Each job
 * prints where it ran and as whom, then sleeps. Outputs go to a fresh directory owned by the job user, as HTCondor
 * sees the file system (inside the rootfs when HTCondor is there).
 */
import { chownSync, mkdirSync, rmSync } from "node:fs";
import { type HTCondorInstallation, hostPath, lookupUser } from "../htcondor/local/installation.js";
import { buildSubmit, type SubmitFile } from "../htcondor/submit/index.js";

/** How many jobs, and how long each sleeps. */
export interface SampleJobsOptions {
  count?: number;
  seconds?: number;
}

/** The submit description of the sample jobs (marked `BsaasSample = true` in their ads). */
export function sampleJobs(options: SampleJobsOptions = {}): SubmitFile {
  return buildSubmit({
    executable: "/bin/sh",
    arguments: [
      "-c",
      `echo "job $1 ran on $(hostname) as $(id -un)"; sleep ${options.seconds ?? 5}`,
      "sh",
      "$(Process)",
    ],
    output: "job.$(Process).out",
    error: "job.$(Process).err",
    log: "jobs.log",
    requestCpus: 1,
    requestMemory: "64M",
    custom: { BsaasSample: "true" },
    queue: { count: options.count ?? 6 },
  });
}

/** A directory for job files, owned by the job user; `remove()` deletes it. */
export interface JobDirectory {
  /** As HTCondor sees it: pass it as the submit `cwd`. */
  path: string;
  remove(): void;
}

/** Makes a fresh job directory under /tmp for `user` (default `bsaas`, the job user the provisioning creates). */
export function makeJobDirectory(installation: HTCondorInstallation, user = "bsaas"): JobDirectory {
  const owner = lookupUser(installation, user);
  const path = `/tmp/bsaas-jobs-${process.pid}-${Date.now()}`;
  mkdirSync(hostPath(installation, path), { recursive: true });
  chownSync(hostPath(installation, path), owner.uid, owner.gid);
  return { path, remove: () => rmSync(hostPath(installation, path), { recursive: true, force: true }) };
}
