/**
 * What the steps that build one job ad share: the submit commands (through `param`), the ad under construction, the
 * universe of the cluster, the options of the expansion and a few path and size helpers. The steps follow
 * condor_submit's SubmitHash::SetXXX methods (submit_utils.cpp, HTCondor 23.9.6), one module per area.
 */
import type { DraftAd } from "./jobad.js";
import type { ExpressionEvaluator } from "./macros.js";
import type { MacroTable } from "./table.js";

/** Options of expandJobAds: what condor_submit would take from the machine and the pool configuration. */
export interface ExpandJobAdsOptions {
  /** Cluster id of the first cluster (condor_submit takes it from the schedd). A new cluster starts whenever the
   * executable changes between queue statements. */
  clusterId: number;
  /** The submitting user: the `Owner` attribute and the default accounting group user. */
  owner: string;
  /** Absolute directory condor_submit runs in: the default `Iwd`, and the base of relative paths. */
  iwd: string;
  /** Submission time (seconds since the epoch) for `QDate` and `EnteredCurrentStatus`; default now. */
  qdate?: number;
  /** The submit file's name as given to condor_submit: `JobSubmitFile` and `$(SUBMIT_FILE)`. */
  submitFile?: string;
  /** Environment of the submitter, for `$ENV()` and `getenv` (default: empty, so nothing leaks by accident). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * HTCondor configuration values condor_submit consults (`FILESYSTEM_DOMAIN`, `JOB_DEFAULT_REQUESTMEMORY`,
   * `APPEND_REQUIREMENTS`, `DEFAULT_RANK`, ...). Missing ones take HTCondor's defaults; `FILESYSTEM_DOMAIN` has none
   * here (HTCondor uses the host name), so `FileSystemDomain` is only set when it is given.
   */
  config?: Readonly<Record<string, string>>;
  /** `$(ARCH)` and the Arch clause of Requirements (default X86_64). */
  arch?: string;
  /** `$(OPSYS)` and the OpSys clause of Requirements (default LINUX). */
  opsys?: string;
  opsysAndVer?: string;
  opsysMajorVer?: string;
  opsysVer?: string;
  /**
   * Size in bytes of a file (absolute path), or undefined when it does not exist. When given, `ExecutableSize`,
   * `ImageSize`, `DiskUsage` and `TransferInputSizeMB` are computed like condor_submit does; without it they are
   * left out (they describe files on the submit machine, which bsaas usually does not have).
   */
  fileSize?: (path: string) => number | undefined;
  /** Reads the item file of `queue ... from <file>` (absolute path). */
  readFile?: (path: string) => string;
  /** Lists matches of a `queue ... matching` pattern (relative to `iwd`), sorted, directories ending in `/`. */
  listFiles?: (pattern: string, kind: "files" | "dirs" | "any") => string[];
  /** Random numbers for `$RANDOM_CHOICE()`/`$RANDOM_INTEGER()` (default Math.random). */
  random?: () => number;
  /** Refuse to build more jobs than this (default 100000). */
  maxJobs?: number;
}

/** The universe of the cluster being built, with the docker/container toppings of vanilla. */
export interface UniverseInfo {
  universe: number;
  docker: boolean;
  container: boolean;
}

export const UNIVERSE_NUMBERS: Readonly<Record<string, number>> = {
  standard: 1,
  pipe: 2,
  linda: 3,
  pvm: 4,
  vanilla: 5,
  pvmd: 6,
  scheduler: 7,
  mpi: 8,
  grid: 9,
  java: 10,
  parallel: 11,
  local: 12,
  vm: 13,
};
export const UNIVERSE_NAMES = Object.fromEntries(Object.entries(UNIVERSE_NUMBERS).map(([k, v]) => [v, k]));
export const VANILLA = 5;
export const SCHEDULER = 7;
export const MPI = 8;
export const GRID = 9;
export const JAVA = 10;
export const PARALLEL = 11;
export const LOCAL = 12;
export const VM = 13;

/** The state a job-building step reads and changes. */
export interface JobContext {
  readonly options: ExpandJobAdsOptions;
  readonly table: MacroTable;
  readonly evaluate: ExpressionEvaluator | undefined;
  readonly qdate: number;
  /** The job ad under construction (a copy of the cluster ad, so earlier jobs' values are visible). */
  job: DraftAd;
  universe: UniverseInfo;
  /** The job's initial directory, once the initialdir step has run. */
  iwd: string;
  /** The command being processed, for error messages. */
  currentCommand: string | undefined;
  warnedShortLease: boolean;
  fail(problem: string, command?: string): never;
  config(name: string): string | undefined;
  configBool(name: string, dflt: boolean): boolean;
  expand(text: string, command?: string): string;
  /** condor_submit's submit_param: the expanded value of `name` (or `alt`), undefined when unset or empty. */
  param(name: string, alt?: string): string | undefined;
  paramBool(name: string, alt: string | undefined, dflt: boolean): { value: boolean; given: boolean };
  paramInt(name: string, alt: string | undefined, intRange?: boolean): number | undefined;
  /** An absolute path: relative names are taken from the initial directory (or the submit directory). */
  fullPath(name: string, useIwd?: boolean): string;
  /** Size of a file in KiB as condor_submit computes it, or undefined when sizes are not available. */
  sizeKb(path: string): number | undefined;
}

/** Removes surrounding whitespace and one pair of double quotes (trim_and_strip_quotes_in_place). */
export function stripQuotes(value: string): string {
  const t = value.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Collapses repeated slashes (compress_path). */
export function compressPath(path: string): string {
  return path.replace(/\/{2,}/g, "/");
}

/** Joins a directory and a relative name like HTCondor's dircat, or keeps an absolute name. */
export function resolvePath(dir: string, name: string): string {
  if (name.startsWith("/")) return compressPath(`/${name}`);
  return compressPath(`/${dir}/${name}`);
}

export const isUrl = (name: string) => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(name);

/** Wraps an expression in parentheses when it would bind more loosely than `||` (a ternary). */
export function wrapForOr(expr: string): string {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "(" || ch === "[" || ch === "{") depth++;
    else if (ch === ")" || ch === "]" || ch === "}") depth--;
    else if (ch === "?" && depth === 0) return `(${expr})`;
  }
  return expr;
}

/** Matches a name against a pattern with `*` wildcards, ignoring case (contains_anycase_withwildcard). */
export function wildcardMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(name);
}

export function shouldTransferCode(value: string): "YES" | "NO" | "IF_NEEDED" | undefined {
  const v = value.trim().toUpperCase();
  if (v === "YES" || v === "TRUE") return "YES";
  if (v === "NO" || v === "FALSE") return "NO";
  if (v === "IF_NEEDED") return "IF_NEEDED";
  return undefined;
}

export function whenToTransferCode(
  value: string,
): "ON_EXIT" | "ON_EXIT_OR_EVICT" | "ON_SUCCESS" | "NEVER" | undefined {
  const v = value.trim().toUpperCase();
  if (v === "ON_EXIT" || v === "ON_EXIT_OR_EVICT" || v === "ON_SUCCESS" || v === "NEVER") return v;
  return undefined;
}

export function containerImageKind(image: string): "docker" | "sif" | "sandbox" {
  const t = image.trim();
  if (t.startsWith("docker:")) return "docker";
  if (t.endsWith(".sif")) return "sif";
  return "sandbox";
}
