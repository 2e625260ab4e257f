import { BsaasError } from "@bsaas/sdk";
import { render } from "ink-testing-library";
import { afterEach, describe, expect, it } from "vitest";
import { clusterState, FakeWatch, fakeActions, frameWhere, KEY, siteState } from "../test/fixtures.js";
import { Dashboard } from "./Dashboard.js";

let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function start(
  watch = new FakeWatch(),
  actions = fakeActions().actions,
  props: { width?: number; height?: number; onQuit?: () => void } = {},
) {
  const r = render(
    <Dashboard
      watch={watch}
      actions={actions}
      bounds={{ local: { min: 1, max: 5 } }}
      width={props.width ?? 100}
      height={props.height ?? 30}
      noColor
      {...(props.onQuit ? { onQuit: props.onQuit } : {})}
    />,
  );
  cleanup = r.unmount;
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { ...r, watch, press, frame: (check: (f: string) => boolean) => frameWhere(r.lastFrame, check) };
}

describe("Dashboard", () => {
  it("shows the site's apps like Marathon's UI, deployments, Mesos, HTCondor and the event log", async () => {
    const watch = new FakeWatch();
    watch.set({
      sites: [
        siteState("local", {
          marathon: {
            loading: false,
            value: {
              apps: (watch.current.sites[0]?.marathon.value?.apps ?? []).map((a) =>
                a.id.endsWith("/submit") ? { ...a, status: "Deploying", health: "unknown", running: 0 } : a,
              ),
              deployments: [
                {
                  id: "5f3c2a10-aaaa-bbbb-cccc-dddddddddddd",
                  currentStep: 1,
                  totalSteps: 2,
                  actions: ["RestartApplication /bsaas/demo/local/submit"],
                },
              ],
            },
          },
        }),
      ],
    });
    watch.log("deployment 5f3c2a10 step 1/2: RestartApplication submit", { site: "local" });
    const { frame } = start(watch);
    const f = await frame((f) => f.includes("central-manager"));
    expect(f).toContain("bsaas demo · site local · events live · HTCondor unavailable");
    expect(f).toMatch(/APP\s+CPU\s+MEM\s+STATUS\s+RUNNING\s+HEALTH/);
    expect(f).toMatch(/central-manager\s+0\.5\s+512\s+Running\s+1\/1\s+healthy/);
    expect(f).toMatch(/executors\s+1\s+1024\s+Running\s+3\/3\s+healthy/);
    expect(f).toMatch(/submit\s+0\.5\s+512\s+Deploying\s+0\/1\s+unknown/);
    expect(f).toContain("Deployments (1)");
    expect(f).toContain("5f3c2a10 step 1/2  RestartApplication submit");
    expect(f).toContain("3 agents");
    expect(f).toContain("cpus 8 free of 12");
    expect(f).toContain("mem  20 GiB free of 24 GiB");
    expect(f).toContain("HTCondor unavailable: no HTCondor found (test)");
    expect(f).toMatch(/\d\d:\d\d:\d\d deployment 5f3c2a10 step 1\/2/);
  });

  it("each panel shows its own loading or error state", async () => {
    const watch = new FakeWatch(
      clusterState({
        sites: [
          siteState("local", {
            marathon: { loading: true },
            mesos: { loading: false, error: "connect ECONNREFUSED 127.0.0.1:5050" },
            htcondor: { loading: true },
            marathonStream: { state: "down", error: "401" },
          }),
        ],
        htcondor: { loading: true },
      }),
    );
    const { frame } = start(watch);
    const f = await frame((f) => f.includes("Apps"));
    expect(f).toContain("Marathon: loading…");
    expect(f).toContain("unavailable: connect ECONNREFUSED");
    expect(f).toContain("HTCondor: loading…");
    expect(f).toContain("polling");
    // A stale value stays, with the error above it.
    const stale = siteState("local");
    watch.set({
      sites: [{ ...stale, marathon: { ...stale.marathon, error: "timeout of 30000ms exceeded" } }],
    });
    const g = await frame((f) => f.includes("showing the last read"));
    expect(g).toContain("unavailable (showing the last read): timeout of 30000ms exceeded");
    expect(g).toMatch(/executors\s+1\s+1024\s+Running\s+3\/3/);
  });

  it("fits 80×24: 24 rows, none wider than 80 columns, every panel there", async () => {
    const watch = new FakeWatch();
    for (let i = 0; i < 30; i++) watch.log(`event number ${i} ${"with a long text ".repeat(8)}`);
    const { frame } = start(watch, undefined, { width: 80, height: 24 });
    const f = await frame((f) => f.includes("event number 29"));
    const lines = f.split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    for (const text of [
      "Apps · local",
      "Deployments (0)",
      "Mesos · local",
      "HTCondor · local",
      "Events",
      "q quit",
    ])
      expect(f).toContain(text);
    expect(f).toMatch(/executors\s+1\s+1024\s+Running\s+3\/3\s+healthy/);
    expect(f).toContain("…"); // long events are cut, not wrapped
  });

  it("tab moves the focus between panels (a heavy border), ↓ and enter open an app's details, esc goes back", async () => {
    const { actions, calls } = fakeActions();
    const { frame, press } = start(new FakeWatch(), actions);
    let f = await frame((f) => f.includes("┏━ Apps"));
    expect(f).toContain("› central-manager");
    await press(KEY.tab);
    f = await frame((f) => f.includes("┏━ Deployments"));
    expect(f).toContain("╭─ Apps");
    await press(KEY.shiftTab, KEY.down);
    f = await frame((f) => f.includes("› executors"));
    await press(KEY.enter);
    f = await frame((f) => f.includes("Tasks (2)"));
    expect(calls.details).toEqual([["local", "/bsaas/demo/local/executors"]]);
    expect(f).toContain("App executors · local");
    expect(f).toContain("status       Running · 2/2 running · health unhealthy (1 healthy, 1 unhealthy)");
    expect(f).toContain("cmd          condor_master -f");
    expect(f).toContain("constraints  hostname:UNIQUE");
    expect(f).toContain("health       COMMAND condor_who · every 10s, timeout 5s, grace 60s, max 3 failures");
    expect(f).toMatch(/executors\.0123abcd\s+127\.0\.0\.1:31001\s+RUNNING\s+healthy/);
    expect(f).toMatch(
      /executors\.89abcdef\s+127\.0\.0\.2:31002\s+RUNNING\s+unhealthy \(2 failures: exit 1\)/,
    );
    await press(KEY.escape);
    await frame((f) => f.includes("Deployments (0)"));
  });

  it("+ opens the scale dialog at n+1, + again raises it, enter scales through the SDK and shows progress", async () => {
    const { actions, calls } = fakeActions();
    const { frame, press, watch } = start(new FakeWatch(), actions);
    await frame((f) => f.includes("executors"));
    await press("+");
    let f = await frame((f) => f.includes("Scale executors · local"));
    expect(f).toContain("executors 3 → 4  (cluster file: min 1, max 5)");
    expect(f).toContain("scale up: Marathon starts 1 more executor(s)");
    await press("+", "+");
    f = await frame((f) => f.includes("executors 3 → 6"));
    expect(f).toContain("outside them");
    await press("-", "-", KEY.enter);
    f = await frame((f) => f.includes("✓ scaled local 3 → 4"));
    expect(calls.scale).toEqual([["local", 4]]);
    expect(watch.current.events.map((e) => e.message)).toEqual([
      "scaling executors 3 → 4",
      "scaling up 3 -> 4 (deployment 1234)",
      "scaled local 3 → 4 executor(s) in 0.1s",
    ]);
    expect(watch.refreshes).toEqual(["local"]);
    await press("x");
    await frame((f) => !f.includes("Scale executors") && f.includes("Events"));
  });

  it("keys that arrive in one read (a paste, tmux) are taken one at a time", async () => {
    const { actions, calls } = fakeActions();
    const r = start(new FakeWatch(), actions);
    await r.frame((f) => f.includes("executors"));
    r.stdin.write("++\r");
    await r.frame((f) => f.includes("✓ scaled local 3 → 5"));
    expect(calls.scale).toEqual([["local", 5]]);
  });

  it("Down and Enter in one read open the second app (each key sees the one before)", async () => {
    const { actions, calls } = fakeActions();
    const r = start(new FakeWatch(), actions);
    await r.frame((f) => f.includes("executors"));
    r.stdin.write(`${KEY.down}${KEY.enter}`);
    await r.frame((f) => f.includes("Tasks (2)"));
    expect(calls.details).toEqual([["local", "/bsaas/demo/local/executors"]]);
  });

  it("- opens the dialog at n-1 saying it drains first; esc cancels and nothing is scaled", async () => {
    const { actions, calls } = fakeActions();
    const { frame, press } = start(new FakeWatch(), actions);
    await frame((f) => f.includes("executors"));
    await press("-");
    const f = await frame((f) => f.includes("executors 3 → 2"));
    expect(f).toContain("scale down: drains first");
    await press(KEY.escape);
    await frame((f) => !f.includes("Scale executors"));
    expect(calls.scale).toEqual([]);
  });

  it("a failed scale shows the SDK's message and hint", async () => {
    const { actions } = fakeActions({
      scale: async () => {
        throw new BsaasError("DRAIN_TIMEOUT", "scaling executors to 2: 1 executor(s) still run jobs", {
          hint: "Run the same command again later.",
        });
      },
    });
    const { frame, press } = start(new FakeWatch(), actions);
    await frame((f) => f.includes("executors"));
    await press("-", "y");
    const f = await frame((f) => f.includes("✗ scaling executors to 2"));
    expect(f).toContain("Run the same command again later.");
  });

  it("s submits a sample job; HTCondor missing is a clear error in the HTCondor panel", async () => {
    const { actions, calls } = fakeActions();
    const { frame, press } = start(new FakeWatch(), actions);
    await frame((f) => f.includes("executors"));
    await press("s");
    const f = await frame((f) => f.includes("sample job failed"));
    expect(calls.sample).toBe(1);
    expect(f).toContain("sample job failed: HTCondor unavailable: no HTCondor found (test)");
    const ok = fakeActions({ submitSample: async () => "job 12.0 queued at submit@host; output in /tmp/x" });
    cleanup?.();
    const second = start(new FakeWatch(), ok.actions);
    await second.frame((f) => f.includes("executors"));
    await second.press("s");
    await second.frame((f) => f.includes("sample job: job 12.0 queued at submit@host"));
  });

  it("? shows the help, esc closes it, q quits", async () => {
    let quit = 0;
    const { frame, press } = start(new FakeWatch(), undefined, { onQuit: () => quit++ });
    await frame((f) => f.includes("executors"));
    await press("?");
    const f = await frame((f) => f.includes("Help"));
    expect(f).toContain("+ / -");
    expect(f).toContain("scaling down drains first");
    await press(KEY.escape);
    await frame((f) => f.includes("Apps · local"));
    await press("q");
    expect(quit).toBe(1);
  });

  it("q while a scale runs asks again first", async () => {
    let quit = 0;
    const { actions } = fakeActions({ scale: () => new Promise(() => {}) });
    const { frame, press } = start(new FakeWatch(), actions, { onQuit: () => quit++ });
    await frame((f) => f.includes("executors"));
    await press("+", KEY.enter);
    await frame((f) => f.includes("scaling local 3 → 4…"));
    await press("q");
    await frame((f) => f.includes("q again quits"));
    expect(quit).toBe(0);
    await press("q");
    expect(quit).toBe(1);
  });

  it("←/→ switch between sites", async () => {
    const watch = new FakeWatch(clusterState({ sites: [siteState("infn-to"), siteState("infn-ba")] }));
    const { frame, press } = start(watch);
    await frame((f) => f.includes("‹ infn-to › 1/2"));
    await press(KEY.right);
    const f = await frame((f) => f.includes("‹ infn-ba › 2/2"));
    expect(f).toContain("Apps · infn-ba /bsaas/demo/infn-ba");
    await press(KEY.right);
    await frame((f) => f.includes("‹ infn-to › 1/2"));
  });

  it("the event log scrolls back with ↑ when focused (5), and follows the newest again with ↓", async () => {
    const watch = new FakeWatch();
    for (let i = 0; i < 20; i++) watch.log(`event number ${i}`);
    const { frame, press } = start(watch);
    await frame((f) => f.includes("event number 19"));
    await press("5", KEY.up, KEY.up);
    const f = await frame((f) => f.includes("Events (2 newer below)"));
    expect(f).toContain("event number 17");
    expect(f).not.toContain("event number 19");
    await press(KEY.down, KEY.down);
    await frame((f) => f.includes("event number 19") && !f.includes("newer below"));
  });

  it("r asks the watch to read everything again", async () => {
    const { frame, press, watch } = start();
    await frame((f) => f.includes("executors"));
    await press("r");
    expect((watch as FakeWatch).refreshes).toEqual([undefined]);
  });
});
