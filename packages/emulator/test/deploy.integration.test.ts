// bsaas deploys a real HTCondor pool onto the emulator: the cluster file goes through render → plan → one group PUT →
// Marathon launches command tasks as real processes (chrooted into the HTCondor rootfs, or using HTCondor on PATH) →
// verify at the HTCondor level. Then: an idempotent re-apply, a drain-first scale-down under running jobs, and a
// destroy that leaves no process. Needs root and HTCondor (scripts/provision-htcondor); skipped otherwise.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  ClusterClient,
  type ClusterClient as ClusterClientType,
  type LoadedClusterSpec,
  localAgents,
  parseClusterSpec,
} from "@bsaas/sdk/cluster";
import {
  buildSubmit,
  type HTCondorInstallation,
  hostPath,
  locateHTCondor,
  lookupUser,
  reapCondorProcesses,
} from "@bsaas/sdk/htcondor";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index.js";

// Like every test that needs HTCondor, this one fails (never skips) when it cannot run: `npm test` provisions it.
async function requireHTCondor(): Promise<HTCondorInstallation> {
  if (process.getuid?.() !== 0) {
    throw new Error("the deploy integration test runs HTCondor daemons as root: run it as root");
  }
  return locateHTCondor();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Processes whose CONDOR_CONFIG lies under `prefix` (HTCondor daemons of the cluster's tasks). */
function condorProcesses(prefix: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (`\0${readFileSync(`/proc/${entry}/environ`, "latin1")}`.includes(`\0CONDOR_CONFIG=${prefix}`))
        found.push(Number(entry));
    } catch {
      // gone, or a kernel thread
    }
  }
  return found;
}

describe("bsaas deploys HTCondor onto the emulator", () => {
  let htcondor: HTCondorInstallation;
  let emulator: Emulator;
  let client: ClusterClientType;
  let loaded: LoadedClusterSpec;
  let loadedText: string;
  let workDir: string;
  let sandboxRoot: string;
  let stateDir: string;
  let jobDir: string;

  beforeAll(async () => {
    htcondor = await requireHTCondor();
    const port = await freePort();
    // examples/local.yaml, with a port of its own and executors big enough to run every test job at once.
    loadedText = readFileSync(new URL("../../../examples/local.yaml", import.meta.url), "utf8")
      .replace("name: local\n", "name: it-deploy\n")
      .replace(
        '  version: "23"',
        `  version: "23"\n  port: ${port}\n  config:\n    NEGOTIATOR_INTERVAL: "2"\n    NEGOTIATOR_MIN_INTERVAL: "1"\n    NEGOTIATOR_CYCLE_DELAY: "1"\n    SCHEDD_INTERVAL: "2"\n    UPDATE_INTERVAL: "2"`,
      )
      .replace("      cpus: 1\n      mem: 1024", "      cpus: 4\n      mem: 2048");
    loaded = parseClusterSpec(loadedText, { file: "it-deploy.yaml" });
    const base = htcondor.kind === "rootfs" ? join(htcondor.rootfs, "var/lib/mesos") : tmpdir();
    mkdirSync(base, { recursive: true });
    workDir = mkdtempSync(join(base, "it-deploy-"));
    chmodSync(workDir, 0o755);
    sandboxRoot = htcondor.kind === "rootfs" ? `/${relative(htcondor.rootfs, workDir)}` : workDir;
    stateDir = mkdtempSync(join(tmpdir(), "it-deploy-state-"));
    emulator = await startEmulator({
      runner: "process",
      agents: localAgents(loaded),
      workDir,
      cleanup: true,
      ...(htcondor.kind === "rootfs" ? { rootfs: htcondor.rootfs } : {}),
      mesos: { port: 0 },
      marathon: { port: 0 },
    });
    client = ClusterClient.open(loaded, {
      stateDir,
      installation: htcondor,
      endpoints: { local: { marathon: emulator.marathonUrl, mesos: emulator.mesosUrl } },
    });
    jobDir = `/tmp/it-deploy-jobs-${process.pid}`;
    const user = lookupUser(htcondor, "bsaas");
    mkdirSync(hostPath(htcondor, jobDir), { recursive: true });
    chownSync(hostPath(htcondor, jobDir), user.uid, user.gid);
  }, 60_000);

  afterAll(async () => {
    await client?.destroy({ force: true }).catch(() => undefined);
    await client?.close();
    await emulator?.close();
    if (sandboxRoot) await reapCondorProcesses(sandboxRoot);
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    if (jobDir && htcondor) rmSync(hostPath(htcondor, jobDir), { recursive: true, force: true });
  }, 180_000);

  it("applies local.yaml with one group PUT and verifies the pool at the HTCondor level", async () => {
    const before = emulator.marathon.stats();
    const result = await client.apply({ verify: { timeoutMs: 180_000 } });
    const after = emulator.marathon.stats();
    expect(result.plan.counts).toEqual({ create: 3, update: 0, delete: 0 });
    expect(result.sites.map((s) => [s.site, s.outcome])).toEqual([["local", "applied"]]);
    expect(after.total - before.total).toBe(1);
    expect(result.verify?.ok).toBe(true);
    expect(result.verify?.htcondorVersion).toMatch(/^23\./);
    expect(result.verify?.executors).toEqual([
      expect.objectContaining({ site: "local", expected: 3, ready: 3 }),
    ]);
    expect(result.verify?.schedds).toEqual([expect.stringMatching(/^submit@/)]);
    const status = await client.status();
    expect(status.sites[0]?.marathon).toMatchObject({ ok: true });
    expect(status.sites[0]?.htcondor?.executors).toBe(3);
  }, 240_000);

  it("applies the same file again without a single mutating request", async () => {
    const before = emulator.marathon.stats().total;
    const result = await client.apply({ verify: { timeoutMs: 60_000 } });
    expect(result.changed).toBe(false);
    expect(result.plan.hasChanges).toBe(false);
    expect(result.sites.map((s) => s.outcome)).toEqual(["unchanged"]);
    expect(emulator.marathon.stats().total).toBe(before);
  }, 120_000);

  it("scales 3 → 1 under 10 running jobs: no job is lost or restarted, all complete", async () => {
    const submitted = await client.submit(
      buildSubmit({
        executable: "/bin/sleep",
        arguments: ["20"],
        output: "out.$(Process)",
        error: "err.$(Process)",
        log: "jobs.log",
        requestCpus: 1,
        requestMemory: "32M",
        queue: { count: 10 },
      }),
      { cwd: jobDir },
    );
    expect(submitted.jobIds).toHaveLength(10);
    const schedd = await client.schedd();
    await waitFor("all 10 jobs running", async () => {
      const jobs = await schedd.jobs({ constraint: `ClusterId == ${submitted.clusterId}` });
      return jobs.length === 10 && jobs.every((j) => j.status === "running");
    });
    // Status reports them per site, from the submitter's own queue.
    expect((await client.status()).sites[0]?.htcondor?.jobs).toEqual({ running: 10 });
    const appId = client.rendered.sites[0]?.apps.find((a) => a.role === "execute")?.app.id ?? "";
    const busyBefore = new Set(
      (await schedd.jobs({ constraint: `ClusterId == ${submitted.clusterId}` })).map((j) =>
        (j.remoteHost ?? "").replace(/^slot\d+(_\d+)?@/, ""),
      ),
    );
    expect(busyBefore.size).toBeGreaterThan(1);

    const scaled = await client.scale("local", 1, { deadlineMs: 180_000 });
    expect(scaled.from).toBe(3);
    expect(scaled.removed).toHaveLength(2);
    expect(scaled.killedBusy).toEqual([]);
    const tasks = await client.sites.get("local")?.marathon.appTasks(appId);
    expect(tasks?.map((t) => t.id)).not.toContain(scaled.removed[0]?.taskId);
    expect(tasks).toHaveLength(1);
    expect((await client.sites.get("local")?.marathon.getApp(appId))?.instances).toBe(1);

    const done = await client.waitForJobs(submitted.clusterId, { timeoutMs: 240_000 });
    expect(done).toHaveLength(10);
    for (const job of done) {
      expect(job.status, `job ${job.id}`).toBe("completed");
      expect(job.exitCode, `job ${job.id}`).toBe(0);
      // Started exactly once: the scale-down neither evicted nor restarted it.
      expect(job.numJobStarts, `job ${job.id}`).toBe(1);
    }
  }, 420_000);

  it("upgrades the executors under running jobs: the old ones retire their jobs before they stop", async () => {
    const submitted = await client.submit(
      buildSubmit({ executable: "/bin/sleep", arguments: ["15"], log: "upgrade.log", queue: { count: 2 } }),
      { cwd: jobDir },
    );
    const schedd = await client.schedd();
    await waitFor("both jobs running", async () => {
      const jobs = await schedd.jobs({ constraint: `ClusterId == ${submitted.clusterId}` });
      return jobs.length === 2 && jobs.every((j) => j.status === "running");
    });
    // A changed executor definition (here its memory): Marathon replaces the task; SIGTERM makes the old master
    // shut down gracefully, which lets the startd retire its jobs (MAXJOBRETIREMENTTIME) before it exits.
    const changed = parseClusterSpec(
      loadedText.replace("      cpus: 4\n      mem: 2048", "      cpus: 4\n      mem: 1536"),
      { file: "it-deploy.yaml" },
    );
    const upgraded = ClusterClient.open(changed, {
      stateDir,
      installation: htcondor,
      endpoints: { local: { marathon: emulator.marathonUrl, mesos: emulator.mesosUrl } },
    });
    // The scale above left one executor; the file still says 3, so the plan changes instances and memory.
    const plan = await upgraded.plan();
    expect(plan.sites[0]?.changes).toEqual([
      expect.objectContaining({
        action: "update",
        changes: expect.arrayContaining([expect.objectContaining({ path: "mem" })]),
      }),
    ]);
    await upgraded.apply({ verify: { timeoutMs: 180_000 } });
    const done = await client.waitForJobs(submitted.clusterId, { timeoutMs: 240_000 });
    expect(done.map((j) => [j.status, j.exitCode, j.numJobStarts])).toEqual([
      ["completed", 0, 1],
      ["completed", 0, 1],
    ]);
    // No upgraded.close(): it would remove the HTCondor client files that `client` (same state) uses too.
  }, 420_000);

  it("destroys the cluster, draining first, and leaves no process behind", async () => {
    const result = await client.destroy({ deadlineMs: 120_000 });
    expect(result.sites.map((s) => [s.site, s.outcome])).toEqual([["local", "deleted"]]);
    expect(result.killedBusy).toEqual([]);
    const plan = await client.plan();
    expect(plan.sites[0]?.groupExists).toBe(false);
    await waitFor(
      "every HTCondor process of the cluster to exit",
      async () => condorProcesses(sandboxRoot).length === 0,
      60_000,
    );
  }, 240_000);
});
