/**
 * The submit macro table (HTCondor's SubmitMacroSet): submit commands and macro definitions by case-insensitive
 * name, plus the built-in defaults condor_submit provides (`$(ARCH)`, `$(Cluster)`, `$(Process)`, `$(Year)`, ...).
 */

/** One entry of the table: the name as first written and the raw value. */
export interface MacroEntry {
  name: string;
  value: string;
}

/** Macro definitions keyed by lower-case name. */
export type MacroTable = Map<string, MacroEntry>;

export function newMacroTable(): MacroTable {
  return new Map();
}

/** Defines or replaces a macro (the first spelling of the name is kept, as HTCondor does). */
export function setMacro(table: MacroTable, name: string, value: string): void {
  const key = name.toLowerCase();
  const existing = table.get(key);
  table.set(key, { name: existing?.name ?? name, value });
}

/** Values behind the built-in submit macros that depend on the submission. */
export interface SubmitDefaultsInput {
  arch?: string;
  opsys?: string;
  opsysAndVer?: string;
  opsysMajorVer?: string;
  opsysVer?: string;
  submitFile?: string;
  /** Submission time, seconds since the epoch (for `$(SUBMIT_TIME)`, `$(Year)`, `$(Month)`, `$(Day)`). */
  submitTime?: number;
  /** The live job identity while jobs are built. */
  live?: { cluster: number; proc: number; row: number; step: number; node: string };
}

/**
 * The defaults table of condor_submit (submit_utils.cpp SubmitMacroDefaults) as a lookup function. Names are
 * case-insensitive; undefined means "not a default".
 */
export function submitDefaults(input: SubmitDefaultsInput): (name: string) => string | undefined {
  return (name) => {
    const live = input.live;
    switch (name.toLowerCase()) {
      case "arch":
        return input.arch ?? "X86_64";
      case "opsys":
        return input.opsys ?? "LINUX";
      case "opsysandver":
        return input.opsysAndVer ?? "";
      case "opsysmajorver":
        return input.opsysMajorVer ?? "";
      case "opsysver":
        return input.opsysVer ?? "";
      case "islinux":
        return (input.opsys ?? "LINUX").toUpperCase() === "LINUX" ? "1" : "0";
      case "iswindows":
        return (input.opsys ?? "LINUX").toUpperCase().startsWith("WINDOWS") ? "1" : "0";
      case "cluster":
      case "clusterid":
        return live ? String(live.cluster) : "1";
      case "process":
      case "procid":
        return live ? String(live.proc) : "0";
      case "itemindex":
      case "row":
        return live ? String(live.row) : "0";
      case "step":
        return live ? String(live.step) : "0";
      case "node":
        return live?.node ?? "";
      case "jobid":
        return "$(ClusterId).$(ProcId)";
      case "request_cpus":
        return "$(RequestCPUs)";
      case "request_memory":
        return "$(RequestMemory)";
      case "vm_memory":
        return "$(Request_Memory)";
      case "vm_vcpus":
        return "$(Request_CPUs)";
      case "spool":
        return "";
      case "submit_file":
        return input.submitFile ?? "";
      case "submit_time":
        return input.submitTime === undefined ? "" : String(input.submitTime);
      case "year":
        return input.submitTime === undefined ? "" : String(new Date(input.submitTime * 1000).getFullYear());
      case "month":
        return input.submitTime === undefined ? "" : pad2(new Date(input.submitTime * 1000).getMonth() + 1);
      case "day":
        return input.submitTime === undefined ? "" : pad2(new Date(input.submitTime * 1000).getDate());
      default:
        return undefined;
    }
  };
}

const pad2 = (n: number) => String(n).padStart(2, "0");
