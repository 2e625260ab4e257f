import { describe, expect, it, vi } from "vitest";
import { CondorToolError } from "../htcondor/pool/tools.js";
import type { EventStreamItem } from "../marathon/events.js";
import type { MarathonEvent } from "../marathon/schemas/index.js";
import type { PoolConnection, SiteClients } from "./connect.js";
import type { RenderedCluster } from "./render.js";
import {
  type ClusterWatchState,
  describeMarathonEvent,
  type WatchableCluster,
  watchCluster,
} from "./watch.js";

/** An async iterable the test pushes into; it ends when the signal fires. */
class Pushable<T> implements AsyncIterable<T> {
  private items: T[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private error: unknown;

  constructor(signal?: AbortSignal) {
    signal?.addEventListener("abort", () => this.end());
  }

  push(item: T): void {
    this.items.push(item);
    this.wake?.();
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  fail(error: unknown): void {
    this.error = error;
    this.end();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      while (this.items.length > 0) yield this.items.shift() as T;
      if (this.ended) {
        if (this.error) throw this.error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}

interface FakeSite {
  name: string;
  apps: { id: string; instances: number; tasksRunning: number }[];
  /** Replaces getGroup (to hang or fail). */
  getGroup?: () => Promise<unknown>;
  /** events() throws this at once (a Marathon without the stream). */
  eventsError?: Error;
  mesos?: boolean;
  reads: number;
  mesosReads: number;
  stream?: Pushable<EventStreamItem>;
}

function fakeSite(name: string, extra: Partial<FakeSite> = {}): FakeSite {
  return {
    name,
    apps: [
      { id: `/bsaas/c/${name}/central-manager`, instances: 1, tasksRunning: 1 },
      { id: `/bsaas/c/${name}/executors`, instances: 3, tasksRunning: 3 },
    ],
    reads: 0,
    mesosReads: 0,
    ...extra,
  };
}

function fakeCluster(sites: FakeSite[], pool?: () => Promise<PoolConnection>): WatchableCluster {
  const rendered = {
    cluster: "c",
    collector: "127.0.0.1:9618",
    submitterSites: {},
    sites: sites.map((s) => ({ site: s.name, groupId: `/bsaas/c/${s.name}`, apps: [], group: {} })),
  } as unknown as RenderedCluster;
  const clients = new Map<string, SiteClients>(
    sites.map((s) => {
      const marathon = {
        getGroup: async (id: string) => {
          s.reads++;
          if (s.getGroup) return s.getGroup();
          return { id, apps: s.apps.map((a) => ({ ...a, cpus: 1, mem: 128 })) };
        },
        listDeployments: async () => [],
        events: (options: { signal?: AbortSignal }) => {
          if (s.eventsError) {
            const error = s.eventsError;
            return {
              [Symbol.asyncIterator]: () => ({
                next: () => Promise.reject(error),
              }),
            };
          }
          s.stream = new Pushable<EventStreamItem>(options.signal);
          return s.stream;
        },
      };
      const mesos = {
        stateSummary: async () => {
          s.mesosReads++;
          return {
            slaves: [
              {
                resources: { cpus: 4, mem: 8192, disk: 1000 },
                used_resources: { cpus: 1, mem: 1024, disk: 0 },
              },
              { resources: { cpus: 4, mem: 8192, disk: 1000 }, used_resources: { cpus: 0, mem: 0, disk: 0 } },
            ],
          };
        },
        subscribe: (options: { signal?: AbortSignal }) => new Pushable(options.signal),
      };
      return [
        s.name,
        {
          site: { name: s.name },
          marathon,
          ...(s.mesos ? { mesos } : {}),
        } as unknown as SiteClients,
      ];
    }),
  );
  return {
    rendered,
    sites: clients,
    pool: pool ?? (() => Promise.reject(new Error("no HTCondor found (test)\nsecond line"))),
  };
}

const event = (e: Record<string, unknown>): EventStreamItem => ({
  kind: "event",
  event: { timestamp: "2024-01-01T00:00:00.000Z", ...e } as MarathonEvent,
});

const site = (state: ClusterWatchState, name: string) => {
  const found = state.sites.find((s) => s.site === name);
  if (!found) throw new Error(`no site ${name}`);
  return found;
};

describe("watchCluster", () => {
  it("reads each site on its own: a hanging Marathon stays loading while another site is shown", async () => {
    const slow = fakeSite("slow", { getGroup: () => new Promise(() => {}) });
    const fast = fakeSite("fast", { mesos: true });
    const watch = watchCluster(fakeCluster([slow, fast]), { intervalMs: 60_000 });
    try {
      expect(site(watch.current, "fast").marathon).toEqual({ loading: true });
      await vi.waitFor(() => expect(site(watch.current, "fast").marathon.value).toBeDefined());
      const state = watch.current;
      expect(site(state, "fast").marathon.value?.apps.map((a) => [a.id, a.running, a.instances])).toEqual([
        ["/bsaas/c/fast/central-manager", 1, 1],
        ["/bsaas/c/fast/executors", 3, 3],
      ]);
      await vi.waitFor(() => expect(site(watch.current, "fast").mesos?.value).toBeDefined());
      expect(site(watch.current, "fast").mesos?.value).toEqual({
        agents: 2,
        total: { cpus: 8, mem: 16384, disk: 2000 },
        free: { cpus: 7, mem: 15360, disk: 2000 },
      });
      expect(site(watch.current, "slow").marathon).toEqual({ loading: true });
      expect(site(watch.current, "slow").mesos).toBeUndefined(); // no Mesos master named
    } finally {
      watch.close();
    }
  });

  it("HTCondor unavailable is the pool's and every site's error, not an exception", async () => {
    const watch = watchCluster(fakeCluster([fakeSite("a")]), { intervalMs: 60_000 });
    try {
      await vi.waitFor(() => expect(watch.current.htcondor.error).toBeDefined());
      expect(watch.current.htcondor).toMatchObject({ loading: false, error: "no HTCondor found (test)" });
      expect(site(watch.current, "a").htcondor.error).toBe("no HTCondor found (test)");
      expect(watch.current.events.map((e) => e.message)).toContain(
        "HTCondor unavailable: no HTCondor found (test)",
      );
    } finally {
      watch.close();
    }
  });

  it("reads the pool: its version, schedds, and per site the executors and slots by state", async () => {
    const condor = {
      version: async () => "23.0.6",
      schedds: async () => [],
      slots: async () => [
        { site: "a", startdName: "t1@h1", state: "Claimed" },
        { site: "a", startdName: "t1@h1", state: "Unclaimed" },
        { site: "a", startdName: "t2@h2", state: "Unclaimed" },
        { site: "b", startdName: "t3@h3", state: "Unclaimed" },
      ],
    };
    const watch = watchCluster(
      fakeCluster(
        [fakeSite("a"), fakeSite("b")],
        async () => ({ pool: condor }) as unknown as PoolConnection,
      ),
      { intervalMs: 60_000, marathonEvents: false },
    );
    try {
      await vi.waitFor(() => expect(watch.current.htcondor.value).toBeDefined());
      expect(watch.current.htcondor.value).toMatchObject({ version: "23.0.6", schedds: [] });
      expect(site(watch.current, "a").htcondor.value).toEqual({
        executors: 2,
        slots: { Claimed: 1, Unclaimed: 2 },
        jobs: {},
      });
      expect(site(watch.current, "b").htcondor.value).toMatchObject({ executors: 1 });
    } finally {
      watch.close();
    }
  });

  it("says what an HTCondor tool said, not its command line", async () => {
    const failing = new CondorToolError(
      { tool: "condor_status", args: ["-json", "-pool", "127.0.0.1:9618", "-schedd"] },
      {
        exitCode: 1,
        stdout: "",
        stderr: "\nError: Couldn't contact the condor_collector on 127.0.0.1:9618.\n\nExtra Info: ...\n",
        reason: "exited with status 1",
        via: "local",
      },
    );
    const condor = {
      version: async () => "23.0.6",
      schedds: () => Promise.reject(failing),
      slots: async () => [],
    };
    const watch = watchCluster(
      fakeCluster([fakeSite("a")], async () => ({ pool: condor }) as unknown as PoolConnection),
      { intervalMs: 60_000, marathonEvents: false },
    );
    try {
      await vi.waitFor(() => expect(watch.current.htcondor.error).toBeDefined());
      expect(watch.current.htcondor.error).toBe(
        "condor_status: Error: Couldn't contact the condor_collector on 127.0.0.1:9618.",
      );
    } finally {
      watch.close();
    }
  });

  it("refreshes a site soon after its events (a burst: one read) and logs them; other groups are ignored", async () => {
    const a = fakeSite("a");
    const b = fakeSite("b");
    const watch = watchCluster(fakeCluster([a, b]), { intervalMs: 60_000, debounceMs: 30 });
    try {
      await vi.waitFor(() => expect(site(watch.current, "a").marathon.value).toBeDefined());
      await vi.waitFor(() => expect(a.stream).toBeDefined());
      a.stream?.push(event({ eventType: "event_stream_attached", remoteAddress: "127.0.0.1" }));
      await vi.waitFor(() => expect(site(watch.current, "a").marathonStream.state).toBe("live"));
      const [readsA, readsB] = [a.reads, b.reads];
      a.apps[1] = { id: "/bsaas/c/a/executors", instances: 4, tasksRunning: 4 };
      for (const status of ["TASK_STAGING", "TASK_RUNNING"])
        a.stream?.push(
          event({
            eventType: "status_update_event",
            slaveId: "s1",
            taskId: "bsaas_c_a_executors.instance-0123abcd-0000._app.1",
            taskStatus: status,
            appId: "/bsaas/c/a/executors",
            host: "10.0.0.7",
          }),
        );
      a.stream?.push(
        event({
          eventType: "status_update_event",
          slaveId: "s1",
          taskId: "other.1",
          taskStatus: "TASK_RUNNING",
          appId: "/someone/else",
          host: "10.0.0.8",
        }),
      );
      await vi.waitFor(() =>
        expect(site(watch.current, "a").marathon.value?.apps[1]).toMatchObject({ running: 4, instances: 4 }),
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(a.reads - readsA).toBe(1);
      expect(b.reads).toBe(readsB);
      const logged = watch.current.events.filter((e) => e.source === "marathon");
      expect(logged.map((e) => [e.site, e.type, e.message])).toEqual([
        ["a", "status_update_event", "executors: task executors.0123abcd STAGING on 10.0.0.7"],
        ["a", "status_update_event", "executors: task executors.0123abcd RUNNING on 10.0.0.7"],
      ]);
    } finally {
      watch.close();
    }
  });

  it("a failed read is the part's error (the last value kept); the next read clears it", async () => {
    let fail = false;
    const a = fakeSite("a");
    a.getGroup = async () => {
      if (fail) throw new Error("connect ECONNREFUSED 127.0.0.1:8080\nstack");
      return { id: "/bsaas/c/a", apps: a.apps };
    };
    const watch = watchCluster(fakeCluster([a]), { intervalMs: 40, marathonEvents: false });
    try {
      await vi.waitFor(() => expect(site(watch.current, "a").marathon.value).toBeDefined());
      fail = true;
      await vi.waitFor(() => expect(site(watch.current, "a").marathon.error).toBeDefined());
      expect(site(watch.current, "a").marathon).toMatchObject({
        error: "connect ECONNREFUSED 127.0.0.1:8080",
        value: { apps: [{ id: "/bsaas/c/a/central-manager" }, { id: "/bsaas/c/a/executors" }] },
      });
      fail = false;
      await vi.waitFor(() => expect(site(watch.current, "a").marathon.error).toBeUndefined());
      const messages = watch.current.events.map((e) => e.message);
      expect(messages).toContain("Marathon unavailable: connect ECONNREFUSED 127.0.0.1:8080");
      expect(messages).toContain("Marathon answers again");
    } finally {
      watch.close();
    }
  });

  it("without an event stream it says so and polls every intervalMs", async () => {
    const a = fakeSite("a", { eventsError: new Error("401 Unauthorized") });
    const watch = watchCluster(fakeCluster([a]), { intervalMs: 50 });
    try {
      await vi.waitFor(() => expect(site(watch.current, "a").marathonStream.state).toBe("down"));
      expect(site(watch.current, "a").marathonStream.error).toBe("401 Unauthorized");
      expect(watch.current.events.map((e) => e.message)).toContain(
        "Marathon event stream unavailable (401 Unauthorized); polling every 50ms",
      );
      const before = a.reads;
      await vi.waitFor(() => expect(a.reads).toBeGreaterThanOrEqual(before + 2));
    } finally {
      watch.close();
    }
  });

  it("iterates states until closed; close stops streams and timers", async () => {
    const a = fakeSite("a", { mesos: true });
    const controller = new AbortController();
    const watch = watchCluster(fakeCluster([a]), { intervalMs: 20, signal: controller.signal });
    const seen: number[] = [];
    const done = (async () => {
      for await (const state of watch) {
        seen.push(state.version);
        if (site(state, "a").marathon.value && seen.length > 2) controller.abort();
      }
    })();
    await done;
    expect(watch.closed).toBe(true);
    expect(seen.length).toBeGreaterThan(2);
    expect([...seen].sort((x, y) => x - y)).toEqual(seen);
    const [reads, mesosReads, version] = [a.reads, a.mesosReads, watch.current.version];
    await new Promise((r) => setTimeout(r, 100));
    expect([a.reads, a.mesosReads, watch.current.version]).toEqual([reads, mesosReads, version]);
    watch.log("after close");
    expect(watch.current.version).toBe(version);
  });

  it("subscribe calls back once per tick of changes; log adds the program's own entries", async () => {
    const watch = watchCluster(fakeCluster([fakeSite("a")]), { intervalMs: 60_000, marathonEvents: false });
    try {
      const calls: number[] = [];
      const stop = watch.subscribe((s) => calls.push(s.version));
      watch.log("one", { site: "a" });
      watch.log("two", { level: "error" });
      await Promise.resolve();
      expect(calls).toHaveLength(1);
      expect(watch.current.events.slice(-2)).toMatchObject([
        { source: "user", site: "a", level: "info", message: "one" },
        { source: "user", level: "error", message: "two" },
      ]);
      stop();
      watch.log("three");
      await Promise.resolve();
      expect(calls).toHaveLength(1);
    } finally {
      watch.close();
    }
  });
});

describe("describeMarathonEvent", () => {
  const plan = {
    id: "0123abcd-1111-2222-3333-444455556666",
    version: "v",
    steps: [
      { actions: [{ action: "StartApplication", app: "/bsaas/c/a/executors" }] },
      { actions: [{ action: "ScaleApplication", app: "/bsaas/c/a/executors" }] },
    ],
  };
  const at = { timestamp: "t" };

  it("says which step of which deployment, and knows its end without a plan", () => {
    const known = new Set<string>();
    const info = describeMarathonEvent(
      { ...at, eventType: "deployment_info", plan, currentStep: plan.steps[1] } as MarathonEvent,
      "/bsaas/c/a",
      known,
    );
    expect(info).toEqual({
      message: "deployment 0123abcd step 2/2: ScaleApplication executors",
      level: "info",
      deployment: plan.id,
    });
    expect(
      describeMarathonEvent(
        { ...at, eventType: "deployment_success", id: plan.id } as MarathonEvent,
        "/bsaas/c/a",
      ),
    ).toBeUndefined();
    known.add(plan.id);
    expect(
      describeMarathonEvent(
        { ...at, eventType: "deployment_failed", id: plan.id, reason: "boom" } as MarathonEvent,
        "/bsaas/c/a",
        known,
      ),
    ).toMatchObject({ message: "deployment 0123abcd failed: boom", level: "error" });
    expect(
      describeMarathonEvent(
        { ...at, eventType: "deployment_info", plan, currentStep: plan.steps[0] } as MarathonEvent,
        "/bsaas/c/b",
      ),
    ).toBeUndefined();
  });

  it("health changes, instance changes (no line) and the scheduler", () => {
    expect(
      describeMarathonEvent(
        {
          ...at,
          eventType: "health_status_changed_event",
          appId: "/bsaas/c/a/submit",
          instanceId: "bsaas_c_a_submit.marathon-9f8e7d6c-aaaa",
          alive: false,
        } as MarathonEvent,
        "/bsaas/c/a",
      ),
    ).toEqual({ message: "submit: submit.9f8e7d6c unhealthy", level: "warn" });
    expect(
      describeMarathonEvent(
        {
          ...at,
          eventType: "instance_changed_event",
          instanceId: "x",
          condition: "Running",
          runSpecId: "/bsaas/c/a/submit",
        } as MarathonEvent,
        "/bsaas/c/a",
      ),
    ).toEqual({ message: "", level: "info" });
    expect(
      describeMarathonEvent({ ...at, eventType: "scheduler_disconnected_event" } as MarathonEvent, "/x"),
    ).toMatchObject({ level: "warn" });
  });
});
