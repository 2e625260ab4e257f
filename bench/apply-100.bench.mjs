// Applying a 100-executor cluster (command runtime, one site, 1 central manager, 1 submitter, executors app with
// `instances: 100`: 102 tasks) to the emulator (Mesos + Marathon on loopback, simulated runner), against a naive
// per-app create-and-poll client run in the same bench.
//   bsaas:    `ClusterClient.open(...).apply({ verify: false })`: plan (GET the site group), ONE `PUT /v2/groups/<site>`,
//             wait for the deployment on the event stream (polling `/v2/deployments` as a fallback).
//   baseline: the same rendered apps, the executors split into 100 single-instance apps (`.../executor-001`...), one
//             `POST /v2/apps` each in sequence (SDK MarathonClient.createApp), then `GET /v2/deployments` every 250 ms
//             (first check right after the last POST) until none is left.
// Wall time runs from the first request until the contender returns; mutating requests are the emulator's
// `marathon.stats().total` before/after. Every run gets a fresh emulator; each round runs both contenders, their order
// alternating between rounds so that machine noise hits both alike; median of BENCH_RUNS (default 5) rounds after one
// warm-up round. Correctness (exit 1 when broken): after each run every deployment is gone and all 102 tasks are
// TASK_RUNNING (healthy); bsaas sends at most 1 mutating request per site; a second apply on the bsaas emulator sends
// none. The simulated runner reports COMMAND health checks healthy as soon as a task runs (no 300 s grace to wait);
// work agents offer 16 ports each (see `agents`).
// Needs the built SDK and emulator: `npx turbo run build --filter=@bsaas/emulator...` (or `npm run bench`).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../packages/emulator/dist/index.js";
import { ClusterClient, parseClusterSpec } from "../packages/sdk/dist/cluster/index.js";
import { MarathonClient } from "../packages/sdk/dist/marathon/index.js";
import { fmt, report, stats, timeFn } from "./lib.mjs";

const EXECUTORS = 100;
const POLL_MS = 250;
/** A deployment that has not finished by then failed (either contender). */
const TIMEOUT_MS = 60_000;
const runs = Number(process.env.BENCH_RUNS ?? 5);
const warmups = 1;
const SITE = "site-a";
const CM_PORT = 9618;
const PORTS_PER_AGENT = 16;

const yaml = `apiVersion: bsaas.io/v1alpha1
kind: Cluster
metadata:
  name: bench
centralManager:
  site: ${SITE}
  address: 127.0.0.1
  cpus: 0.5
  mem: 512
submitters:
  - name: submit
    site: ${SITE}
    cpus: 1
    mem: 512
    disk: 1024
sites:
  - name: ${SITE}
    marathon:
      url: http://127.0.0.1:8080
    executors:
      instances: ${EXECUTORS}
      cpus: 1
      mem: 256
      disk: 1024
runtime:
  type: command
`;
const loaded = parseClusterSpec(yaml, { file: "<apply-100 bench>" });
const stateDir = mkdtempSync(join(tmpdir(), "bsaas-bench-apply-"));

// The central manager requires the pool's port (9618, outside the default agent ranges from 31000): it gets an agent
// of its own offering exactly that port and its resources (as `bsaas up` does), so no executor can take it. 26 work
// agents of 4 cpus / 8192 MiB / 20000 MB disk hold the submitter and 100 executors (4 per agent, one port each). They
// offer 16 ports each instead of the default 1000: the emulated master's allocation round merges every agent's port
// list (cost grows with agents × ports, ~100 ms a round at 27 × 1000 ports), and a round follows every REVIVE, i.e.
// every app the baseline creates; with the default ranges that emulator cost, not the strategies, made the baseline.
const agents = [
  { hostname: "cm-agent", cpus: 0.5, mem: 512, disk: 1024, ports: { begin: CM_PORT, end: CM_PORT } },
  ...Array.from({ length: 26 }, (_, i) => ({
    hostname: `agent-${i + 1}`,
    cpus: 4,
    mem: 8192,
    disk: 20000,
    ports: { begin: 31000 + i * PORTS_PER_AGENT, end: 31000 + (i + 1) * PORTS_PER_AGENT - 1 },
  })),
];
const TASKS = EXECUTORS + 2;

const newEmulator = () =>
  startEmulator({
    runner: "simulated",
    agents,
    // Simulated STAGING → STARTING → RUNNING steps of 5 ms (default 20). Offers follow every REVIVE at once; the
    // periodic allocation round (default 250 ms) only matters for declined resources. Health: with the simulated
    // runner the emulated Marathon reports a task's COMMAND checks healthy as soon as it runs (no grace to wait out),
    // so no health timing is set.
    mesos: { taskStepDelayMs: 5 },
  });

const problems = [];

/** All deployments gone and every expected task running (and healthy): the correctness check of a run. */
async function checkDeployed(emulator, label) {
  const client = new MarathonClient({ url: emulator.marathonUrl });
  const deployments = await client.listDeployments();
  const apps = await client.listApps({ embed: ["apps.tasks"] });
  const running = apps.reduce(
    (n, a) => n + (a.tasks ?? []).filter((t) => t.state === "TASK_RUNNING").length,
    0,
  );
  const healthy = apps.reduce((n, a) => n + (a.tasksHealthy ?? 0), 0);
  if (deployments.length > 0 || running !== TASKS || healthy !== TASKS) {
    problems.push(
      `${label}: ${deployments.length} deployment(s) left, ${running}/${TASKS} tasks running, ${healthy} healthy`,
    );
  }
  return { running, healthy };
}

/** bsaas: plan + one group PUT per site + wait on the deployment; then a second apply that must send nothing. */
async function runBsaas(label) {
  const emulator = await newEmulator();
  try {
    const client = ClusterClient.open(loaded, {
      stateDir,
      endpoints: { [SITE]: { marathon: emulator.marathonUrl, mesos: emulator.mesosUrl } },
    });
    // Where the time goes: when the PUT was answered (progress event) and when the emulator published
    // deployment_success, both from the start of apply.
    let start = 0;
    let putAt = Number.NaN;
    let doneAt = Number.NaN;
    const onEvent = (event) => {
      if (event.eventType === "deployment_success") doneAt = performance.now() - start;
    };
    emulator.marathon.events.on("event", onEvent);
    const onProgress = (p) => {
      if (p.phase === "apply" && / started /.test(p.message)) putAt = performance.now() - start;
    };
    const before = emulator.marathon.stats();
    let result;
    start = performance.now();
    const ms = await timeFn(async () => {
      try {
        result = await client.apply({ verify: false, onProgress, timeoutMs: TIMEOUT_MS });
      } catch (error) {
        problems.push(`${label}: apply failed: ${error.message}`);
      }
    });
    emulator.marathon.events.off("event", onEvent);
    const after = emulator.marathon.stats();
    const mutating = after.total - before.total;
    if (result?.sites.some((s) => s.outcome !== "applied"))
      problems.push(`${label}: ${JSON.stringify(result.sites)}`);
    await checkDeployed(emulator, label);
    const sites = client.rendered.sites.length;
    if (mutating > sites)
      problems.push(
        `${label}: ${mutating} mutating requests for ${sites} site(s) (${JSON.stringify(after.byRoute)})`,
      );
    const again = await client.apply({ verify: false, timeoutMs: TIMEOUT_MS }).catch((error) => {
      problems.push(`${label}: second apply failed: ${error.message}`);
      return { changed: true };
    });
    const second = emulator.marathon.stats().total - after.total;
    if (second !== 0 || again.changed)
      problems.push(`${label}: second apply sent ${second} mutating request(s)`);
    return { ms, mutating, perSite: mutating / sites, second, routes: after.byRoute, putAt, doneAt };
  } finally {
    await emulator.close();
  }
}

/** The rendered apps as a naive tool would deploy them: one app per task (executors split into single instances). */
const rendered = ClusterClient.open(loaded, { stateDir }).rendered.sites[0].apps.map((a) => a.app);
const perApp = rendered.flatMap((app) =>
  app.id.endsWith("/executors")
    ? Array.from({ length: app.instances }, (_, i) => ({
        ...app,
        id: `${app.id.slice(0, -"/executors".length)}/executor-${String(i + 1).padStart(3, "0")}`,
        instances: 1,
      }))
    : [app],
);

/** Baseline: POST every app in turn, then poll `/v2/deployments` every 250 ms until none is left. */
async function runBaseline(label) {
  const emulator = await newEmulator();
  try {
    const client = new MarathonClient({ url: emulator.marathonUrl });
    const before = emulator.marathon.stats();
    let polls = 0;
    const ms = await timeFn(async () => {
      for (const app of perApp) await client.createApp(app);
      const deadline = Date.now() + TIMEOUT_MS;
      for (;;) {
        polls++;
        if ((await client.listDeployments()).length === 0) break;
        if (Date.now() > deadline) {
          problems.push(`${label}: deployments still running after ${TIMEOUT_MS} ms`);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    });
    const mutating = emulator.marathon.stats().total - before.total;
    await checkDeployed(emulator, label);
    return { ms, mutating, perSite: mutating, polls };
  } finally {
    await emulator.close();
  }
}

try {
  for (let i = 0; i < warmups; i++) {
    await runBsaas("warm-up bsaas");
    await runBaseline("warm-up baseline");
  }
  const bsaas = [];
  const baseline = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      bsaas.push(await runBsaas(`round ${i + 1} bsaas`));
      baseline.push(await runBaseline(`round ${i + 1} baseline`));
    } else {
      baseline.push(await runBaseline(`round ${i + 1} baseline`));
      bsaas.push(await runBsaas(`round ${i + 1} bsaas`));
    }
  }
  const b = stats(bsaas.map((r) => r.ms));
  const n = stats(baseline.map((r) => r.ms));
  const maxOf = (list, key) => Math.max(...list.map((r) => r[key]));
  console.log(
    `cluster: 1 site, central manager + 1 submitter + ${EXECUTORS} executors = ${TASKS} tasks (simulated runner)`,
  );
  console.log(
    `bsaas apply       median ${fmt(b.median)}  min ${fmt(b.min)}  p90 ${fmt(b.p90)}  (${b.runs} runs)  ` +
      `mutating/site ${maxOf(bsaas, "perSite")} (${Object.keys(bsaas[0].routes).join(", ")}), ` +
      `second apply ${maxOf(bsaas, "second")}`,
  );
  console.log(
    `per-app + poll    median ${fmt(n.median)}  min ${fmt(n.min)}  p90 ${fmt(n.p90)}  (${n.runs} runs)  ` +
      `mutating/site ${maxOf(baseline, "perSite")} (${perApp.length} POST /v2/apps), ` +
      `polls ${baseline.map((r) => r.polls).join("/")} every ${POLL_MS} ms`,
  );
  const med = (key) => stats(bsaas.map((r) => r[key])).median;
  console.log(
    `bsaas breakdown   (medians from the start of apply) PUT answered ${fmt(med("putAt"))}, ` +
      `deployment_success published ${fmt(med("doneAt"))}, apply returned ${fmt(b.median)}`,
  );
  for (const p of problems) console.error(`FAILED ${p}`);
  report("apply-100", {
    ratio: b.median / n.median,
    baseline: `per-app create-and-poll median ${fmt(n.median)}, ${maxOf(baseline, "perSite")} mutating requests; bsaas ${maxOf(bsaas, "perSite")} per site`,
    goal: 0.5,
  });
} finally {
  rmSync(stateDir, { recursive: true, force: true });
}
if (problems.length > 0) process.exit(1);
