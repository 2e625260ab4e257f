import type { AppStatusRow, ClusterWatchState, SiteWatchState, WatchEvent } from "@bsaas/sdk/cluster";
import type { App } from "@bsaas/sdk/marathon";
import type { DashboardActions, WatchSource } from "../src/index.js";

export const groupId = "/bsaas/demo/local";

export function appRow(name: string, instances: number, extra: Partial<AppStatusRow> = {}): AppStatusRow {
  return {
    id: `${groupId}/${name}`,
    cpus: name === "executors" ? 1 : 0.5,
    mem: name === "executors" ? 1024 : 512,
    status: "Running",
    running: instances,
    instances,
    healthy: instances,
    unhealthy: 0,
    health: "healthy",
    ...(name === "executors" ? { role: "execute" } : {}),
    tasks: [],
    ...extra,
  };
}

export function siteState(name = "local", extra: Partial<SiteWatchState> = {}): SiteWatchState {
  const now = Date.now();
  return {
    site: name,
    groupId: `/bsaas/demo/${name}`,
    marathon: {
      loading: false,
      updatedAt: now,
      value: {
        apps: [appRow("central-manager", 1), appRow("executors", 3), appRow("submit", 1)].map((a) => ({
          ...a,
          id: a.id.replace(groupId, `/bsaas/demo/${name}`),
        })),
        deployments: [],
      },
    },
    mesos: {
      loading: false,
      updatedAt: now,
      value: {
        agents: 3,
        total: { cpus: 12, mem: 24576, disk: 60000 },
        free: { cpus: 8, mem: 20480, disk: 50000 },
      },
    },
    htcondor: { loading: false, updatedAt: now, error: "no HTCondor found (test)" },
    marathonStream: { state: "live" },
    mesosStream: { state: "live" },
    ...extra,
  };
}

export function clusterState(extra: Partial<ClusterWatchState> = {}): ClusterWatchState {
  return {
    cluster: "demo",
    collector: "127.0.0.1:9618",
    sites: [siteState()],
    htcondor: { loading: false, error: "no HTCondor found (test)" },
    events: [],
    version: 1,
    ...extra,
  };
}

/** A watch the test drives: `set` replaces the state; `log` and `refresh` are recorded. */
export class FakeWatch implements WatchSource {
  current: ClusterWatchState;
  readonly listeners = new Set<(s: ClusterWatchState) => void>();
  refreshes: (string | undefined)[] = [];
  private seq = 0;

  constructor(state: ClusterWatchState = clusterState()) {
    this.current = state;
  }

  subscribe = (listener: (s: ClusterWatchState) => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  set(change: Partial<ClusterWatchState>): void {
    this.current = { ...this.current, ...change, version: this.current.version + 1 };
    for (const l of this.listeners) l(this.current);
  }

  log(message: string, options: { site?: string; level?: WatchEvent["level"] } = {}): void {
    const event: WatchEvent = {
      seq: ++this.seq,
      at: Date.now(),
      source: "user",
      type: "action",
      level: options.level ?? "info",
      message,
      ...(options.site ? { site: options.site } : {}),
    };
    this.set({ events: [...this.current.events, event] });
  }

  refresh(site?: string): void {
    this.refreshes.push(site);
  }
}

/** Actions that record their calls; each can be replaced. */
export function fakeActions(overrides: Partial<DashboardActions> = {}) {
  const calls: { scale: [string, number][]; sample: number; details: [string, string][] } = {
    scale: [],
    sample: 0,
    details: [],
  };
  const actions: DashboardActions = {
    async scale(site, executors, { onProgress }) {
      calls.scale.push([site, executors]);
      onProgress(`scaling up 3 -> ${executors} (deployment 1234)`);
      return `scaled ${site} 3 → ${executors} executor(s) in 0.1s`;
    },
    async submitSample() {
      calls.sample++;
      throw new Error("HTCondor unavailable: no HTCondor found (test)");
    },
    async appDetails(site, appId) {
      calls.details.push([site, appId]);
      return sampleApp(appId);
    },
    ...overrides,
  };
  return { actions, calls };
}

export function sampleApp(id: string): App {
  return {
    id,
    cmd: "condor_master -f",
    cpus: 1,
    mem: 1024,
    disk: 2048,
    instances: 2,
    tasksRunning: 2,
    tasksHealthy: 1,
    tasksUnhealthy: 1,
    version: "2024-01-02T03:04:05.000Z",
    labels: { "bsaas.role": "execute", "bsaas.site": "local" },
    constraints: [["hostname", "UNIQUE"]],
    healthChecks: [
      {
        protocol: "COMMAND",
        command: { value: "condor_who" },
        intervalSeconds: 10,
        timeoutSeconds: 5,
        gracePeriodSeconds: 60,
        maxConsecutiveFailures: 3,
      },
    ],
    tasks: [
      {
        id: "bsaas_demo_local_executors.instance-0123abcd-0000-0000-0000-000000000000._app.1",
        appId: id,
        host: "127.0.0.1",
        state: "TASK_RUNNING",
        ports: [31001],
        healthCheckResults: [{ alive: true, consecutiveFailures: 0 }],
      },
      {
        id: "bsaas_demo_local_executors.instance-89abcdef-0000-0000-0000-000000000000._app.1",
        appId: id,
        host: "127.0.0.2",
        state: "TASK_RUNNING",
        ports: [31002],
        healthCheckResults: [{ alive: false, consecutiveFailures: 2, lastFailureCause: "exit 1" }],
      },
    ],
  } as App;
}

/** Waits until the last frame satisfies `check` (the dashboard renders asynchronously after input). */
export async function frameWhere(
  lastFrame: () => string | undefined,
  check: (frame: string) => boolean,
  timeoutMs = 3000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame = lastFrame() ?? "";
    if (check(frame)) return frame;
    if (Date.now() > deadline) throw new Error(`frame never matched; last frame:\n${frame}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const KEY = {
  up: "\u001B[A",
  down: "\u001B[B",
  right: "\u001B[C",
  left: "\u001B[D",
  enter: "\r",
  escape: "\u001B",
  tab: "\t",
  shiftTab: "\u001B[Z",
};
