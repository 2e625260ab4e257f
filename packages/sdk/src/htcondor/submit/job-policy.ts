/**
 * Steps for the job's status and policy: hold, notification, rank, periodic and exit expressions, retries, kill signals, simple commands copied into the ad, defaults condor_submit fills in, and custom `+Attr`s.
 */
import {
  JAVA,
  type JobContext,
  MPI,
  PARALLEL,
  SCHEDULER,
  stripQuotes,
  VANILLA,
  VM,
  wrapForOr,
} from "./job-context.js";
import { splitTokens, stringToBoolean, stringToInteger } from "./macros.js";

const SIGNALS: Readonly<Record<string, number>> = {
  SIGKILL: 9,
  SIGCONT: 18,
  SIGTERM: 15,
  SIGQUIT: 3,
  SIGHUP: 1,
  SIGSTOP: 19,
  SIGTSTP: 20,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGCHLD: 17,
  SIGABRT: 6,
  SIGALRM: 14,
  SIGFPE: 8,
  SIGILL: 4,
  SIGINT: 2,
  SIGPIPE: 13,
  SIGSEGV: 11,
  SIGTRAP: 5,
  SIGTTIN: 21,
  SIGTTOU: 22,
  SIGIO: 29,
  SIGBUS: 7,
  SIGURG: 23,
  SIGPROF: 27,
  SIGWINCH: 28,
  SIGSYS: 31,
  SIGXCPU: 24,
  SIGXFSZ: 25,
};

type Flag = "string" | "strip" | "list" | "logfile" | "bool" | "int" | "uint" | "expr" | "alt";
/** Submit commands copied into the job ad with little processing (condor_submit's prunable_keywords table). */
const SIMPLE_COMMANDS: readonly [string, string, readonly Flag[]][] = [
  ["next_job_start_delay", "NextJobStartDelay", ["expr"]],
  ["keep_claim_idle", "KeepClaimIdle", ["expr"]],
  ["job_ad_information_attrs", "JobAdInformationAttrs", ["string"]],
  ["ulog_execute_attrs", "UserLogExecuteEventAttrs", ["string"]],
  ["max_idle", "JobMaterializeMaxIdle", ["expr"]],
  ["materialize_max_idle", "JobMaterializeMaxIdle", ["expr", "alt"]],
  ["docker_network_type", "DockerNetworkType", ["string"]],
  ["docker_pull_policy", "DockerPullPolicy", ["string"]],
  ["docker_override_entrypoint", "DockerOverrideEntrypoint", ["bool"]],
  ["container_target_dir", "ContainerTargetDir", ["string", "strip"]],
  ["transfer_container", "TransferContainer", ["bool"]],
  ["transfer_plugins", "TransferPlugins", ["string"]],
  ["want_io_proxy", "WantIOProxy", ["bool"]],
  ["starter_debug", "JobStarterDebug", ["string", "strip"]],
  ["starter_log", "JobStarterLog", ["string", "strip", "logfile"]],
  ["job_machine_attrs", "JobMachineAttrs", ["string"]],
  ["job_machine_attrs_history_length", "JobMachineAttrsHistoryLength", ["int"]],
  ["notify_user", "NotifyUser", ["string"]],
  ["email_attributes", "EmailAttributes", ["string", "list"]],
  ["remote_initialdir", "RemoteIwd", ["string"]],
  ["output_destination", "OutputDestination", ["string"]],
  ["want_graceful_removal", "WantGracefulRemoval", ["expr"]],
  ["job_max_vacate_time", "JobMaxVacateTime", ["expr"]],
  ["encrypt_execute_directory", "EncryptExecuteDirectory", ["bool"]],
  ["encrypt_input_files", "EncryptInputFiles", ["string"]],
  ["encrypt_output_files", "EncryptOutputFiles", ["string"]],
  ["dont_encrypt_input_files", "DontEncryptInputFiles", ["string"]],
  ["dont_encrypt_output_files", "DontEncryptOutputFiles", ["string"]],
  ["load_profile", "LoadProfile", ["bool"]],
  ["file_remaps", "FileRemaps", ["expr"]],
  ["buffer_files", "BufferFiles", ["expr"]],
  ["buffer_size", "BufferSize", ["expr"]],
  ["buffer_block_size", "BufferBlockSize", ["expr"]],
  ["fetch_files", "FetchFiles", ["string"]],
  ["compress_files", "CompressFiles", ["string"]],
  ["append_files", "AppendFiles", ["string"]],
  ["local_files", "LocalFiles", ["string"]],
  ["log", "UserLog", ["string", "logfile"]],
  ["dagman_log", "DAGManNodesLog", ["string", "logfile"]],
  ["log_xml", "UserLogUseXML", ["bool"]],
  ["noop_job", "IsNoopJob", ["expr"]],
  ["noop_job_exit_signal", "NoopJobExitSignal", ["expr"]],
  ["noop_job_exit_code", "NoopJobExitCode", ["expr"]],
  ["dag_node_name", "DAGNodeName", ["string"]],
  ["match_list_length", "LastMatchListLength", ["int"]],
  ["dagman_job_id", "DAGManJobId", ["uint"]],
  ["submit_event_notes", "SubmitEventNotes", ["string"]],
  ["submit_event_user_notes", "SubmitEventUserNotes", ["string"]],
  ["stack_size", "StackSize", ["expr"]],
  ["jar_files", "JarFiles", ["string"]],
  ["parallel_script_shadow", "ParallelScriptShadow", ["string"]],
  ["parallel_script_starter", "ParallelScriptStarter", ["string"]],
  ["cron_minute", "CronMinute", ["string"]],
  ["cron_hour", "CronHour", ["string"]],
  ["cron_day_of_month", "CronDayOfMonth", ["string"]],
  ["cron_month", "CronMonth", ["string"]],
  ["cron_day_of_week", "CronDayOfWeek", ["string"]],
  ["description", "JobDescription", ["string"]],
  ["batch_name", "JobBatchName", ["string", "strip"]],
  ["batch_id", "JobBatchId", ["string", "strip"]],
  ["max_job_retirement_time", "MaxJobRetirementTime", ["expr"]],
  ["job_lease_duration", "JobLeaseDuration", ["expr"]],
  ["core_size", "CoreSize", ["int"]],
  ["priority", "JobPrio", ["int"]],
  ["prio", "JobPrio", ["int", "alt"]],
  ["run_as_owner", "RunAsOwner", ["bool"]],
  ["max_transfer_input_mb", "MaxTransferInputMB", ["expr"]],
  ["max_transfer_output_mb", "MaxTransferOutputMB", ["expr"]],
  ["manifest", "ManifestDesired", ["bool"]],
  ["manifest_dir", "ManifestDir", ["string"]],
  ["checkpoint_exit_code", "SuccessCheckpointExitCode", ["int"]],
  ["checkpoint_destination", "CheckpointDestination", ["string"]],
  ["aws_region", "AWSRegion", ["string"]],
  ["aws_access_key_id_file", "EC2AccessKeyId", ["string"]],
  ["aws_secret_access_key_file", "EC2SecretAccessKey", ["string"]],
  ["s3_access_key_id_file", "EC2AccessKeyId", ["string"]],
  ["s3_secret_access_key_file", "EC2SecretAccessKey", ["string"]],
  ["gs_access_key_id_file", "EC2AccessKeyId", ["string"]],
  ["gs_secret_access_key_file", "EC2SecretAccessKey", ["string"]],
  ["erase_output_and_error_on_restart", "EraseOutputAndErrorOnRestart", ["bool"]],
  ["transfer_checkpoint_files", "TransferCheckpoint", ["string"]],
  ["preserve_relative_paths", "PreserveRelativePaths", ["bool"]],
  ["cuda_version", "CUDAVersion", ["string"]],
  ["skip_if_dataflow", "SkipIfDataflow", ["bool"]],
  ["allowed_job_duration", "AllowedJobDuration", ["expr"]],
  ["allowed_execute_duration", "AllowedExecuteDuration", ["expr"]],
  ["jobset", "JobSetName", ["string", "strip"]],
];

/** JobStatus (1 idle, or 5 held with the hold reason when `hold = true`) and EnteredCurrentStatus. */
export function setJobStatus(ctx: JobContext): void {
  ctx.currentCommand = "hold";
  if (ctx.paramBool("hold", undefined, false).value) {
    ctx.job.setInt("JobStatus", 5);
    ctx.job.setInt("HoldReasonCode", 15);
    ctx.job.setString("HoldReason", "submitted on hold at user's request");
  } else {
    ctx.job.setInt("JobStatus", 1);
  }
  ctx.job.setInt("EnteredCurrentStatus", ctx.qdate);
}

/** JobNotification from `notification` (Never 0, Always 1, Complete 2, Error 3). */
export function setNotification(ctx: JobContext): void {
  ctx.currentCommand = "notification";
  const how = ctx.param("notification", "JobNotification") ?? ctx.config("JOB_DEFAULT_NOTIFICATION");
  const codes: Record<string, number> = { never: 0, always: 1, complete: 2, error: 3 };
  const code = how === undefined ? 0 : codes[how.toLowerCase()];
  if (code === undefined) ctx.fail("Notification must be 'Never', 'Always', 'Complete', or 'Error'");
  ctx.job.setInt("JobNotification", code);
}

/** Rank from `rank`, or DEFAULT_RANK/APPEND_RANK, or 0.0. */
export function setRank(ctx: JobContext): void {
  ctx.currentCommand = "rank";
  const orig = ctx.param("rank", "preferences");
  let dflt: string | undefined;
  let append: string | undefined;
  if (ctx.universe.universe === VANILLA) {
    dflt = ctx.config("DEFAULT_RANK_VANILLA");
    append = ctx.config("APPEND_RANK_VANILLA");
  }
  dflt ??= ctx.config("DEFAULT_RANK");
  append ??= ctx.config("APPEND_RANK");
  let rank = orig ?? dflt;
  if (append !== undefined) rank = rank !== undefined ? `(${rank}) + (${append})` : append;
  if (rank !== undefined) ctx.job.setExpr("Rank", rank);
  else ctx.job.set("Rank", { kind: "real", value: 0 });
}

/** PeriodicHold/Release/Remove/Vacate and the hold reason expressions, as written. */
export function setPeriodicExpressions(ctx: JobContext): void {
  const insertDefaults = ctx.configBool("SUBMIT_INSERT_DEFAULT_POLICY_EXPRS", false);
  const pairs: [string, string, boolean][] = [
    ["periodic_hold", "PeriodicHold", true],
    ["periodic_hold_reason", "PeriodicHoldReason", false],
    ["periodic_hold_subcode", "PeriodicHoldSubCode", false],
    ["periodic_release", "PeriodicRelease", true],
    ["periodic_remove", "PeriodicRemove", true],
    ["periodic_vacate", "PeriodicVacate", true],
    ["on_exit_hold_reason", "OnExitHoldReason", false],
    ["on_exit_hold_subcode", "OnExitHoldSubCode", false],
  ];
  for (const [key, attr, hasDefault] of pairs) {
    ctx.currentCommand = key;
    const value = ctx.param(key, attr);
    if (value !== undefined) ctx.job.setExpr(attr, value);
    else if (hasDefault && insertDefaults && !ctx.job.has(attr)) ctx.job.setBool(attr, false);
  }
}

/** LeaveJobInQueue (false unless `leave_in_queue` says otherwise). */
export function setLeaveInQueue(ctx: JobContext): void {
  ctx.currentCommand = "leave_in_queue";
  const value = ctx.param("leave_in_queue", "LeaveJobInQueue");
  if (value !== undefined) ctx.job.setExpr("LeaveJobInQueue", value);
  else if (!ctx.job.has("LeaveJobInQueue")) ctx.job.setBool("LeaveJobInQueue", false);
}

/** OnExitRemove/OnExitHold, with the retry logic of `max_retries`, `success_exit_code` and `retry_until`. */
export function setJobRetries(ctx: JobContext): void {
  ctx.currentCommand = "max_retries";
  const erc = ctx.param("on_exit_remove", "OnExitRemove");
  const ehc = ctx.param("on_exit_hold", "OnExitHold");
  let numRetries = ctx.paramInt("max_retries", "JobMaxRetries");
  let retriesGiven = numRetries !== undefined;
  const successCode = ctx.paramInt("success_exit_code", "JobSuccessExitCode", true);
  let retryUntil = ctx.param("retry_until");
  const insertDefaults = ctx.configBool("SUBMIT_INSERT_DEFAULT_POLICY_EXPRS", false);
  if (numRetries === undefined && successCode === undefined && retryUntil === undefined) {
    if (erc !== undefined) ctx.job.setExpr("OnExitRemove", erc);
    else if (insertDefaults && !ctx.job.has("OnExitRemove")) ctx.job.setBool("OnExitRemove", true);
    if (ehc !== undefined) ctx.job.setExpr("OnExitHold", ehc);
    else if (insertDefaults && !ctx.job.has("OnExitHold")) ctx.job.setBool("OnExitHold", false);
    return;
  }
  if (retryUntil !== undefined) {
    ctx.currentCommand = "retry_until";
    const literal = /^\s*[+-]?\d+\s*$/.test(retryUntil) ? Number.parseInt(retryUntil, 10) : undefined;
    if (literal !== undefined) {
      if (literal < -(2 ** 31) || literal > 2 ** 31 - 1) {
        ctx.fail(`retry_until=${retryUntil} is invalid, it must be an integer or boolean expression`);
      }
      retryUntil = `ExitCode =?= ${literal}`;
    } else retryUntil = wrapForOr(retryUntil.trim());
  }
  if (!retriesGiven && !ctx.job.has("JobMaxRetries")) {
    numRetries = Number.parseInt(ctx.config("DEFAULT_JOB_MAX_RETRIES") ?? "2", 10);
    retriesGiven = true;
  }
  if (retriesGiven && numRetries !== undefined) ctx.job.setInt("JobMaxRetries", numRetries);
  if (ehc !== undefined) ctx.job.setExpr("OnExitHold", ehc);
  else if (!ctx.job.has("OnExitHold")) ctx.job.setBool("OnExitHold", false);
  if (ctx.job.has("OnExitRemove") && successCode === undefined && retryUntil === undefined) return;
  let codeCheck: string;
  if (successCode !== undefined) {
    ctx.job.setInt("JobSuccessExitCode", successCode);
    codeCheck = "JobSuccessExitCode";
  } else codeCheck = "0";
  if (retryUntil !== undefined) codeCheck += ` || ${retryUntil}`;
  let onExitRemove = `NumJobCompletions > JobMaxRetries || ExitCode =?= ${codeCheck}`;
  if (erc !== undefined) onExitRemove += ` || ${wrapForOr(erc.trim())}`;
  ctx.job.setExpr("OnExitRemove", onExitRemove);
}

function killSig(ctx: JobContext, key: string, attr: string): string | undefined {
  ctx.currentCommand = key;
  const sig = ctx.param(key, attr);
  if (sig === undefined) return undefined;
  const n = Number.parseInt(sig, 10);
  if (n) {
    const name = Object.entries(SIGNALS).find(([, num]) => num === n)?.[0];
    if (!name) ctx.fail(`invalid signal ${sig}`);
    return name;
  }
  if (SIGNALS[sig.toUpperCase()] === undefined) ctx.fail(`invalid signal ${sig}`);
  return sig.toUpperCase();
}

/** KillSig (SIGTERM outside vanilla), RemoveKillSig, HoldKillSig and KillSigTimeout. */
export function setKillSig(ctx: JobContext): void {
  const sig =
    killSig(ctx, "kill_sig", "KillSig") ?? (ctx.universe.universe === VANILLA ? undefined : "SIGTERM");
  if (sig) ctx.job.setString("KillSig", sig);
  const rm = killSig(ctx, "remove_kill_sig", "RemoveKillSig");
  if (rm) ctx.job.setString("RemoveKillSig", rm);
  const hold = killSig(ctx, "hold_kill_sig", "HoldKillSig");
  if (hold) ctx.job.setString("HoldKillSig", hold);
  ctx.currentCommand = "kill_sig_timeout";
  const timeout = ctx.param("kill_sig_timeout", "KillSigTimeout");
  if (timeout !== undefined) ctx.job.setInt("KillSigTimeout", Number.parseInt(timeout, 10) || 0);
}

/** Commands copied into the ad with little processing (condor_submit's prunable_keywords table). */
export function setSimpleCommands(ctx: JobContext): void {
  let lastExisted = false;
  for (const [key, attr, flags] of SIMPLE_COMMANDS) {
    if (flags.includes("alt") && lastExisted) {
      lastExisted = false;
      continue;
    }
    ctx.currentCommand = key;
    const value = ctx.param(key, attr);
    lastExisted = value !== undefined;
    if (value === undefined) continue;
    if (flags.includes("string")) {
      let str = flags.includes("strip") ? stripQuotes(value) : value;
      if (flags.includes("list")) str = splitTokens(str).join(",");
      if (flags.includes("logfile") && str) str = ctx.fullPath(str);
      ctx.job.setString(attr, str);
    } else if (flags.includes("bool")) {
      const b = stringToBoolean(value, ctx.evaluate);
      if (b === undefined) ctx.fail(`${key}=${value} is invalid, must eval to a boolean`);
      ctx.job.setBool(attr, b);
    } else if (flags.includes("int") || flags.includes("uint")) {
      const n = stringToInteger(value, ctx.evaluate);
      if (n === undefined) ctx.fail(`${key}=${value} is invalid, must eval to an integer`);
      if (n < 0 && flags.includes("uint"))
        ctx.fail(`${key}=${value} is invalid, must eval to a non-negative integer`);
      ctx.job.setInt(attr, n);
    } else {
      ctx.job.setExpr(attr, value);
    }
  }
}

/** Defaults condor_submit fills in late: Min/MaxHosts, CurrentHosts, JobLeaseDuration, JobPrio, ... */
export function setAutoAttributes(ctx: JobContext): void {
  const universe = ctx.universe.universe;
  if (!ctx.job.has("MaxHosts") && universe !== MPI) {
    ctx.job.setInt("MinHosts", 1);
    ctx.job.setInt("MaxHosts", 1);
  }
  if (!ctx.job.has("CurrentHosts")) ctx.job.setInt("CurrentHosts", 0);
  if (ctx.job.has("SuccessCheckpointExitCode")) ctx.job.setBool("WantFTOnCheckpoint", true);
  if (!ctx.job.has("MaxJobRetirementTime") && ctx.job.getBool("NiceUser"))
    ctx.job.setInt("MaxJobRetirementTime", 0);
  const canReconnect = universe === VANILLA || universe === JAVA || universe === PARALLEL || universe === VM;
  if (canReconnect && !ctx.job.has("JobLeaseDuration")) {
    const lease = ctx.config("JOB_DEFAULT_LEASE_DURATION");
    if (lease !== undefined) ctx.job.setExpr("JobLeaseDuration", lease);
  }
  if (!ctx.job.has("JobPrio")) ctx.job.setInt("JobPrio", 0);
  if (ctx.job.has("JobStarterLog") && !ctx.job.has("JobStarterDebug"))
    ctx.job.setBool("JobStarterDebug", true);
}

/** Checks condor_submit makes after the other steps (history length, a too short lease). */
export function reportCommonMistakes(ctx: JobContext): void {
  const history = ctx.job.getInt("JobMachineAttrsHistoryLength");
  if (history !== undefined && (history < 0 || history > 2 ** 31 - 1)) {
    ctx.fail(
      `job_machine_attrs_history_length=${history} is out of bounds 0 to ${2 ** 31 - 1}`,
      "job_machine_attrs_history_length",
    );
  }
  // condor_submit raises a too short lease to 20 seconds, but only for the first job it warns about.
  const lease = ctx.job.getLiteralNumber("JobLeaseDuration");
  if (!ctx.warnedShortLease && lease !== undefined && lease > 0 && lease < 20) {
    ctx.warnedShortLease = true;
    ctx.job.setInt("JobLeaseDuration", 20);
  }
  if (ctx.universe.universe === SCHEDULER && ctx.job.has("DeferralTime")) {
    const attr = DEFERRAL_ATTRIBUTES.find((a) => ctx.job.has(a)) ?? "DeferralTime";
    ctx.fail(
      `${attr} does not work for scheduler universe jobs. Consider submitting this job using the local universe, instead`,
    );
  }
}

/** Custom `+Attr`/`MY.Attr` expressions (macro-expanded; empty means undefined) and ProcId. */
export function setForcedAttributes(ctx: JobContext, proc: number): void {
  for (const { name, value } of [...ctx.table.values()]) {
    let attr: string;
    if (name.startsWith("+")) attr = name.slice(1);
    else if (/^my\./i.test(name)) attr = name.slice(3);
    else continue;
    ctx.currentCommand = `+${attr}`;
    const expanded = value ? ctx.expand(value, `+${attr}`) : "";
    ctx.job.setExpr(attr, expanded.trim() ? expanded : "undefined");
  }
  ctx.job.setInt("ProcId", proc);
}

/** Attributes whose presence means the job uses deferred start (condor_submit's NeedsJobDeferral). */
export const DEFERRAL_ATTRIBUTES = [
  "CronMinute",
  "CronHour",
  "CronDayOfMonth",
  "CronMonth",
  "CronDayOfWeek",
  "DeferralTime",
];

/** DeferralTime, and DeferralWindow/DeferralPrepTime (defaults 0 and 300 s) for jobs with deferred start. */
export function setJobDeferral(ctx: JobContext): void {
  const nonNegative = (key: string, attr: string, value: string) => {
    ctx.currentCommand = key;
    ctx.job.setExpr(attr, value);
    const literal = ctx.job.get(attr);
    const ok = literal?.kind === "expr" || (literal?.kind === "int" && literal.value >= 0);
    if (!ok) ctx.fail(`${key} = ${value} is invalid, must eval to a non-negative integer.`);
  };
  const time = ctx.param("deferral_time", "DeferralTime");
  if (time !== undefined) nonNegative("deferral_time", "DeferralTime", time);
  if (!DEFERRAL_ATTRIBUTES.some((a) => ctx.job.has(a))) return;
  const window = ctx.param("cron_window", "CronWindow") ?? ctx.param("deferral_window", "DeferralWindow");
  if (window !== undefined) nonNegative("deferral_window", "DeferralWindow", window);
  else ctx.job.setInt("DeferralWindow", 0);
  const prep =
    ctx.param("cron_prep_time", "CronPrepTime") ?? ctx.param("deferral_prep_time", "DeferralPrepTime");
  if (prep !== undefined) nonNegative("deferral_prep_time", "DeferralPrepTime", prep);
  else ctx.job.setInt("DeferralPrepTime", 300);
}
