// The pool client's command lines and its reading of the tools' output, with a recording stand-in for the tools.
// (pool.integration.test.ts runs the same client against a real HTCondor.)
import { describe, expect, it } from "vitest";
import { CondorJobNotFoundError, CondorOutputError, CondorPool } from "./client.js";
import { type CondorCommand, type CondorCommandResult, CondorToolError, type CondorTools } from "./tools.js";

function fakeTools(
  answer: (c: CondorCommand) => CondorCommandResult | Error,
): CondorTools & { seen: CondorCommand[] } {
  const seen: CondorCommand[] = [];
  return {
    seen,
    description: "fake",
    async run(command) {
      seen.push(command);
      const result = answer(command);
      if (result instanceof Error) throw result;
      return result;
    },
  };
}

const ok = (stdout: string): CondorCommandResult => ({ stdout, stderr: "" });

describe("CondorPool", () => {
  it("queries slots with -pool, -constraint and a projection that keeps what the typed view needs", async () => {
    // As the tools print it: expressions as "\/Expr(...)\/" with escaped slashes.
    const tools = fakeTools(() =>
      ok(
        JSON.stringify([
          {
            Name: "slot1@exec1@host",
            Machine: "host",
            State: "Unclaimed",
            Activity: "Idle",
            Cpus: 2,
            Memory: 1024,
            PartitionableSlot: true,
            Site: null,
            Start: "/Expr(TARGET.RequestMemory <= Memory)/",
          },
        ])
          .replaceAll("/Expr(", "\\/Expr(")
          .replaceAll(")/", ")\\/"),
      ),
    );
    const pool = new CondorPool({ tools, collector: "cm:9618" });
    const [slot] = await pool.slots({ constraint: 'Site == "a"', projection: ["Start"] });
    expect(tools.seen[0]?.tool).toBe("condor_status");
    expect(tools.seen[0]?.args.slice(0, 5)).toEqual([
      "-json",
      "-pool",
      "cm:9618",
      "-constraint",
      'Site == "a"',
    ]);
    expect(tools.seen[0]?.args[6]).toContain("PartitionableSlot");
    expect(tools.seen[0]?.args[6]).toContain("Start");
    expect(slot).toMatchObject({
      name: "slot1@exec1@host",
      startdName: "exec1@host",
      kind: "partitionable",
      cpus: 2,
      memoryMb: 1024,
      site: undefined,
    });
    expect(slot?.ad.get("Start")?.toString()).toBe("TARGET.RequestMemory <= Memory");
  });

  it("reads an empty answer (the tools print nothing when no ad matches) as no ads", async () => {
    const pool = new CondorPool({ tools: fakeTools(() => ok("")) });
    expect(await pool.slots()).toEqual([]);
    expect(await pool.jobs()).toEqual([]);
  });

  it("names the tool and the field when an ad lacks what bsaas relies on", async () => {
    const pool = new CondorPool({
      tools: fakeTools(() => ok('[{"ClusterId": 1, "ProcId": 0, "Owner": "u"}]')),
    });
    const error = await pool.jobs().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CondorOutputError);
    expect(String(error)).toMatch(/condor_q .*JobStatus/);
    const notJson = new CondorPool({ tools: fakeTools(() => ok("Error: no such schedd")) });
    await expect(notJson.jobs()).rejects.toThrow(/condor_q printed output bsaas cannot read: not JSON/);
  });

  it("maps job states and submits through stdin as the configured user", async () => {
    const tools = fakeTools((c) =>
      c.tool === "condor_submit"
        ? ok("12.0 - 12.2\n")
        : ok(JSON.stringify([{ ClusterId: 12, ProcId: 0, JobStatus: 5, Owner: "u", HoldReason: "why" }])),
    );
    const pool = new CondorPool({ tools, schedd: "submit@host", collector: "cm", user: "u" });
    const result = await pool.submit("executable = /bin/true\nqueue 3\n", { cwd: "/home/u" });
    expect(result).toEqual({ clusterId: 12, jobIds: ["12.0", "12.1", "12.2"] });
    expect(tools.seen[0]).toMatchObject({
      tool: "condor_submit",
      args: ["-terse", "-pool", "cm", "-name", "submit@host", "-"],
      input: "executable = /bin/true\nqueue 3\n",
      user: "u",
      cwd: "/home/u",
    });
    const [job] = await pool.jobs();
    expect(job).toMatchObject({ id: "12.0", status: "held", holdReason: "why", numJobStarts: 0 });
  });

  it("retries a query that failed like a busy daemon, but not one that failed for good", async () => {
    let calls = 0;
    const busy = new CondorPool({
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      tools: fakeTools((c) =>
        ++calls < 3
          ? new CondorToolError(c, {
              exitCode: 1,
              stdout: "",
              stderr:
                "-- Failed to fetch ads from: <127.0.0.1:1234>\nAUTHENTICATE:1006:exceeded 1795564322 deadline",
              reason: "exited with status 1",
              via: "fake",
            })
          : ok("[]"),
      ),
    });
    expect(await busy.jobs()).toEqual([]);
    expect(calls).toBe(3);

    calls = 0;
    const broken = new CondorPool({
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 },
      tools: fakeTools((c) => {
        calls++;
        return new CondorToolError(c, {
          exitCode: 1,
          stdout: "",
          stderr: "Error: unknown option -bogus",
          reason: "exited with status 1",
          via: "fake",
        });
      }),
    });
    await expect(broken.slots()).rejects.toBeInstanceOf(CondorToolError);
    expect(calls).toBe(1);
  });

  it("fails a submit whose output has no job ids", async () => {
    const pool = new CondorPool({ tools: fakeTools(() => ok("Submitting job(s)\n")) });
    await expect(pool.submit("queue")).rejects.toBeInstanceOf(CondorOutputError);
  });

  it("turns 'no such job' answers (exit 0 or 1) into CondorJobNotFoundError", async () => {
    const empty = new CondorPool({
      tools: fakeTools(() => ok("condor_rm:0:There are no jobs in the queue\n")),
    });
    await expect(empty.remove({ clusterId: 7 })).rejects.toBeInstanceOf(CondorJobNotFoundError);
    const missing = new CondorPool({
      tools: fakeTools(
        (c) =>
          new CondorToolError(c, {
            exitCode: 1,
            stdout: "Couldn't find/remove all jobs in cluster 7\n",
            stderr: "",
            reason: "exited with status 1",
            via: "fake",
          }),
      ),
      schedd: "s@h",
    });
    const error = await missing.hold({ clusterId: 7, procId: 1 }, { reason: "r" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CondorJobNotFoundError);
    expect(String(error)).toContain("condor_hold");
    expect(String(error)).toContain("job 7.1 not in the queue of s@h");
  });

  it("retires a startd peacefully and drains a slot with the chosen mode", async () => {
    const tools = fakeTools(() =>
      ok("Sent request to drain the startd ... with slot1@e@h. Request id: 42.\n"),
    );
    const pool = new CondorPool({ tools, collector: "cm" });
    await pool.retireStartd("e@h");
    expect(tools.seen[0]).toMatchObject({
      tool: "condor_off",
      args: ["-pool", "cm", "-peaceful", "-startd", "-name", "e@h"],
    });
    await pool.drain("slot1@e@h", { how: "quick", reason: "scale down", onCompletion: "exit" });
    expect(tools.seen[1]).toMatchObject({
      tool: "condor_drain",
      args: ["-pool", "cm", "-quick", "-reason", "scale down", "-exit-on-completion", "slot1@e@h"],
    });
  });

  it("waitForJobs stops with the hold reason when a job is held", async () => {
    const pool = new CondorPool({
      tools: fakeTools(() =>
        ok(JSON.stringify([{ ClusterId: 3, ProcId: 0, JobStatus: 5, Owner: "u", HoldReason: "disk full" }])),
      ),
    });
    await expect(pool.waitForJobs(3, { intervalMs: 1 })).rejects.toThrow(/job 3\.0 \(disk full\) is held/);
  });
});
