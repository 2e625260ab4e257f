import { type App, appRow } from "@bsaas/sdk/marathon";
import { cell, num, shortApp, truncate, wrapLines } from "./format.js";
import { Line, Panel } from "./Panel.js";
import type { Tone } from "./theme.js";

/** One line of the details view. */
export interface DetailLine {
  text: string;
  tone?: Tone;
  bold?: boolean;
}

/** An app's details as the view loads them. */
export interface AppDetailsState {
  site: string;
  appId: string;
  app?: App;
  error?: string;
  loading: boolean;
}

/** `bsaas_c_local_executors.instance-0123abcd-….` → `executors.0123abcd`. */
export function shortTaskId(id: string): string {
  const m = /^(?:.*_)?([^_.]+)\.(?:instance-|marathon-)?([0-9a-f]{8})/.exec(id);
  return m ? `${m[1]}.${m[2]}` : id;
}

/** The lines of an app's details: definition, health checks, last failure, then its tasks with their health. */
export function appDetailLines(app: App, width: number): DetailLine[] {
  const out: DetailLine[] = [];
  const add = (text: string, tone?: Tone, bold?: boolean) =>
    out.push({ text, ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) });
  const field = (name: string, value: string, lines = 1) => {
    const wrapped = wrapLines(value, Math.max(10, width - 13), lines);
    wrapped.forEach((l, i) => {
      add(`${(i === 0 ? name : "").padEnd(12)} ${l}`);
    });
  };
  const row = appRow(app);
  const tone: Tone = row.status === "Running" ? "ok" : row.status === "Suspended" ? "muted" : "warn";
  add(`${app.id}`, undefined, true);
  out.push({
    text: `${"status".padEnd(12)} ${row.status} · ${row.running}/${row.instances} running · health ${row.health}${row.health === "none" ? "" : ` (${row.healthy} healthy, ${row.unhealthy} unhealthy)`}`,
    tone,
  });
  field("resources", `${num(app.cpus ?? 0)} CPU · ${num(app.mem ?? 0)} MiB · disk ${num(app.disk ?? 0)} MiB`);
  if (app.version) field("version", app.version);
  if (app.cmd) field("cmd", app.cmd, 2);
  if (app.args?.length) field("args", app.args.join(" "), 2);
  const container = app.container as { type?: string; docker?: { image?: string } } | undefined | null;
  field(
    "container",
    container?.type
      ? `${container.type}${container.docker?.image ? ` ${container.docker.image}` : ""}`
      : "none (command)",
  );
  const networks = (app.networks as { mode?: string; name?: string }[] | undefined) ?? [];
  if (networks.length)
    field("network", networks.map((n) => `${n.mode ?? "?"}${n.name ? `:${n.name}` : ""}`).join(", "));
  const ports = (app.portDefinitions as { port?: number; name?: string }[] | undefined) ?? [];
  if (ports.length)
    field("ports", ports.map((p) => `${p.name ? `${p.name}=` : ""}${p.port ?? 0}`).join(", "));
  const constraints = (app.constraints as unknown[][] | undefined) ?? [];
  if (constraints.length) field("constraints", constraints.map((c) => c.join(":")).join(", "), 2);
  const labels = Object.entries((app.labels as Record<string, string> | undefined) ?? {});
  if (labels.length) field("labels", labels.map(([k, v]) => `${k}=${v}`).join(" "), 2);
  const env = Object.keys((app.env as Record<string, unknown> | undefined) ?? {});
  if (env.length) field("env", env.join(", "), 2);
  const checks = app.healthChecks ?? [];
  if (checks.length === 0) field("health", "no health checks");
  checks.forEach((h, i) => {
    const what = h.command?.value
      ? `COMMAND ${h.command.value}`
      : `${h.protocol ?? "?"} ${h.path ?? ""}`.trim();
    field(
      i === 0 ? "health" : "",
      `${what} · every ${h.intervalSeconds ?? "?"}s, timeout ${h.timeoutSeconds ?? "?"}s, grace ${h.gracePeriodSeconds ?? "?"}s, max ${h.maxConsecutiveFailures ?? "?"} failures`,
      2,
    );
  });
  const deployments = (app.deployments as { id?: string }[] | undefined) ?? [];
  if (deployments.length) field("deploying", deployments.map((d) => d.id ?? "?").join(", "));
  const failure = app.lastTaskFailure;
  if (failure)
    out.push({
      text: truncate(
        `${"last failure".padEnd(12)} ${failure.state} of ${shortTaskId(failure.taskId)} on ${failure.host} at ${failure.timestamp}: ${failure.message}`,
        width,
      ),
      tone: "warn",
    });
  const tasks = app.tasks ?? [];
  out.push({ text: "" });
  out.push({ text: `Tasks (${tasks.length})`, bold: true });
  if (tasks.length === 0) add("  no tasks", "muted");
  out.push({
    text: `  ${cell("TASK", 26)} ${cell("ADDRESS", 22)} ${cell("STATE", 11)} HEALTH`,
    bold: true,
  });
  for (const t of tasks) {
    const address = `${(t.ipAddresses ?? []).map((a) => a.ipAddress).find(Boolean) ?? t.host}${t.ports?.length ? `:${t.ports.join(",")}` : ""}`;
    const results = t.healthCheckResults ?? [];
    let health: string;
    let tone: Tone | undefined;
    if (checks.length === 0) health = "—";
    else if (results.length === 0) {
      health = "no result yet";
      tone = "warn";
    } else if (results.every((r) => r.alive)) {
      health = "healthy";
      tone = "ok";
    } else {
      const bad = results.find((r) => !r.alive);
      health = `unhealthy (${bad?.consecutiveFailures ?? 0} failures${bad?.lastFailureCause ? `: ${bad.lastFailureCause}` : ""})`;
      tone = "error";
    }
    out.push({
      text: `  ${cell(shortTaskId(t.id), 26)} ${cell(address, 22)} ${cell(t.state.replace(/^TASK_/, ""), 11)} ${health}`,
      ...(tone ? { tone } : {}),
    });
  }
  return out;
}

/** Props of {@link AppDetails}. */
export interface AppDetailsProps {
  details: AppDetailsState;
  groupId: string;
  width: number;
  lines: number;
  scroll: number;
}

/** An app's definition, health checks and tasks (esc goes back). */
export function AppDetails({ details, groupId, width, lines, scroll }: AppDetailsProps) {
  const inner = width - 4;
  const all: DetailLine[] = details.app
    ? appDetailLines(details.app, inner)
    : details.error
      ? wrapLines(`cannot read the app: ${details.error}`, inner, lines).map((text) => ({
          text,
          tone: "error",
        }))
      : [{ text: "loading…", tone: "muted" }];
  const start = Math.min(scroll, Math.max(0, all.length - lines));
  const more = all.length - start - lines;
  return (
    <Panel
      title={`App ${shortApp(details.appId, groupId)} · ${details.site}${more > 0 ? ` · ↓ ${more} more` : ""} · esc back`}
      width={width}
      lines={lines}
      focused
    >
      {all.slice(start, start + lines).map((l, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines of one view
        <Line key={start + i} tone={l.tone} bold={l.bold}>
          {l.text || " "}
        </Line>
      ))}
    </Panel>
  );
}
