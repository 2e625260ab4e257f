/**
 * Expansion of a submit description into job ads, following condor_submit 23.9.6 (SubmitHash::make_job_ad in
 * submit_utils.cpp and the queue loop in submit.cpp). Each queue statement runs over its items; every job is built
 * from the submit commands with `$(Cluster)`, `$(Process)`, `$(Item)`, `$(ItemIndex)`, `$(Row)`, `$(Step)` and the
 * loop variables set, and the job ad gets the attributes condor_submit derives (Cmd, Arguments, Environment, In/Out/
 * Err, resource requests with units, the augmented Requirements, file transfer settings, custom `+Attr`s, ...).
 *
 * The result is first a list of `[attribute, old-syntax expression text]` per job ({@link expandJobAdsAsText});
 * {@link expandJobAds} turns those into the ClassAd engine's `ClassAd` objects.
 */

import { commandLines } from "./commands.js";
import { SubmitExpansionError } from "./errors.js";
import { commandsOf, queueStatementsOf } from "./format.js";
import {
  type ExpandJobAdsOptions,
  GRID,
  isUrl,
  JAVA,
  type JobContext,
  LOCAL,
  MPI,
  PARALLEL,
  resolvePath,
  SCHEDULER,
  UNIVERSE_NAMES,
  UNIVERSE_NUMBERS,
  type UniverseInfo,
  VANILLA,
  VM,
} from "./job-context.js";
import { setArguments, setEnvironment } from "./job-environment.js";
import { setExecutable, setImageSize, setIwd, setStdFile, setTransferFiles } from "./job-files.js";
import {
  reportCommonMistakes,
  setAutoAttributes,
  setForcedAttributes,
  setJobDeferral,
  setJobRetries,
  setJobStatus,
  setKillSig,
  setLeaveInQueue,
  setNotification,
  setPeriodicExpressions,
  setRank,
  setSimpleCommands,
} from "./job-policy.js";
import { setRequirements } from "./job-requirements.js";
import {
  setAccountingGroup,
  setConcurrencyLimits,
  setRequestResources,
  setResourceRequirements,
} from "./job-resources.js";
import { type AdValue, DraftAd } from "./jobad.js";
import {
  type ExpressionEvaluator,
  expandMacros,
  expandSelfReferences,
  type MacroContext,
  stringToBoolean,
  stringToInteger,
} from "./macros.js";
import { type QueueSlice, sliceSelects, splitRow } from "./queue.js";
import type { QueueStatement, SubmitDescription } from "./schema.js";
import { type MacroTable, newMacroTable, setMacro, submitDefaults } from "./table.js";

export type { ExpandJobAdsOptions } from "./job-context.js";

/** One job ad as text: attribute names and old-syntax expression text, in the order condor_submit assigns them. */
export interface JobAdText {
  clusterId: number;
  procId: number;
  attributes: [string, string][];
}

/** One job ad as built: attribute names and values (literals or expression text). */
export interface JobAdDraft {
  clusterId: number;
  procId: number;
  attributes: [string, AdValue][];
}

/** Configuration defaults of HTCondor 23.9 that condor_submit reads (param_info.in). */
const CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  JOB_DEFAULT_REQUESTMEMORY: "ifthenelse(MemoryUsage =!= UNDEFINED,MemoryUsage,(ImageSize+1023)/1024)",
  JOB_DEFAULT_REQUESTDISK: "DiskUsage",
  JOB_DEFAULT_REQUESTCPUS: "1",
  JOB_DEFAULT_LEASE_DURATION: "2400",
  DEFAULT_JOB_MAX_RETRIES: "2",
  NICE_USER_ACCOUNTING_GROUP_NAME: "nice-user",
  SUBMIT_GENERATE_CUSTOM_RESOURCE_REQUIREMENTS: "true",
};

/** The state of one expansion run (one submit description). */
class Expander implements JobContext {
  readonly table: MacroTable = newMacroTable();
  readonly options: ExpandJobAdsOptions;
  readonly qdate: number;
  readonly evaluate: ExpressionEvaluator | undefined;
  private live = { cluster: 0, proc: 0, row: 0, step: 0, node: "" };
  iwd: string;
  universe: UniverseInfo = { universe: 0, docker: false, container: false };
  private baseAd: DraftAd;
  job = new DraftAd();
  private jobId = "";
  currentCommand: string | undefined;
  warnedShortLease = false;
  /** How macros are looked up while jobs are built (the table, the built-in defaults, the environment). */
  readonly macros: MacroContext;
  private readonly defaults: (name: string) => string | undefined;

  constructor(options: ExpandJobAdsOptions, evaluate: ExpressionEvaluator | undefined) {
    this.options = options;
    this.evaluate = evaluate;
    this.qdate = options.qdate ?? Math.floor(Date.now() / 1000);
    this.iwd = options.iwd;
    this.defaults = submitDefaults({
      arch: options.arch,
      opsys: options.opsys,
      opsysAndVer: options.opsysAndVer,
      opsysMajorVer: options.opsysMajorVer,
      opsysVer: options.opsysVer,
      submitFile: options.submitFile,
      submitTime: this.qdate,
      live: this.live,
    });
    const self = this;
    this.macros = {
      lookup: (name) => this.table.get(name.toLowerCase())?.value ?? this.defaults(name),
      env: (name) => options.env?.[name],
      get cwd() {
        return self.iwd;
      },
      evaluate,
      random: options.random,
    };
    this.baseAd = this.initBaseAd();
  }

  fail(problem: string, command = this.currentCommand): never {
    throw new SubmitExpansionError(problem, { command, job: this.jobId || undefined });
  }

  config(name: string): string | undefined {
    const value = this.options.config?.[name] ?? CONFIG_DEFAULTS[name];
    return value === undefined || value === "" ? undefined : value;
  }

  configBool(name: string, dflt: boolean): boolean {
    const v = this.config(name);
    return v === undefined ? dflt : (stringToBoolean(v, this.evaluate) ?? dflt);
  }

  /** Inserts a submit command the way the parser does (self references expand at once). */
  define(name: string, value: string): void {
    setMacro(this.table, name, expandSelfReferences(value, name, this.macros));
  }

  expand(text: string, command?: string): string {
    try {
      return expandMacros(text, this.macros);
    } catch (error) {
      throw new SubmitExpansionError(
        (error as Error).message,
        { command, job: this.jobId || undefined },
        { cause: error },
      );
    }
  }

  /** condor_submit's submit_param: the expanded value of `name` (or `alt`), undefined when unset or empty. */
  param(name: string, alt?: string): string | undefined {
    let raw = this.macros.lookup(name);
    let used = name;
    if (raw === undefined && alt) {
      raw = this.macros.lookup(alt);
      used = alt;
    }
    if (raw === undefined) return undefined;
    const value = this.expand(raw, used);
    return value === "" ? undefined : value;
  }

  paramBool(name: string, alt: string | undefined, dflt: boolean): { value: boolean; given: boolean } {
    const text = this.param(name, alt);
    if (text === undefined) return { value: dflt, given: false };
    const value = stringToBoolean(text, this.evaluate);
    if (value === undefined) this.fail(`${name}=${text} is invalid, must eval to a boolean`, name);
    return { value, given: true };
  }

  paramInt(name: string, alt: string | undefined, intRange = false): number | undefined {
    const text = this.param(name, alt);
    if (text === undefined) return undefined;
    const value = stringToInteger(text, this.evaluate);
    if (value === undefined || (intRange && (value < -(2 ** 31) || value >= 2 ** 31 - 1))) {
      this.fail(`${name}=${text} is invalid, must eval to an integer`, name);
    }
    return value;
  }

  // ---- the queue loop (submit.cpp) ----

  run(description: SubmitDescription): JobAdDraft[] {
    for (const line of commandLines(commandsOf(description))) this.define(line.name, line.value);
    const statements = queueStatementsOf(description);
    if (statements.length === 0) this.fail("the submit description has no queue statement");
    const results: JobAdDraft[] = [];
    let cluster = this.options.clusterId - 1;
    let proc = 0;
    let lastExe: [string, string] | undefined;
    const maxJobs = this.options.maxJobs ?? 100_000;

    statements.forEach((statement, index) => {
      this.jobId = "";
      if (statement.set) {
        for (const line of commandLines(statement.set, `queue[${index}].set`))
          this.define(line.name, line.value);
      }
      const exe: [string, string] = [
        this.table.get("executable")?.value ?? "",
        this.table.get("cmd")?.value ?? "",
      ];
      const newExe = lastExe === undefined || lastExe[0] !== exe[0] || lastExe[1] !== exe[1];
      lastExe = exe;

      const count = this.queueCount(statement);
      const loop = this.queueItems(statement);
      const selected =
        loop.items === undefined
          ? 1
          : loop.items.filter((_, i) => sliceSelects(loop.slice, i, loop.items?.length ?? 0)).length;
      if (selected === 0) return;
      if (newExe || cluster < this.options.clusterId) {
        cluster++;
        proc = 0;
      }
      setMacro(this.table, "Cluster", String(cluster));
      setMacro(this.table, "Process", String(proc));
      for (const v of loop.vars) setMacro(this.table, v, "");

      const queueOne = (item: string | undefined, itemIndex: number) => {
        if (item !== undefined && loop.vars.length > 0) {
          const values = splitRow(item, loop.vars.length);
          loop.vars.forEach((v, i) => {
            if (i === 0) setMacro(this.table, v, values[0] ?? "");
            else if (values[i] !== undefined) setMacro(this.table, v, values[i] as string);
          });
        }
        for (let step = 0; step < count; step++) {
          if (results.length >= maxJobs)
            this.fail(`more than ${maxJobs} jobs; raise maxJobs if this is intended`);
          setMacro(this.table, "Cluster", String(cluster));
          setMacro(this.table, "Process", String(proc));
          results.push(this.makeJobAd(cluster, proc, itemIndex, step));
          proc++;
        }
      };
      if (loop.items === undefined) queueOne(undefined, 0);
      else {
        loop.items.forEach((item, i) => {
          if (sliceSelects(loop.slice, i, loop.items?.length ?? 0)) queueOne(item, i);
        });
      }
      for (const v of loop.vars) setMacro(this.table, v, "<Queue_item>");
    });
    return results;
  }

  private queueCount(statement: QueueStatement): number {
    if (statement.count === undefined) return 1;
    if (typeof statement.count === "number") return statement.count;
    const text = this.expand(statement.count, "queue");
    const n = stringToInteger(text, this.evaluate);
    if (n === undefined) this.fail(`invalid queue statement: the count '${text}' is not an integer`, "queue");
    if (n < 0 || n >= 2 ** 31 - 1)
      this.fail(`invalid queue statement: the count ${n} is out of range`, "queue");
    return n;
  }

  private queueItems(statement: QueueStatement): {
    vars: string[];
    items: string[] | undefined;
    slice: QueueSlice | undefined;
  } {
    const vars = "vars" in statement && statement.vars ? statement.vars : ["Item"];
    const slice = "slice" in statement ? statement.slice : undefined;
    if ("in" in statement) return { vars, items: [...statement.in], slice };
    if ("from" in statement) {
      return {
        vars,
        items: statement.from.map((row) => (typeof row === "string" ? row.trim() : row.join(", "))),
        slice,
      };
    }
    if ("fromFile" in statement) {
      const name = this.expand(statement.fromFile, "queue").trim();
      if (name.endsWith("|"))
        this.fail("queue ... from <command> | is not supported by this expansion", "queue");
      const path = resolvePath(this.options.iwd, name);
      const read = this.options.readFile;
      if (!read) this.fail(`queue ... from ${name} needs a readFile option to read the items`, "queue");
      let text: string;
      try {
        text = read(path);
      } catch (error) {
        throw new SubmitExpansionError(
          `cannot read the queue items file ${path}: ${(error as Error).message}`,
          { command: "queue" },
          { cause: error },
        );
      }
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      return { vars, items: lines.map((l) => l.trim()), slice };
    }
    if ("matching" in statement) {
      const list = this.options.listFiles;
      if (!list) this.fail("queue ... matching needs a listFiles option to find the files", "queue");
      const kind = statement.kind ?? "any";
      const seen = new Set<string>();
      const items: string[] = [];
      for (const pattern of statement.matching) {
        for (const match of list(this.expand(pattern, "queue"), kind)) {
          if (kind === "files" && match.endsWith("/")) continue;
          if (seen.has(match)) continue;
          seen.add(match);
          items.push(match);
        }
      }
      return { vars, items, slice };
    }
    return { vars: [], items: undefined, slice: undefined };
  }

  // ---- one job (SubmitHash::make_job_ad) ----

  private makeJobAd(cluster: number, proc: number, itemIndex: number, step: number): JobAdDraft {
    this.live.cluster = cluster;
    this.live.proc = proc;
    this.live.row = itemIndex;
    this.live.step = step;
    this.jobId = `${cluster}.${proc}`;
    // The base ad outlives clusters: condor_submit folds each cluster's first job into it, so a later cluster
    // starts from the previous cluster's attributes.
    this.job = this.baseAd.copy();
    if (proc === 0) this.setUniverse();
    this.live.node =
      this.universe.universe === PARALLEL
        ? "#pArAlLeLnOdE#"
        : this.universe.universe === MPI
          ? "#MpInOdE#"
          : "";

    setIwd(this);
    setExecutable(this);
    setArguments(this);
    this.setParallelParams();
    setEnvironment(this);
    setJobStatus(this);
    setStdFile(this, "input", "stdin", "In", "transfer_input", "TransferIn", "stream_input", "StreamIn");
    setStdFile(
      this,
      "output",
      "stdout",
      "Out",
      "transfer_output",
      "TransferOut",
      "stream_output",
      "StreamOut",
    );
    setStdFile(this, "error", "stderr", "Err", "transfer_error", "TransferErr", "stream_error", "StreamErr");
    setNotification(this);
    setRank(this);
    setPeriodicExpressions(this);
    setLeaveInQueue(this);
    setJobRetries(this);
    setKillSig(this);
    setRequestResources(this);
    setConcurrencyLimits(this);
    setAccountingGroup(this);
    setSimpleCommands(this);
    setJobDeferral(this);
    setImageSize(this, proc);
    setTransferFiles(this);
    setAutoAttributes(this);
    reportCommonMistakes(this);
    setForcedAttributes(this, proc);
    setResourceRequirements(this);
    setRequirements(this);
    this.currentCommand = undefined;

    this.job.setInt("ClusterId", cluster);
    if (proc === 0) {
      this.baseAd = this.job.copy();
      this.baseAd.delete("ProcId");
    }
    this.job.setInt("ProcId", proc);
    return { clusterId: cluster, procId: proc, attributes: this.job.list() };
  }

  fullPath(name: string, useIwd = true): string {
    return resolvePath(useIwd ? this.iwd : this.options.iwd, name);
  }

  sizeKb(path: string): number | undefined {
    if (!this.options.fileSize || isUrl(path)) return this.options.fileSize ? 0 : undefined;
    const bytes = this.options.fileSize(this.fullPath(path));
    return bytes === undefined ? 0 : Math.floor((bytes + 1023) / 1024);
  }

  private initBaseAd(): DraftAd {
    const ad = new DraftAd();
    ad.setString("MyType", "Job");
    ad.setString("TargetType", "Machine");
    ad.setInt("QDate", this.qdate);
    ad.setString("Owner", this.options.owner);
    for (const name of [
      "RemoteWallClockTime",
      "RemoteUserCpu",
      "RemoteSysCpu",
      "CumulativeRemoteUserCpu",
      "CumulativeRemoteSysCpu",
    ]) {
      ad.set(name, { kind: "real", value: 0 });
    }
    for (const name of [
      "ExitStatus",
      "NumCkpts",
      "NumJobStarts",
      "NumJobCompletions",
      "NumRestarts",
      "NumSystemHolds",
      "CommittedTime",
      "CommittedSlotTime",
      "CumulativeSlotTime",
      "TotalSuspensions",
      "LastSuspensionTime",
      "CumulativeSuspensionTime",
      "CommittedSuspensionTime",
    ]) {
      ad.setInt(name, 0);
    }
    ad.setBool("ExitBySignal", false);
    return ad;
  }

  private setUniverse(): void {
    this.currentCommand = "universe";
    const univ = this.param("universe", "JobUniverse") ?? this.config("DEFAULT_UNIVERSE");
    let universe = 0;
    let docker = false;
    let container = false;
    if (univ) {
      const n = Number.parseInt(univ, 10);
      universe = Number.isNaN(n) || n === 0 ? (UNIVERSE_NUMBERS[univ.toLowerCase()] ?? 0) : n;
      if (!universe) {
        if (univ.toLowerCase() === "docker") {
          universe = VANILLA;
          docker = true;
        } else if (univ.toLowerCase() === "container") {
          universe = VANILLA;
          container = true;
        }
      }
    } else {
      universe = VANILLA;
    }
    if (universe === VANILLA || universe === LOCAL) {
      const containerImage = this.param("container_image", "ContainerImage");
      if (docker) {
        if (containerImage) this.fail("docker universe does not allow use of container_image");
      } else {
        const dockerImage = this.param("docker_image", "DockerImage");
        if (dockerImage && containerImage) this.fail("cannot declare both docker_image and container_image");
        if (dockerImage || containerImage) {
          container = true;
          if (dockerImage) this.job.setBool("WantDockerImage", true);
        }
      }
    }
    this.job.setInt("JobUniverse", universe);
    this.universe = { universe, docker, container };
    if (this.paramBool("WantParallelScheduling", undefined, false).value)
      this.job.setBool("WantParallelScheduling", true);
    if (universe === VANILLA || universe === LOCAL) {
      if (docker) this.job.setBool("WantDocker", true);
      if (container) this.job.setBool("WantContainer", true);
      return;
    }
    if (universe === SCHEDULER || universe === PARALLEL || universe === MPI) return;
    if (universe === GRID || universe === JAVA || universe === VM) {
      this.fail(
        `the ${UNIVERSE_NAMES[universe]} universe is not supported by this expansion (condor_submit accepts it)`,
      );
    }
    if (univ && !UNIVERSE_NAMES[universe]) this.fail(`I don't know about the '${univ}' universe`);
    this.fail(`'${univ}' is not a supported universe`);
  }

  private setParallelParams(): void {
    const wantParallel = this.job.getBool("WantParallelScheduling") ?? false;
    const universe = this.universe.universe;
    if (universe === MPI || universe === PARALLEL || wantParallel) {
      this.currentCommand = "machine_count";
      const count = this.param("machine_count", "MachineCount") ?? this.param("node_count", "NodeCount");
      if (count !== undefined) {
        const n = Number.parseInt(count, 10) || 0;
        this.job.setInt("MinHosts", n);
        this.job.setInt("MaxHosts", n);
      } else if (!this.job.has("MaxHosts")) this.fail("No machine_count specified!");
      this.job.setInt("RequestCpus", 1);
    }
    if (universe === PARALLEL) {
      this.job.setBool("WantIOProxy", true);
      this.job.setBool("JobRequiresSandbox", true);
    }
  }
}

/**
 * Expands a validated submit description into job ads (values as literals or old-syntax expression text). This is
 * the engine-independent core of expandJobAds; `evaluate` supplies ClassAd evaluation where condor_submit needs it.
 */
export function expandJobAdDrafts(
  description: SubmitDescription,
  options: ExpandJobAdsOptions,
  evaluate: ExpressionEvaluator | undefined,
): JobAdDraft[] {
  return new Expander(options, evaluate).run(description);
}
