/**
 * Watching a cluster: the parts of {@link ClusterStatus} kept up to date, and a log of what happened, for live views
 * (the TUI's dashboard). Each site follows its Marathon event stream (and its Mesos master's operator `SUBSCRIBE`)
 * and re-reads its own parts shortly after events arrive; polling every `intervalMs` is the fallback for quiet or
 * broken streams. Every part (a site's Marathon, a site's Mesos, the HTCondor pool) is read on its own: a slow or
 * unreachable one is shown as loading or failed and never delays another. Nothing here throws once started.
 */
import { CondorToolError } from "../htcondor/pool/tools.js";
import type { EventStreamItem } from "../marathon/events.js";
import type { MarathonEvent } from "../marathon/schemas/index.js";
import type { OperatorStreamItem } from "../mesos/operator.js";
import type { PoolConnection, SiteClients } from "./connect.js";
import type { RenderedCluster, RenderedSite } from "./render.js";
import {
  type AppStatusRow,
  type ClusterStatus,
  clusterStatus,
  type DeploymentStatus,
  type MesosResources,
  mesosResources,
  type SiteStatus,
} from "./status.js";

/** What {@link watchCluster} needs of a cluster: a {@link ClusterClient} has it all. */
export interface WatchableCluster {
  readonly rendered: RenderedCluster;
  readonly sites: ReadonlyMap<string, SiteClients>;
  /** bsaas's HTCondor client of the pool; rejects when HTCondor's tools are not available here. */
  pool(): Promise<PoolConnection>;
}

/**
 * One part of the status as last read. Loading: no `value` and no `error` yet. A failed read keeps the last
 * good `value` (stale) next to its `error`; the next successful read clears the error.
 */
export interface WatchPart<T> {
  value?: T;
  /** Why the last read failed (first line of the error). */
  error?: string;
  /** When the last read ended (ms since the epoch). */
  updatedAt?: number;
  /** A read is in flight. */
  loading: boolean;
}

/** Marathon's view of a site: the cluster's apps (with tasks) and the deployments touching its group. */
export interface MarathonPart {
  apps: AppStatusRow[];
  deployments: DeploymentStatus[];
}

/** The site's Mesos agents and their resources. */
export interface MesosPart {
  agents: number;
  total: MesosResources;
  free: MesosResources;
}

/** HTCondor as seen from one site: its executors, their slots by state, the jobs queued at its submitters. */
export type SiteHTCondorPart = NonNullable<SiteStatus["htcondor"]>;

/** The pool as a whole: version, schedds, jobs and slots by state. */
export type PoolPart = Extract<ClusterStatus["htcondor"], { ok: true }>;

/** The state of an event stream: `connecting`, `live`, or `down` (polling only) with why. */
export interface StreamState {
  state: "connecting" | "live" | "down";
  error?: string;
}

/** Everything watched of one site. */
export interface SiteWatchState {
  site: string;
  groupId: string;
  marathon: WatchPart<MarathonPart>;
  /** Absent when the site names no Mesos master. */
  mesos?: WatchPart<MesosPart>;
  htcondor: WatchPart<SiteHTCondorPart>;
  /** Marathon's `/v2/events` stream of this site. */
  marathonStream: StreamState;
  /** The Mesos master's operator stream (absent without a Mesos master, or when not followed). */
  mesosStream?: StreamState;
}

/** An entry of the event log. */
export interface WatchEvent {
  /** Increases by one per entry (a stable key for lists). */
  seq: number;
  at: number;
  site?: string;
  /** Where it came from: a Marathon or Mesos event, the watcher itself, or the program using it ({@link ClusterWatch.log}). */
  source: "marathon" | "mesos" | "watch" | "user";
  /** The Marathon event type, the Mesos event type, or a word of the watcher (`refresh`, `stream`). */
  type: string;
  level: "info" | "warn" | "error";
  message: string;
}

/** What a watch knows: per site, per part, and the event log (oldest first). */
export interface ClusterWatchState {
  cluster: string;
  collector: string;
  sites: SiteWatchState[];
  /** The HTCondor pool (needs HTCondor's tools on this machine). */
  htcondor: WatchPart<PoolPart>;
  events: WatchEvent[];
  /** Increases on every change. */
  version: number;
}

/** Options of {@link watchCluster}. */
export interface WatchOptions {
  /** Polling period of every part, whatever the streams say (default 5000 ms). */
  intervalMs?: number;
  /** How long after an event a part is re-read; events in between are read together (default 250 ms). */
  debounceMs?: number;
  /** Stops the watch (like {@link ClusterWatch.close}). */
  signal?: AbortSignal;
  /** Entries kept in the event log (default 500). */
  maxEvents?: number;
  /** Follow each site's Marathon event stream (default true; false: polling only). */
  marathonEvents?: boolean;
  /** Follow each site's Mesos operator stream for agents and tasks (default true). */
  mesosEvents?: boolean;
}

/** Marathon event types the watch asks for. */
export const WATCHED_MARATHON_EVENTS = [
  "event_stream_attached",
  "api_post_event",
  "status_update_event",
  "instance_changed_event",
  "instance_health_changed_event",
  "health_status_changed_event",
  "failed_health_check_event",
  "unhealthy_instance_kill_event",
  "unhealthy_task_kill_event",
  "app_terminated_event",
  "group_change_success",
  "group_change_failed",
  "deployment_info",
  "deployment_step_success",
  "deployment_step_failure",
  "deployment_success",
  "deployment_failed",
  "scheduler_registered_event",
  "scheduler_reregistered_event",
  "scheduler_disconnected_event",
] as const;

/**
 * An error in one line: its message's first line; for an HTCondor tool, the tool and what it said went wrong (the
 * message's first line is the whole command line, which says little on a small screen).
 */
export function errorSummary(error: unknown): string {
  if (error instanceof CondorToolError) {
    const said = `${error.stderr}\n${error.stdout}`
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean);
    const last = said.find((l) => /error|couldn't|can't|cannot|fail|refused|denied/i.test(l)) ?? said.at(-1);
    if (last) return `${error.tool}: ${last}`;
  }
  return (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
}

/** Re-reads a part: at most one read at a time, soon after requests, else every interval. */
class Refresher {
  private timer: NodeJS.Timeout | undefined;
  private due = Number.POSITIVE_INFINITY;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly read: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly debounceMs: number,
  ) {}

  /** Reads within `delayMs` (default: the debounce); sooner when a read is already due sooner. */
  request(delayMs = this.debounceMs): void {
    if (this.stopped) return;
    if (this.running) {
      if (delayMs < this.intervalMs) this.again = true;
      return;
    }
    const due = Date.now() + delayMs;
    if (this.timer && this.due <= due) return;
    clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => void this.run(), delayMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.due = Number.POSITIVE_INFINITY;
    if (this.stopped) return;
    this.running = true;
    try {
      await this.read();
    } catch {
      // Reads record their own errors.
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      this.request();
    } else this.request(this.intervalMs);
  }
}

/** `/bsaas/c/site/executors` → `executors` (ids outside the group stay whole). */
function shortApp(id: string, groupId: string): string {
  return id.startsWith(`${groupId}/`) ? id.slice(groupId.length + 1) : id;
}

/** `bsaas_c_site_executors.instance-2f1c…._app.1` → `executors.2f1c…` style: the app name and the id's tail. */
function shortTask(id: string): string {
  const m = /^(?:.*_)?([^_.]+)\.(?:instance-|marathon-)?([0-9a-f]{8})/.exec(id);
  return m ? `${m[1]}.${m[2]}` : id;
}

type Described = { message: string; level: WatchEvent["level"]; deployment?: string } | undefined;

function planApps(plan: { steps: unknown[] } | undefined): string[] {
  const out: string[] = [];
  for (const step of plan?.steps ?? []) {
    const actions =
      step && typeof step === "object" && "actions" in step && Array.isArray(step.actions)
        ? step.actions
        : [step];
    for (const a of actions as { app?: string; pod?: string }[]) {
      if (a?.app) out.push(a.app);
      if (a?.pod) out.push(a.pod);
    }
  }
  return out;
}

function actionsText(step: { actions: unknown[] }, groupId: string): string {
  return (step.actions as { action?: string; type?: string; app?: string; pod?: string }[])
    .map((a) => `${a.action ?? a.type ?? "?"} ${shortApp(a.app ?? a.pod ?? "", groupId)}`.trim())
    .join(", ");
}

/**
 * Whether a Marathon event concerns a site's group, and how to say it in the log (`message` empty: concerns it but
 * is not worth a line, such as `instance_changed_event`, which repeats the status update).
 */
export function describeMarathonEvent(
  event: MarathonEvent,
  groupId: string,
  knownDeployments: ReadonlySet<string> = new Set(),
): Described {
  const mine = (id: string | undefined) => !!id && (id === groupId || id.startsWith(`${groupId}/`));
  const app = (id: string) => shortApp(id, groupId);
  switch (event.eventType) {
    case "status_update_event": {
      if (!mine(event.appId)) return undefined;
      const state = event.taskStatus.replace(/^TASK_/, "");
      const bad = ["FAILED", "LOST", "ERROR", "DROPPED", "GONE", "UNREACHABLE"].includes(state);
      return {
        message: `${app(event.appId)}: task ${shortTask(event.taskId)} ${state} on ${event.host}${event.message && bad ? ` (${event.message})` : ""}`,
        level: bad ? "warn" : "info",
      };
    }
    case "instance_changed_event":
    case "instance_health_changed_event":
      return mine(event.runSpecId) ? { message: "", level: "info" } : undefined;
    case "health_status_changed_event":
      if (!mine(event.appId)) return undefined;
      return {
        message: `${app(event.appId)}: ${shortTask(event.instanceId ?? event.taskId ?? "?")} ${event.alive ? "healthy" : "unhealthy"}`,
        level: event.alive ? "info" : "warn",
      };
    case "failed_health_check_event":
      if (!mine(event.appId)) return undefined;
      return {
        message: `${app(event.appId)}: health check failed on ${shortTask(event.instanceId ?? event.taskId ?? "?")}`,
        level: "warn",
      };
    case "unhealthy_instance_kill_event":
    case "unhealthy_task_kill_event":
      if (!mine(event.appId)) return undefined;
      return {
        message: `${app(event.appId)}: killed unhealthy ${shortTask(event.taskId)}: ${event.reason}`,
        level: "warn",
      };
    case "app_terminated_event":
      return mine(event.appId) ? { message: `${app(event.appId)}: terminated`, level: "info" } : undefined;
    case "api_post_event":
      return mine(event.appDefinition.id)
        ? { message: `${app(event.appDefinition.id)}: changed through the API`, level: "info" }
        : undefined;
    case "group_change_success":
      return mine(event.groupId)
        ? {
            message: `group ${event.groupId === groupId ? "" : `${app(event.groupId)} `}changed`,
            level: "info",
          }
        : undefined;
    case "group_change_failed":
      return mine(event.groupId)
        ? {
            message: `group ${event.groupId === groupId ? "" : `${app(event.groupId)} `}change failed${event.reason ? `: ${event.reason}` : ""}`,
            level: "error",
          }
        : undefined;
    case "deployment_info":
    case "deployment_step_success":
    case "deployment_step_failure": {
      if (!planApps(event.plan).some(mine)) return undefined;
      const steps = event.plan.steps;
      const current = JSON.stringify(event.currentStep);
      const index = steps.findIndex((s) => JSON.stringify(s) === current) + 1;
      const where = index > 0 ? `step ${index}/${steps.length}` : "step";
      const what = actionsText(event.currentStep, groupId);
      const id = event.plan.id.slice(0, 8);
      if (event.eventType === "deployment_info")
        return { message: `deployment ${id} ${where}: ${what}`, level: "info", deployment: event.plan.id };
      if (event.eventType === "deployment_step_success")
        return { message: `deployment ${id} ${where} done`, level: "info", deployment: event.plan.id };
      return {
        message: `deployment ${id} ${where} failed: ${what}`,
        level: "error",
        deployment: event.plan.id,
      };
    }
    case "deployment_success":
    case "deployment_failed": {
      if (!knownDeployments.has(event.id) && !planApps(event.plan).some(mine)) return undefined;
      const ok = event.eventType === "deployment_success";
      const reason = event.eventType === "deployment_failed" && event.reason ? `: ${event.reason}` : "";
      return {
        message: `deployment ${event.id.slice(0, 8)} ${ok ? "succeeded" : `failed${reason}`}`,
        level: ok ? "info" : "error",
        deployment: event.id,
      };
    }
    case "scheduler_registered_event":
    case "scheduler_reregistered_event":
      return { message: `Marathon registered with the Mesos master`, level: "info" };
    case "scheduler_disconnected_event":
      return { message: "Marathon lost its Mesos master", level: "warn" };
    default:
      return undefined;
  }
}

/**
 * A running watch of a cluster. Read {@link current}, {@link subscribe} to changes, or iterate it
 * (`for await (const state of watch)`: each step is the newest state; a slow consumer skips intermediate ones).
 */
export class ClusterWatch implements AsyncIterable<ClusterWatchState> {
  private state: ClusterWatchState;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<(state: ClusterWatchState) => void>();
  private readonly refreshers = new Map<string, { marathon: Refresher; mesos?: Refresher }>();
  private readonly pool: Refresher;
  private readonly deployments = new Map<string, Set<string>>();
  private readonly waiters = new Set<() => void>();
  private notifyQueued = false;
  private seq = 0;
  private readonly intervalMs: number;
  private readonly maxEvents: number;

  constructor(
    private readonly cluster: WatchableCluster,
    options: WatchOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.maxEvents = options.maxEvents ?? 500;
    const debounceMs = options.debounceMs ?? 250;
    const rendered = cluster.rendered;
    this.state = {
      cluster: rendered.cluster,
      collector: rendered.collector,
      htcondor: { loading: true },
      events: [],
      version: 0,
      sites: rendered.sites.map((site) => {
        const clients = cluster.sites.get(site.site);
        const follows = clients?.mesos && options.mesosEvents !== false;
        return {
          site: site.site,
          groupId: site.groupId,
          marathon: { loading: true },
          ...(clients?.mesos ? { mesos: { loading: true } } : {}),
          htcondor: { loading: true },
          marathonStream:
            options.marathonEvents === false
              ? { state: "down", error: "not followed: polling" }
              : { state: "connecting" },
          ...(follows ? { mesosStream: { state: "connecting" } } : {}),
        } satisfies SiteWatchState;
      }),
    };
    this.pool = new Refresher(() => this.readPool(), this.intervalMs, debounceMs);
    for (const site of rendered.sites) {
      const clients = cluster.sites.get(site.site);
      this.deployments.set(site.site, new Set());
      this.refreshers.set(site.site, {
        marathon: new Refresher(() => this.readMarathon(site, clients), this.intervalMs, debounceMs),
        ...(clients?.mesos
          ? { mesos: new Refresher(() => this.readMesos(site, clients), this.intervalMs, debounceMs) }
          : {}),
      });
    }
    if (options.signal?.aborted) {
      this.close();
      return;
    }
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
    for (const r of this.refreshers.values()) {
      r.marathon.request(0);
      r.mesos?.request(0);
    }
    this.pool.request(0);
    for (const site of rendered.sites) {
      const clients = cluster.sites.get(site.site);
      if (!clients) continue;
      if (options.marathonEvents !== false) void this.followMarathon(site, clients);
      if (clients.mesos && options.mesosEvents !== false) void this.followMesos(site, clients);
    }
  }

  /** The newest state. */
  get current(): ClusterWatchState {
    return this.state;
  }

  /** Whether {@link close} was called (or the signal fired). */
  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** Calls `listener` after changes (several changes in one tick: once). Returns the unsubscribe function. */
  subscribe = (listener: (state: ClusterWatchState) => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Re-reads a site's parts (all sites without `site`), and the pool, now. */
  refresh(site?: string): void {
    for (const [name, r] of this.refreshers) {
      if (site && site !== name) continue;
      r.marathon.request(0);
      r.mesos?.request(0);
    }
    this.pool.request(0);
  }

  /** Adds an entry of the program's own (`source: "user"`) to the event log. */
  log(
    message: string,
    options: {
      site?: string;
      level?: WatchEvent["level"];
      type?: string;
      source?: WatchEvent["source"];
    } = {},
  ): void {
    this.addEvent({
      source: options.source ?? "user",
      type: options.type ?? "action",
      level: options.level ?? "info",
      message,
      ...(options.site ? { site: options.site } : {}),
    });
  }

  /** Stops every stream and timer; the iteration ends. Reads in flight finish but change nothing. */
  close(): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort();
    this.pool.stop();
    for (const r of this.refreshers.values()) {
      r.marathon.stop();
      r.mesos?.stop();
    }
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ClusterWatchState> {
    let seen = -1;
    while (!this.closed) {
      if (this.state.version !== seen) {
        seen = this.state.version;
        yield this.state;
        continue;
      }
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  // --- state ------------------------------------------------------------------------------------------------------

  private update(change: (state: ClusterWatchState) => ClusterWatchState): void {
    if (this.closed) return;
    this.state = { ...change(this.state), version: this.state.version + 1 };
    for (const wake of this.waiters) wake();
    this.waiters.clear();
    if (this.notifyQueued) return;
    this.notifyQueued = true;
    queueMicrotask(() => {
      this.notifyQueued = false;
      if (this.closed) return;
      for (const listener of this.listeners) listener(this.state);
    });
  }

  private updateSite(name: string, change: (site: SiteWatchState) => SiteWatchState): void {
    this.update((s) => ({ ...s, sites: s.sites.map((site) => (site.site === name ? change(site) : site)) }));
  }

  private addEvent(event: Omit<WatchEvent, "seq" | "at">): void {
    const entry: WatchEvent = { seq: ++this.seq, at: Date.now(), ...event };
    this.update((s) => ({ ...s, events: [...s.events.slice(-(this.maxEvents - 1)), entry] }));
  }

  private static started<T>(part: WatchPart<T>): WatchPart<T> {
    return { ...part, loading: true };
  }

  private static succeeded<T>(value: T): WatchPart<T> {
    return { value, updatedAt: Date.now(), loading: false };
  }

  private static failed<T>(part: WatchPart<T>, error: string): WatchPart<T> {
    return {
      ...(part.value === undefined ? {} : { value: part.value }),
      error,
      updatedAt: Date.now(),
      loading: false,
    };
  }

  // --- reads ------------------------------------------------------------------------------------------------------

  private async readMarathon(site: RenderedSite, clients: SiteClients | undefined): Promise<void> {
    this.updateSite(site.site, (s) => ({ ...s, marathon: ClusterWatch.started(s.marathon) }));
    let part: SiteStatus["marathon"];
    if (!clients) part = { ok: false, error: "no connection" };
    else {
      // The SDK's status of this one site, without Mesos and HTCondor (read on their own).
      const status = await clusterStatus(
        { ...this.cluster.rendered, sites: [site] },
        new Map([[site.site, { site: clients.site, marathon: clients.marathon }]]),
        undefined,
      ).catch((error: unknown) => ({
        sites: [{ marathon: { ok: false as const, error: errorSummary(error) } }],
      }));
      part = status.sites[0]?.marathon ?? { ok: false, error: "no status" };
    }
    const previous = this.state.sites.find((s) => s.site === site.site)?.marathon;
    if (part.ok) {
      for (const d of part.deployments) this.deployments.get(site.site)?.add(d.id);
      const value: MarathonPart = { apps: part.apps, deployments: part.deployments };
      this.updateSite(site.site, (s) => ({ ...s, marathon: ClusterWatch.succeeded(value) }));
      if (previous?.error)
        this.addEvent({
          source: "watch",
          type: "refresh",
          site: site.site,
          level: "info",
          message: "Marathon answers again",
        });
    } else {
      const error = part.error;
      this.updateSite(site.site, (s) => ({ ...s, marathon: ClusterWatch.failed(s.marathon, error) }));
      if (previous?.error !== error)
        this.addEvent({
          source: "watch",
          type: "refresh",
          site: site.site,
          level: "error",
          message: `Marathon unavailable: ${error}`,
        });
    }
  }

  private async readMesos(site: RenderedSite, clients: SiteClients): Promise<void> {
    const mesos = clients.mesos;
    if (!mesos) return;
    this.updateSite(site.site, (s) => ({
      ...s,
      ...(s.mesos ? { mesos: ClusterWatch.started(s.mesos) } : {}),
    }));
    const previous = this.state.sites.find((s) => s.site === site.site)?.mesos;
    try {
      const value = mesosResources(await mesos.stateSummary(this.controller.signal));
      this.updateSite(site.site, (s) => ({ ...s, mesos: ClusterWatch.succeeded(value) }));
    } catch (error) {
      if (this.closed) return;
      const message = errorSummary(error);
      this.updateSite(site.site, (s) => ({
        ...s,
        mesos: ClusterWatch.failed(s.mesos ?? { loading: false }, message),
      }));
      if (previous?.error !== message)
        this.addEvent({
          source: "watch",
          type: "refresh",
          site: site.site,
          level: "error",
          message: `Mesos unavailable: ${message}`,
        });
    }
  }

  private async readPool(): Promise<void> {
    this.update((s) => ({
      ...s,
      htcondor: ClusterWatch.started(s.htcondor),
      sites: s.sites.map((site) => ({ ...site, htcondor: ClusterWatch.started(site.htcondor) })),
    }));
    const previous = this.state.htcondor.error;
    let status: ClusterStatus | { htcondor: { ok: false; error: string }; sites: SiteStatus[] };
    let toolError: unknown;
    try {
      const connection = await this.cluster.pool();
      // The status keeps only the first line of a failure, which for a tool is its command line: the first error of
      // the pool's own calls is kept here to say what the tool said instead.
      const pool = new Proxy(connection.pool, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            const result: unknown = value.apply(target, args);
            if (!(result instanceof Promise)) return result;
            return result.catch((error: unknown) => {
              toolError ??= error;
              throw error;
            });
          };
        },
      });
      // No site clients: only the pool is asked (the sites answer "no connection" at once, with their HTCondor part).
      status = await clusterStatus(this.cluster.rendered, new Map(), pool);
    } catch (error) {
      status = { htcondor: { ok: false, error: errorSummary(error) }, sites: [] };
    }
    if (!status.htcondor.ok && toolError)
      status = { ...status, htcondor: { ok: false, error: errorSummary(toolError) } };
    const pool = status.htcondor;
    if (pool.ok) {
      const bySite = new Map(status.sites.map((s) => [s.site, s.htcondor]));
      this.update((s) => ({
        ...s,
        htcondor: ClusterWatch.succeeded(pool),
        sites: s.sites.map((site) => ({
          ...site,
          htcondor: ClusterWatch.succeeded(bySite.get(site.site) ?? { executors: 0, slots: {}, jobs: {} }),
        })),
      }));
    } else {
      this.update((s) => ({
        ...s,
        htcondor: ClusterWatch.failed(s.htcondor, pool.error),
        sites: s.sites.map((site) => ({ ...site, htcondor: ClusterWatch.failed(site.htcondor, pool.error) })),
      }));
      if (previous !== pool.error)
        this.addEvent({
          source: "watch",
          type: "refresh",
          level: "warn",
          message: `HTCondor unavailable: ${pool.error}`,
        });
    }
  }

  // --- streams ----------------------------------------------------------------------------------------------------

  private setStream(site: string, key: "marathonStream" | "mesosStream", stream: StreamState): void {
    const now = this.state.sites.find((s) => s.site === site)?.[key];
    if (now?.state === stream.state && now.error === stream.error) return;
    this.updateSite(site, (s) => ({ ...s, [key]: stream }));
  }

  private async followMarathon(site: RenderedSite, clients: SiteClients): Promise<void> {
    const refreshers = this.refreshers.get(site.site);
    const known = this.deployments.get(site.site) ?? new Set<string>();
    try {
      const stream: AsyncIterable<EventStreamItem> = clients.marathon.events({
        eventTypes: WATCHED_MARATHON_EVENTS,
        signal: this.controller.signal,
      });
      for await (const item of stream) {
        if (this.closed) return;
        if (item.kind === "reconnected") {
          this.setStream(site.site, "marathonStream", { state: "live" });
          this.addEvent({
            source: "watch",
            type: "stream",
            site: site.site,
            level: "warn",
            message: `Marathon event stream back after ${(item.downMs / 1000).toFixed(1)}s; re-reading`,
          });
          this.refresh(site.site);
          continue;
        }
        if (item.kind !== "event") continue;
        this.setStream(site.site, "marathonStream", { state: "live" });
        const event = item.event;
        if (event.eventType === "event_stream_attached") continue;
        const described = describeMarathonEvent(event, site.groupId, known);
        if (!described) continue;
        if (described.deployment) known.add(described.deployment);
        if (described.message)
          this.addEvent({
            source: "marathon",
            type: event.eventType,
            site: site.site,
            level: described.level,
            message: described.message,
          });
        refreshers?.marathon.request();
        if (event.eventType === "status_update_event") {
          // Resources on the agents changed; a new or gone executor shows in the pool a little later.
          refreshers?.mesos?.request();
          this.pool.request(1000);
        }
      }
      if (!this.closed)
        this.setStream(site.site, "marathonStream", { state: "down", error: "the stream ended" });
    } catch (error) {
      if (this.closed) return;
      const message = errorSummary(error);
      this.setStream(site.site, "marathonStream", { state: "down", error: message });
      this.addEvent({
        source: "watch",
        type: "stream",
        site: site.site,
        level: "warn",
        message: `Marathon event stream unavailable (${message}); polling every ${this.intervalMs >= 1000 ? `${Math.round(this.intervalMs / 1000)}s` : `${this.intervalMs}ms`}`,
      });
    }
  }

  private async followMesos(site: RenderedSite, clients: SiteClients): Promise<void> {
    const mesos = clients.mesos;
    if (!mesos) return;
    const refresher = this.refreshers.get(site.site)?.mesos;
    try {
      const stream: AsyncIterable<OperatorStreamItem> = mesos.subscribe({ signal: this.controller.signal });
      for await (const item of stream) {
        if (this.closed) return;
        if (item.kind === "reconnected") {
          this.setStream(site.site, "mesosStream", { state: "live" });
          refresher?.request(0);
          continue;
        }
        if (item.kind !== "event") continue;
        this.setStream(site.site, "mesosStream", { state: "live" });
        const event = item.event;
        switch (event.type) {
          case "AGENT_ADDED":
          case "AGENT_REMOVED": {
            const agent =
              event.type === "AGENT_ADDED"
                ? (event.agent_added.agent.agent_info?.hostname ??
                  event.agent_added.agent.agent_info?.id?.value)
                : event.agent_removed.agent_id.value;
            this.addEvent({
              source: "mesos",
              type: event.type,
              site: site.site,
              level: event.type === "AGENT_ADDED" ? "info" : "warn",
              message: `Mesos agent ${agent ?? "?"} ${event.type === "AGENT_ADDED" ? "added" : "removed"}`,
            });
            refresher?.request();
            break;
          }
          case "TASK_ADDED":
          case "TASK_UPDATED":
            refresher?.request();
            break;
          default:
            break;
        }
      }
      if (!this.closed)
        this.setStream(site.site, "mesosStream", { state: "down", error: "the stream ended" });
    } catch (error) {
      if (this.closed) return;
      this.setStream(site.site, "mesosStream", { state: "down", error: errorSummary(error) });
    }
  }
}

/**
 * Starts watching a cluster (see the module documentation). Stop it with {@link ClusterWatch.close} or the signal.
 *
 * @example
 * const watch = watchCluster(client, { intervalMs: 5000 });
 * const stop = watch.subscribe((state) => draw(state));
 * // ...
 * stop();
 * watch.close();
 */
export function watchCluster(cluster: WatchableCluster, options: WatchOptions = {}): ClusterWatch {
  return new ClusterWatch(cluster, options);
}
