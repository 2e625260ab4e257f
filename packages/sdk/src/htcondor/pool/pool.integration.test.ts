// The pool client against a real HTCondor: a personal pool (collector, negotiator, schedd, startd) started from the
// provisioned rootfs (or the host's HTCondor) with a configuration the SDK generates.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestPool, type TestPool } from "../../../test/support/condor.js";
import { buildSubmit } from "../submit/index.js";
import { CondorJobNotFoundError, CondorPool } from "./client.js";
import { CondorToolError } from "./tools.js";

let pool: TestPool;
let client: CondorPool;
let jobDir: string;

beforeAll(async () => {
  pool = await startTestPool({ name: "pool-client", executors: 1 });
  client = pool.client;
  jobDir = `/home/bsaas/pool-client-${process.pid}`;
  mkdirSync(pool.hostPath(jobDir), { recursive: true });
  pool.chownToJobUser(jobDir);
}, 120_000);

afterAll(async () => {
  await pool?.stop();
  if (jobDir) rmSync(pool.hostPath(jobDir), { recursive: true, force: true });
}, 120_000);

describe("CondorPool against a real HTCondor", () => {
  it("reports the daemons and the version the pool's own ads carry", { timeout: 60_000 }, async () => {
    expect(await client.version()).toMatch(/^\d+\.\d+\.\d+$/);
    const masters = await client.masters();
    expect(masters.map((m) => m.name.split("@")[0]).sort()).toEqual(["cm", "exec1", "submit"]);
    const schedds = await client.schedds();
    expect(schedds.map((s) => s.type)).toEqual(["Scheduler"]);
    const slots = await client.slots();
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({ kind: "partitionable", state: "Unclaimed", site: "local" });
    expect(slots[0]?.startdName).toBe(pool.executors[0]?.startdName);
  });

  it("queries with a constraint and a projection", { timeout: 60_000 }, async () => {
    const none = await client.slots({ constraint: 'Site == "nowhere"' });
    expect(none).toEqual([]);
    const [slot] = await client.slots({ constraint: 'Site == "local"', projection: ["Cpus"] });
    expect(slot?.ad.has("Cpus")).toBe(true);
    expect(slot?.ad.has("StartdIpAddr")).toBe(false);
  });

  it("submits 5 jobs built with the submit builder, sees them complete with their output, reads history", async () => {
    const description = buildSubmit({
      executable: "/bin/sh",
      arguments: ["-c", "echo job $1 of $2", "sh", "$(Process)", "$(Cluster)"],
      output: "out.$(Process)",
      error: "err.$(Process)",
      log: "jobs.log",
      requestCpus: 1,
      requestMemory: "64M",
      custom: { BsaasTest: "pool-client" },
      queue: { count: 5 },
    });
    const submitted = await client.submit(description, { cwd: jobDir });
    expect(submitted.jobIds).toEqual([0, 1, 2, 3, 4].map((p) => `${submitted.clusterId}.${p}`));

    const queued = await client.jobs({ constraint: `ClusterId == ${submitted.clusterId}` });
    expect(queued).toHaveLength(5);
    expect(queued[0]?.owner).toBe("bsaas");
    expect(queued[0]?.ad.evaluate("BsaasTest")).toEqual({ type: "string", value: "pool-client" });

    const done = await client.waitForJobs(submitted.clusterId, { timeoutMs: 120_000 });
    expect(done.map((j) => [j.id, j.status, j.exitCode])).toEqual(
      [0, 1, 2, 3, 4].map((p) => [`${submitted.clusterId}.${p}`, "completed", 0]),
    );
    for (let p = 0; p < 5; p++) {
      expect(readFileSync(pool.hostPath(`${jobDir}/out.${p}`), "utf8")).toBe(
        `job ${p} of ${submitted.clusterId}\n`,
      );
    }
    const history = await client.history({ constraint: `ClusterId == ${submitted.clusterId}`, limit: 10 });
    expect(history.map((j) => j.id).sort()).toEqual(done.map((j) => j.id).sort());
    expect(history.every((j) => j.numJobStarts === 1)).toBe(true);
  }, 180_000);

  it("holds, releases and removes jobs", { timeout: 60_000 }, async () => {
    const { clusterId } = await client.submit(
      buildSubmit({ executable: "/bin/sleep", arguments: ["600"], hold: true, queue: { count: 2 } }),
      { cwd: jobDir },
    );
    try {
      const jobs = () => client.jobs({ constraint: `ClusterId == ${clusterId}` });
      expect((await jobs()).map((j) => j.status)).toEqual(["held", "held"]);
      await client.hold({ clusterId }, { reason: "kept by the bsaas test" });
      expect((await jobs()).map((j) => j.holdReason)).toEqual([
        expect.stringContaining("kept by the bsaas test"),
        expect.stringContaining("kept by the bsaas test"),
      ]);
      await client.release({ clusterId, procId: 0 });
      const [first, second] = await jobs();
      expect(first?.status).not.toBe("held");
      expect(second?.status).toBe("held");
    } finally {
      await client.remove({ clusterId });
    }
    expect(await client.jobs({ constraint: `ClusterId == ${clusterId}` })).toEqual([]);
  });

  it("a failure is a typed error naming the tool and what went wrong", { timeout: 60_000 }, async () => {
    const missing = await client.remove({ clusterId: 999_999 }).catch((e: unknown) => e);
    expect(missing, String(missing)).toBeInstanceOf(CondorJobNotFoundError);
    expect((missing as CondorJobNotFoundError).message).toMatch(
      /condor_rm: job 999999 not in the queue of submit@/,
    );
    const refused = await new CondorPool({ tools: client.tools, collector: "127.0.0.1:1" })
      .slots()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CondorToolError);
    expect((refused as CondorToolError).tool).toBe("condor_status");
    expect((refused as CondorToolError).message).toMatch(/127\.0\.0\.1:1/);
  });

  it("condor_drain through the client: a drained slot takes no new job until the drain is cancelled", async () => {
    const [slot] = await client.slots();
    if (!slot) throw new Error("no slot");
    await client.drain(slot.name, { how: "graceful", reason: "bsaas test" });
    await pool.waitFor("the slot to be drained", async () => (await client.slots())[0]?.state === "Drained");
    const { clusterId } = await client.submit(buildSubmit({ executable: "/bin/true", queue: { count: 1 } }), {
      cwd: jobDir,
    });
    // The negotiator records on the job when it considered it and found no slot willing to run it.
    const considered = async () => (await client.jobs({ constraint: `ClusterId == ${clusterId}` }))[0];
    await pool.waitFor(
      "the negotiator to consider the job",
      async () => (await considered())?.ad.has("LastRejMatchTime") === true,
    );
    expect((await considered())?.status).toBe("idle");
    await client.cancelDrain(slot.name);
    const [done] = await client.waitForJobs(clusterId, { timeoutMs: 120_000 });
    expect(done?.status).toBe("completed");
  }, 180_000);

  it("retireStartd lets a running job finish (started once, never evicted), then the startd leaves the pool", async () => {
    const marker = `${jobDir}/retire.marker`;
    writeFileSync(pool.hostPath(marker), "");
    pool.chownToJobUser(marker);
    // The job runs until the test removes its marker, so the retirement surely starts while it is running.
    const { clusterId } = await client.submit(
      buildSubmit({
        executable: "/bin/sh",
        arguments: ["-c", `while [ -e ${marker} ]; do sleep 0.2; done; echo finished`],
        output: "retire.out",
        queue: { count: 1 },
      }),
      { cwd: jobDir },
    );
    await pool.waitFor(
      "the job to run",
      async () => (await client.jobs({ constraint: `ClusterId == ${clusterId}` }))[0]?.status === "running",
    );
    const startd = pool.executors[0]?.startdName ?? "";
    await client.retireStartd(startd);
    // While retiring, the startd keeps the running job and takes no new one.
    await pool.waitFor("the startd to retire", async () =>
      (await client.slots()).some(
        (s) => s.kind === "dynamic" && s.state === "Claimed" && s.activity === "Retiring",
      ),
    );
    rmSync(pool.hostPath(marker));
    const [job] = await client.waitForJobs(clusterId, { timeoutMs: 120_000 });
    expect(job).toMatchObject({ status: "completed", exitCode: 0, numJobStarts: 1 });
    expect(readFileSync(pool.hostPath(`${jobDir}/retire.out`), "utf8")).toBe("finished\n");
    await client.waitForStartdGone(startd, { timeoutMs: 60_000 });
    expect(await client.slots()).toEqual([]);
  }, 180_000);
});
