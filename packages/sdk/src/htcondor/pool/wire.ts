/**
 * Typed views of the ads HTCondor's tools print with `-json`. Each view is one zod schema over the JSON object (the
 * fields bsaas relies on, checked; every other attribute kept); the full ad is available as a ClassAd as well.
 */
import { z } from "zod";

const int = z.number().int();
/** An attribute the ad may lack: absent, or `null` when a projection asked for it (`undefined` in ClassAd terms). */
const maybe = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

/** HTCondor's `JobStatus` codes (condor_q's `I R X C H > S`). */
export const JOB_STATUS = {
  1: "idle",
  2: "running",
  3: "removed",
  4: "completed",
  5: "held",
  6: "transferring-output",
  7: "suspended",
} as const;
export type JobStatus = (typeof JOB_STATUS)[keyof typeof JOB_STATUS];

/** A job ad from `condor_q -json` or `condor_history -json`. */
export const JobAdWireSchema = z
  .object({
    ClusterId: int,
    ProcId: int,
    JobStatus: int.min(1).max(7),
    Owner: z.string(),
    Cmd: maybe(z.string()),
    Arguments: maybe(z.string()),
    Iwd: maybe(z.string()),
    QDate: maybe(int),
    EnteredCurrentStatus: maybe(int),
    CompletionDate: maybe(int),
    ExitCode: maybe(int),
    ExitBySignal: maybe(z.boolean()),
    NumJobStarts: maybe(int),
    RemoteHost: maybe(z.string()),
    LastRemoteHost: maybe(z.string()),
    HoldReason: maybe(z.string()),
    RemoveReason: maybe(z.string()),
  })
  .loose();
export type JobAdWire = z.infer<typeof JobAdWireSchema>;

/** A slot (machine) ad from `condor_status -json`. */
export const SlotAdWireSchema = z
  .object({
    Name: z.string(),
    Machine: z.string(),
    State: z.string(),
    Activity: z.string(),
    Cpus: maybe(z.number()),
    Memory: maybe(z.number()),
    Disk: maybe(z.number()),
    SlotType: maybe(z.string()),
    PartitionableSlot: maybe(z.boolean()),
    DynamicSlot: maybe(z.boolean()),
    Site: maybe(z.string()),
    RemoteOwner: maybe(z.string()),
    CondorVersion: maybe(z.string()),
    MyAddress: maybe(z.string()),
  })
  .loose();
export type SlotAdWire = z.infer<typeof SlotAdWireSchema>;

/** A daemon ad (master, schedd, collector, negotiator) from `condor_status -<daemon> -json`. */
export const DaemonAdWireSchema = z
  .object({
    Name: z.string(),
    Machine: maybe(z.string()),
    MyType: z.string(),
    CondorVersion: maybe(z.string()),
    MyAddress: maybe(z.string()),
    TotalIdleJobs: maybe(int),
    TotalRunningJobs: maybe(int),
    TotalHeldJobs: maybe(int),
  })
  .loose();
export type DaemonAdWire = z.infer<typeof DaemonAdWireSchema>;
