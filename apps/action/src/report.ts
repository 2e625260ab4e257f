/**
 * What the action writes to the job summary: tables of the plan, of what an apply, scale or destroy did, and of the
 * status. Only presentation: every value comes from the SDK's results (the plan through {@link planToJson}, which
 * redacts secret-looking values).
 */
import * as core from "@actions/core";
import type {
  ClusterPlan,
  ClusterStatus,
  DestroyResult,
  PlanJsonAppChange,
  PlanJsonFieldChange,
  PlanJsonValue,
  ScaleResult,
  SiteApplyResult,
  VerifyResult,
} from "@bsaas/sdk";
import { planToJson } from "@bsaas/sdk";

type Cell = { data: string; header?: boolean } | string;

/** Table cells are HTML: values are escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const header = (...names: string[]): Cell[] => names.map((data) => ({ data, header: true }));

/** A table; an empty cell shows "—" (the toolkit writes an empty cell as an unclosed `<td>`). */
function table(rows: Cell[][]): void {
  core.summary.addTable(rows.map((row) => row.map((cell) => (cell === "" ? "—" : cell))));
}
const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** The plan's one line: `1 to create, 0 to update, 0 to delete`, or `no changes`. */
export function planCounts(plan: ClusterPlan): string {
  const { create, update, delete: remove } = plan.counts;
  return plan.hasChanges ? `${create} to create, ${update} to update, ${remove} to delete` : "no changes";
}

/** An app id relative to its site's group. */
const shortId = (appId: string, groupId: string) =>
  appId.startsWith(`${groupId}/`) ? appId.slice(groupId.length + 1) : appId;

function shortValue(value: PlanJsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text.length <= 40 && !text.includes("\\n") ? text : undefined;
}

/** A changed field: its path, and `before → after` when both are short (already redacted by planToJson). */
function fieldText(change: PlanJsonFieldChange): string {
  if (change.sensitive)
    return `${code(change.path)} (sensitive value ${change.kind === "change" ? "changed" : change.kind === "add" ? "added" : "removed"})`;
  const before = shortValue(change.before);
  const after = shortValue(change.after);
  if (change.kind === "add") return `${code(change.path)} added${after ? `: ${escapeHtml(after)}` : ""}`;
  if (change.kind === "remove") return `${code(change.path)} removed`;
  return before && after
    ? `${code(change.path)}: ${escapeHtml(before)} → ${escapeHtml(after)}`
    : code(change.path);
}

function changeDetails(change: PlanJsonAppChange): string {
  switch (change.action) {
    case "create":
      return `${change.instances} instance(s), ${change.cpus} cpus, ${change.mem} MiB`;
    case "update":
      return change.changes.map(fieldText).join("<br>");
    case "delete":
      return change.instances === undefined ? "" : `${change.instances} instance(s)`;
  }
}

/** The plan: its counts, then per site a table of the apps (app, action, fields changed). */
export function addPlan(title: string, plan: ClusterPlan): void {
  const json = planToJson(plan);
  core.summary.addHeading(escapeHtml(title), 3).addRaw(`Plan: ${planCounts(plan)}.`, true);
  for (const site of json.sites) {
    const rows: Cell[][] = [
      ...site.changes.map((c) => [code(shortId(c.appId, site.groupId)), c.action, changeDetails(c)]),
      ...site.unchanged.map((id) => [code(shortId(id, site.groupId)), "no change", ""]),
    ];
    core.summary.addHeading(
      `Site ${escapeHtml(site.site)} (${code(site.groupId)}${site.groupExists ? "" : ", new group"})`,
      4,
    );
    if (rows.length === 0) core.summary.addRaw("No apps.", true);
    else table([header("app", "action", "fields changed"), ...rows]);
  }
}

/** What an apply did at each site. */
export function addApplySites(sites: readonly SiteApplyResult[]): void {
  core.summary.addHeading("Apply", 4);
  table([
    header("site", "outcome", "deployment", "time", "error"),
    ...sites.map((s) => [
      escapeHtml(s.site),
      s.outcome,
      s.deploymentId ? code(s.deploymentId) : "—",
      s.outcome === "unchanged" ? "—" : seconds(s.elapsedMs),
      escapeHtml(s.error ?? ""),
    ]),
  ]);
}

/** The HTCondor-level check of an apply. */
export function addVerify(verify: VerifyResult): void {
  core.summary
    .addHeading("HTCondor pool", 4)
    .addRaw(
      escapeHtml(
        verify.ok
          ? `Verified: HTCondor ${verify.htcondorVersion ?? "?"}, collector ${verify.collector}, schedds: ${verify.schedds.join(", ") || "none"} (${seconds(verify.elapsedMs)}).`
          : `Not complete after ${seconds(verify.elapsedMs)}: collector ${verify.collector}; missing: ${verify.missing.join("; ")}.`,
      ),
      true,
    );
  table([
    header("site", "executors ready", "expected"),
    ...verify.executors.map((e) => [escapeHtml(e.site), String(e.ready), String(e.expected)]),
  ]);
}

const counts = (record: Record<string, number>) =>
  Object.keys(record).length === 0
    ? "none"
    : Object.entries(record)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${v} ${k}`)
        .join(", ");

/** The status: the pool, then per site its apps (instances, health), executors and slots, Mesos and deployments. */
export function addStatus(status: ClusterStatus): void {
  const pool = status.htcondor;
  core.summary
    .addHeading(`Status of cluster ${escapeHtml(status.cluster)}`, 3)
    .addRaw(
      escapeHtml(
        pool.ok
          ? `Collector ${status.collector}: HTCondor ${pool.version}, schedds: ${pool.schedds.join(", ") || "none"}, jobs: ${counts(pool.jobs)}.`
          : `Collector ${status.collector}: HTCondor unavailable (${pool.error}).`,
      ),
      true,
    );
  for (const site of status.sites) {
    core.summary.addHeading(`Site ${escapeHtml(site.site)} (${code(site.groupId)})`, 4);
    if (!site.marathon.ok)
      core.summary.addRaw(`Marathon unavailable: ${escapeHtml(site.marathon.error)}`, true);
    else if (site.marathon.apps.length === 0) core.summary.addRaw("No apps: not applied.", true);
    else {
      table([
        header("app", "role", "status", "instances (running/wanted)", "health"),
        ...site.marathon.apps.map((a) => [
          code(shortId(a.id, site.groupId)),
          escapeHtml(a.role ?? "—"),
          a.status,
          `${a.running}/${a.instances}`,
          a.health,
        ]),
      ]);
    }
    const facts: string[] = [];
    facts.push(
      site.htcondor
        ? `Executors in HTCondor: ${site.htcondor.executors}; slots: ${counts(site.htcondor.slots)}; jobs queued here: ${counts(site.htcondor.jobs)}`
        : "Executors in HTCondor: unknown (HTCondor unavailable)",
    );
    if (site.mesos)
      facts.push(
        site.mesos.ok
          ? `Mesos: ${site.mesos.agents} agent(s), free ${round(site.mesos.free.cpus)}/${round(site.mesos.total.cpus)} cpus, ${round(site.mesos.free.mem)}/${round(site.mesos.total.mem)} MiB`
          : `Mesos unavailable: ${site.mesos.error}`,
      );
    if (site.marathon.ok)
      for (const d of site.marathon.deployments)
        facts.push(`Deployment ${d.id}: step ${d.currentStep}/${d.totalSteps} ${d.actions.join(", ")}`);
    core.summary.addList(facts.map(escapeHtml));
  }
}

const round = (n: number) => Math.round(n * 100) / 100;

/** What a scale did, per site. */
export function addScale(cluster: string, results: readonly ScaleResult[]): void {
  core.summary.addHeading(`Scaled cluster ${escapeHtml(cluster)}`, 3);
  table([
    header("site", "executors", "removed tasks", "deployment", "time"),
    ...results.map((r) => [
      escapeHtml(r.site),
      r.from === r.to ? `${r.to} (unchanged)` : `${r.from} → ${r.to}`,
      r.removed.length === 0 ? "—" : r.removed.map((t) => code(t.taskId)).join("<br>"),
      r.deploymentId ? code(r.deploymentId) : "—",
      seconds(r.elapsedMs),
    ]),
  ]);
}

/** What a destroy did, per site. */
export function addDestroy(cluster: string, result: DestroyResult): void {
  core.summary.addHeading(`Destroyed cluster ${escapeHtml(cluster)}`, 3);
  table([
    header("site", "group", "outcome", "deployment"),
    ...result.sites.map((s) => [
      escapeHtml(s.site),
      code(s.groupId),
      s.outcome === "deleted" ? "deleted" : "already absent",
      s.deploymentId ? code(s.deploymentId) : "—",
    ]),
  ]);
  if (result.killedBusy.length > 0)
    core.summary.addRaw(
      `Killed with running jobs (force): ${result.killedBusy.map(escapeHtml).join(", ")}.`,
      true,
    );
}

/**
 * A hint of the SDK in the action's words: the CLI flags it names (`--force`, `--deadline`, `--timeout`) are inputs
 * of the same name here.
 */
export function inActionWords(hint: string): string {
  return hint.replace(/--(force|deadline|timeout)\b/g, (_, name: string) =>
    name === "force" ? "`force: true`" : `the \`${name}\` input`,
  );
}
