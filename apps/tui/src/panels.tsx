import type { ClusterWatchState, SiteWatchState, WatchEvent, WatchPart } from "@bsaas/sdk/cluster";
import { Text } from "ink";
import type { ReactNode } from "react";
import { cell, clock, counts, mib, num, shortApp, truncate, wrapLines } from "./format.js";
import { Line, Panel } from "./Panel.js";
import { type Tone, useTheme } from "./theme.js";

/** Lines of the Mesos and HTCondor panels. */
export const RESOURCE_LINES = 4;

const STATUS_TONE: Record<string, Tone> = {
  Running: "ok",
  Deploying: "warn",
  Waiting: "warn",
  Suspended: "muted",
};
const HEALTH_TONE: Record<string, Tone> = {
  healthy: "ok",
  unhealthy: "error",
  unknown: "warn",
  none: "muted",
};
const LEVEL_TONE: Record<WatchEvent["level"], Tone | undefined> = {
  info: undefined,
  warn: "warn",
  error: "error",
};

/**
 * What to show instead of a part's value: `loading…` before the first read, its error (wrapped) after a failed one.
 * Returns undefined when the value is there (a stale value's error is shown by the panel itself).
 */
function partPlaceholder<T>(
  part: WatchPart<T> | undefined,
  width: number,
  lines: number,
  what: string,
): ReactNode | undefined {
  if (part?.value !== undefined) return undefined;
  if (!part?.error)
    return (
      <Line tone="muted" dim>
        {what ? `${what}: ` : ""}loading…
      </Line>
    );
  return wrapLines(`${what ? `${what} ` : ""}unavailable: ${part.error}`, width, lines).map((l, i) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: lines of one message
    <Line key={i} tone="error">
      {l}
    </Line>
  ));
}

/** Columns of the apps table. */
const COLS = { cpu: 5, mem: 6, status: 9, run: 7, health: 9 };

/** Props of {@link AppsPanel}. */
export interface AppsPanelProps {
  site: SiteWatchState;
  width: number;
  /** Rows for apps (the table header comes on top). */
  rows: number;
  focused: boolean;
  selected: number;
}

/** The Marathon apps of a site as Marathon's web UI shows them: name, CPU, memory, status, instances, health. */
export function AppsPanel({ site, width, rows, focused, selected }: AppsPanelProps) {
  const theme = useTheme();
  const inner = width - 4;
  const part = site.marathon;
  const apps = part.value?.apps ?? [];
  const staleError = part.value && part.error ? part.error : undefined;
  const title = `Apps · ${site.site} ${site.groupId}`;
  const nameWidth = Math.max(
    8,
    inner - 2 - COLS.cpu - COLS.mem - COLS.status - COLS.run - COLS.health - 5 /* gaps */,
  );
  const placeholder = partPlaceholder(part, inner, rows + 1, "Marathon");
  const visible = Math.max(1, rows - (staleError ? 1 : 0));
  const start = Math.min(Math.max(0, selected - visible + 1), Math.max(0, apps.length - visible));
  return (
    <Panel title={title} width={width} lines={rows + 1} focused={focused}>
      {placeholder ?? (
        <>
          <Line bold>
            {`  ${cell("APP", nameWidth)} ${cell("CPU", COLS.cpu, "right")} ${cell("MEM", COLS.mem, "right")} ${cell("STATUS", COLS.status)} ${cell("RUNNING", COLS.run, "right")} ${cell("HEALTH", COLS.health)}`}
          </Line>
          {staleError && <Line tone="error">{`unavailable (showing the last read): ${staleError}`}</Line>}
          {apps.length === 0 && <Line tone="muted">no apps: the cluster is not applied at this site</Line>}
          {apps.slice(start, start + visible).map((app, i) => {
            const index = start + i;
            const isSelected = focused && index === selected;
            const health =
              app.health === "unhealthy"
                ? `${app.unhealthy} unhealthy`
                : app.health === "none"
                  ? "—"
                  : app.health;
            return (
              <Text key={app.id} wrap="truncate-end" inverse={isSelected}>
                {isSelected ? "› " : "  "}
                {cell(shortApp(app.id, site.groupId), nameWidth)} {cell(num(app.cpus), COLS.cpu, "right")}{" "}
                {cell(num(app.mem), COLS.mem, "right")}{" "}
                <Text color={theme.color(STATUS_TONE[app.status])}>{cell(app.status, COLS.status)}</Text>{" "}
                {cell(`${app.running}/${app.instances}`, COLS.run, "right")}{" "}
                <Text color={theme.color(HEALTH_TONE[app.health])}>{cell(health, COLS.health)}</Text>
              </Text>
            );
          })}
        </>
      )}
    </Panel>
  );
}

/** Props of {@link DeploymentsPanel}. */
export interface DeploymentsPanelProps {
  site: SiteWatchState;
  width: number;
  lines: number;
  focused: boolean;
  offset: number;
}

/** Deployments in flight touching the site's group, with their current step and actions. */
export function DeploymentsPanel({ site, width, lines, focused, offset }: DeploymentsPanelProps) {
  const deployments = site.marathon.value?.deployments ?? [];
  const inner = width - 4;
  const placeholder = partPlaceholder(site.marathon, inner, lines, "");
  const start = Math.min(offset, Math.max(0, deployments.length - lines));
  return (
    <Panel title={`Deployments (${deployments.length})`} width={width} lines={lines} focused={focused}>
      {placeholder ??
        (deployments.length === 0 ? (
          <Line tone="muted">none in flight</Line>
        ) : (
          deployments.slice(start, start + lines).map((d) => (
            <Line key={d.id} tone="warn">
              {`${d.id.slice(0, 8)} step ${d.currentStep}/${d.totalSteps}  ${d.actions.map((a) => a.replace(`${site.groupId}/`, "")).join(", ")}`}
            </Line>
          ))
        ))}
    </Panel>
  );
}

/** Props of {@link MesosPanel}. */
export interface MesosPanelProps {
  site: SiteWatchState;
  width: number;
  focused: boolean;
}

/** The site's Mesos agents and their free resources. */
export function MesosPanel({ site, width, focused }: MesosPanelProps) {
  const inner = width - 4;
  const part = site.mesos;
  const stream = site.mesosStream?.state === "live" ? "" : " (polled)";
  let body: ReactNode;
  if (!part) body = <Line tone="muted">no Mesos master in the cluster file</Line>;
  else
    body = partPlaceholder(part, inner, RESOURCE_LINES, "") ?? (
      <>
        <Line>
          {part.value?.agents ?? 0} agents{part.error ? "" : stream}
        </Line>
        {part.error && <Line tone="error">{truncate(`stale: ${part.error}`, inner)}</Line>}
        {(["cpus", "mem", "disk"] as const).slice(0, part.error ? 2 : 3).map((k) => {
          const free = part.value?.free[k] ?? 0;
          const total = part.value?.total[k] ?? 0;
          const fmt = k === "cpus" ? num : mib;
          return (
            <Line key={k} tone={total > 0 && free / total < 0.1 ? "warn" : undefined}>
              {`${k.padEnd(5)}${fmt(free)} free of ${fmt(total)}`}
            </Line>
          );
        })}
      </>
    );
  return (
    <Panel title={`Mesos · ${site.site}`} width={width} lines={RESOURCE_LINES} focused={focused}>
      {body}
    </Panel>
  );
}

/** The result of the last sample job submission. */
export interface SampleState {
  state: "running" | "ok" | "error";
  message: string;
}

/** Props of {@link HTCondorPanel}. */
export interface HTCondorPanelProps {
  site: SiteWatchState;
  pool: ClusterWatchState["htcondor"];
  width: number;
  focused: boolean;
  sample?: SampleState | undefined;
}

/** HTCondor at the site: executors, slots by state, jobs idle/running/held; and the last sample job. */
export function HTCondorPanel({ site, pool, width, focused, sample }: HTCondorPanelProps) {
  const inner = width - 4;
  const sampleLines = sample ? (sample.state === "error" ? 2 : 1) : 0;
  const part = site.htcondor;
  const room = RESOURCE_LINES - sampleLines;
  const jobs = part.value?.jobs ?? {};
  const held = jobs.held ?? 0;
  let body: ReactNode = partPlaceholder(part, inner, room, "HTCondor");
  if (!body) {
    body = [
      <Line key="exec">
        {`${part.value?.executors ?? 0} executors${pool.value ? ` · HTCondor ${pool.value.version}` : ""}`}
      </Line>,
      <Line key="slots">{`slots ${counts(part.value?.slots ?? {})}`}</Line>,
      <Line key="jobs" tone={held > 0 ? "warn" : undefined}>
        {`jobs ${jobs.idle ?? 0} idle · ${jobs.running ?? 0} running · ${held} held`}
      </Line>,
      part.error ? (
        <Line key="stale" tone="error">
          {`stale: ${part.error}`}
        </Line>
      ) : null,
    ]
      .filter(Boolean)
      .slice(0, room);
  }
  return (
    <Panel title={`HTCondor · ${site.site}`} width={width} lines={RESOURCE_LINES} focused={focused}>
      {body}
      {sample &&
        wrapLines(
          sample.state === "running"
            ? "sample job: submitting…"
            : sample.state === "ok"
              ? `sample job: ${sample.message}`
              : `sample job failed: ${sample.message}`,
          inner,
          sampleLines,
        ).map((l) => (
          <Line key={l} tone={sample.state === "error" ? "error" : sample.state === "ok" ? "ok" : "muted"}>
            {l}
          </Line>
        ))}
    </Panel>
  );
}

/** Props of {@link EventLog}. */
export interface EventLogProps {
  events: readonly WatchEvent[];
  width: number;
  lines: number;
  focused: boolean;
  /** Entries scrolled back from the newest (0: follow the newest). */
  scroll: number;
  /** Show each entry's site (more than one site). */
  showSite: boolean;
}

/** The newest events (Marathon, Mesos, the watcher and the dashboard's own actions), newest last. */
export function EventLog({ events, width, lines, focused, scroll, showSite }: EventLogProps) {
  const end = Math.max(0, events.length - scroll);
  const shown = events.slice(Math.max(0, end - lines), end);
  const title = scroll > 0 ? `Events (${scroll} newer below)` : `Events`;
  return (
    <Panel title={title} width={width} lines={lines} focused={focused}>
      {shown.length === 0 && <Line tone="muted">no events yet</Line>}
      {shown.map((e) => (
        <Line key={e.seq} tone={LEVEL_TONE[e.level]}>
          {`${clock(e.at)} ${showSite && e.site ? `${e.site} ` : ""}${e.message}`}
        </Line>
      ))}
    </Panel>
  );
}
