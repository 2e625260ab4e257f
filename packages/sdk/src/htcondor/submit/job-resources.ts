/**
 * Steps for resource requests (`request_*` with units, GPUs), concurrency limits and accounting groups.
 */

import type { JobContext } from "./job-context.js";
import { adValueText } from "./jobad.js";
import { splitTokens } from "./macros.js";
import { exprReferences } from "./refs.js";
import { parseSizeWithUnits } from "./units.js";

/** RequestCpus/Memory/Disk/GPUs (units converted) and custom `request_<name>` resources. */
export function setRequestResources(ctx: JobContext): void {
  const special = new Set([
    "request_cpus",
    "request_cpu",
    "request_gpus",
    "request_gpu",
    "request_disk",
    "request_memory",
  ]);
  const disallowed = new Set(["request_gpu_memory", "request_gpus_memory"]);
  for (const { name } of [...ctx.table.values()]) {
    const lower = name.toLowerCase();
    if (!lower.startsWith("request_")) continue;
    if (special.has(lower)) {
      if (lower === "request_cpus") setRequestCpus(ctx);
      else if (lower === "request_gpus") setRequestGpus(ctx);
      else if (lower === "request_disk") setRequestDisk(ctx);
      else if (lower === "request_memory") setRequestMemory(ctx);
      continue;
    }
    const resource = name.slice("request_".length);
    if (resource.length < 2 || resource.startsWith("_") || disallowed.has(lower)) continue;
    ctx.currentCommand = name;
    const value = ctx.param(name);
    if (value === undefined) continue;
    ctx.job.setExpr(`Request${resource}`, value);
  }
  if (!ctx.table.has("request_cpus")) setRequestCpus(ctx);
  if (!ctx.table.has("request_gpus")) setRequestGpus(ctx);
  if (!ctx.table.has("request_disk")) setRequestDisk(ctx);
  if (!ctx.table.has("request_memory")) setRequestMemory(ctx);
}

function setRequestCpus(ctx: JobContext): void {
  ctx.currentCommand = "request_cpus";
  let value = ctx.param("request_cpus", "RequestCpus");
  if (value === undefined && !ctx.job.has("RequestCpus")) value = ctx.config("JOB_DEFAULT_REQUESTCPUS");
  if (value !== undefined && value.toLowerCase() !== "undefined") ctx.job.setExpr("RequestCpus", value);
}

function setRequestGpus(ctx: JobContext): void {
  ctx.currentCommand = "request_gpus";
  let value = ctx.param("request_gpus", "RequestGPUs");
  if (value === undefined && !ctx.job.has("RequestGPUs")) value = ctx.config("JOB_DEFAULT_REQUESTGPUS");
  if (value !== undefined && value.toLowerCase() !== "undefined") ctx.job.setExpr("RequestGPUs", value);
  if (!ctx.job.has("RequestGPUs")) return;
  const require = ctx.param("require_gpus", "RequireGPUs");
  if (require !== undefined) ctx.job.setExpr("RequireGPUs", require);
  const minCap = ctx.param("gpus_minimum_capability", "GPUsMinCapability");
  if (minCap !== undefined) ctx.job.setExpr("GPUsMinCapability", minCap);
  const maxCap = ctx.param("gpus_maximum_capability", "GPUsMaxCapability");
  if (maxCap !== undefined) ctx.job.setExpr("GPUsMaxCapability", maxCap);
  const minMem = ctx.param("gpus_minimum_memory", "GPUsMinMemory");
  if (minMem !== undefined) {
    const size = parseSizeWithUnits(minMem, 1024 * 1024);
    if (size) ctx.job.setInt("GPUsMinMemory", size.value);
    else ctx.job.setExpr("GPUsMinMemory", minMem);
  }
  const runtime = ctx.param("gpus_minimum_runtime", "GPUsMinRuntime");
  if (runtime !== undefined) {
    const m = /^\s*(\d+)(?:\.(\d+))?\s*$/.exec(runtime);
    const major = m ? Number(m[1]) : undefined;
    const minor = m?.[2] === undefined ? -1 : Number(m[2]);
    if (major !== undefined && minor < 100) {
      const version = minor === -1 && major > 1000 ? major : major * 1000 + (minor > 0 ? minor * 10 : 0);
      ctx.job.setInt("GPUsMinRuntime", version);
    } else ctx.job.setExpr("GPUsMinRuntime", runtime);
  }
}

function sizeRequest(
  ctx: JobContext,
  key: string,
  attr: string,
  base: number,
  defaultParam: string,
  unitName: string,
): void {
  ctx.currentCommand = key;
  let value = ctx.param(key, attr);
  if (value === undefined && !ctx.job.has(attr)) value = ctx.config(defaultParam);
  if (value === undefined) return;
  const size = parseSizeWithUnits(value, base);
  if (size) {
    const missingUnits = ctx.config("SUBMIT_REQUEST_MISSING_UNITS");
    if (missingUnits && !size.unit && missingUnits.toLowerCase() === "error") {
      ctx.fail(`${key}=${value} defaults to ${unitName}, but must contain a units suffix (i.e K, M, or B)`);
    }
    ctx.job.setInt(attr, size.value);
  } else if (value.toLowerCase() !== "undefined") {
    ctx.job.setExpr(attr, value);
  }
}

function setRequestDisk(ctx: JobContext): void {
  sizeRequest(ctx, "request_disk", "RequestDisk", 1024, "JOB_DEFAULT_REQUESTDISK", "kilobytes");
}

function setRequestMemory(ctx: JobContext): void {
  sizeRequest(ctx, "request_memory", "RequestMemory", 1024 * 1024, "JOB_DEFAULT_REQUESTMEMORY", "megabytes");
}

/** ConcurrencyLimits: lower-cased, checked and sorted (or `concurrency_limits_expr` as written). */
export function setConcurrencyLimits(ctx: JobContext): void {
  ctx.currentCommand = "concurrency_limits";
  const limits = ctx.param("concurrency_limits", "ConcurrencyLimits");
  const expr = ctx.param("concurrency_limits_expr");
  if (limits !== undefined) {
    if (expr !== undefined) ctx.fail("concurrency_limits and concurrency_limits_expr can't be used together");
    const list = splitTokens(limits.toLowerCase());
    for (const limit of list) {
      const [name = ""] = limit.split(":");
      const parts = name.split(".");
      const valid = parts.length <= 2 && parts.every((p) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(p));
      if (!valid) ctx.fail(`Invalid concurrency limit '${limit}'`);
    }
    list.sort();
    if (list.length > 0) ctx.job.setString("ConcurrencyLimits", list.join(","));
  } else if (expr !== undefined) {
    ctx.job.setExpr("ConcurrencyLimits", expr);
  }
}

/** AcctGroup, AcctGroupUser and AccountingGroup (`group.user`), also for `nice_user`. */
export function setAccountingGroup(ctx: JobContext): void {
  ctx.currentCommand = "accounting_group";
  let group = ctx.param("accounting_group", "AccountingGroup");
  const nice = ctx.paramBool("nice_user", "NiceUser", false).value;
  if (nice) {
    group ??= ctx.config("NICE_USER_ACCOUNTING_GROUP_NAME");
    ctx.job.setInt("MaxJobRetirementTime", 0);
  }
  const groupUser = ctx.param("accounting_group_user", "AcctGroupUser");
  if (group === undefined && groupUser === undefined) return;
  const user = groupUser ?? ctx.options.owner;
  if (group !== undefined && /\s/.test(group)) ctx.fail(`Invalid accounting_group: ${group}`);
  if (/\s/.test(user)) ctx.fail(`Invalid accounting_group_user: ${user}`, "accounting_group_user");
  ctx.job.setString("AcctGroupUser", user);
  if (group !== undefined) {
    ctx.job.setString("AcctGroup", group);
    ctx.job.setString("AccountingGroup", `${group}.${user}`);
  } else {
    ctx.job.setString("AccountingGroup", user);
  }
}

/** RequireGPUs completed with the GPU property constraints (capability, memory, runtime). */
export function setResourceRequirements(ctx: JobContext): void {
  if (!ctx.job.has("RequestGPUs")) return;
  const require = ctx.job.get("RequireGPUs");
  const props = require
    ? exprReferences(
        adValueText(require),
        new Set(["capability", "globalmemorymb", "driverversion", "maxsupportedversion"]),
      ).job
    : new Set<string>();
  const clauses: string[] = [];
  if (ctx.job.has("GPUsMinCapability") && !props.has("capability"))
    clauses.push("Capability >= GPUsMinCapability");
  if (ctx.job.has("GPUsMaxCapability") && !props.has("capability"))
    clauses.push("Capability <= GPUsMaxCapability");
  if (ctx.job.has("GPUsMinMemory") && !props.has("globalmemorymb"))
    clauses.push("GlobalMemoryMb >= GPUsMinMemory");
  if (ctx.job.has("GPUsMinRuntime") && !props.has("maxsupportedversion"))
    clauses.push("MaxSupportedVersion >= GPUsMinRuntime");
  if (clauses.length === 0) return;
  if (require) {
    const text = adValueText(require);
    const wrapped = /\|\||\?/.test(text) ? `(${text})` : text;
    ctx.job.setExpr("RequireGPUs", `${wrapped} && ${clauses.join(" && ")}`);
  } else {
    ctx.job.setExpr("RequireGPUs", clauses.join(" && "));
  }
}
