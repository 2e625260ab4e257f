// `bsaas mesos ...` against the emulator's Mesos master, as a user runs them.
import { execFile } from "node:child_process";
import { type MesosMasterServer, startMesosMaster } from "@bsaas/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
let master: MesosMasterServer;
beforeAll(async () => {
  master = await startMesosMaster({
    agents: [{ cpus: 4, mem: 8192, attributes: { site: "infn-ba" } }],
    heartbeatIntervalSeconds: 1,
  });
});
afterAll(() => master.close());

function bsaas(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("bsaas mesos", () => {
  it("agents: a table with site and resources, and --json with the operator API's answer", async () => {
    const table = await bsaas(["mesos", "agents", "--mesos", master.url]);
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^ID\s+HOSTNAME\s+SITE\s+CPUS\s+MEM \(MiB\)\s+STATE$/);
    expect(table.stdout).toMatch(/infn-ba\s+0\/4\s+0\/8192\s+active/);
    const json = await bsaas(["mesos", "agents", "--json"], { BSAAS_MESOS_URL: master.url });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).agents).toHaveLength(1);
  });

  it("state, frameworks and tasks answer", async () => {
    const state = await bsaas(["mesos", "state", "--mesos", master.url]);
    expect(state.code).toBe(0);
    expect(state.stdout).toContain(`leader      ${master.url}`);
    expect(state.stdout).toMatch(/agents\s+1: 0\/4 CPUs/);
    expect((await bsaas(["mesos", "frameworks", "--mesos", master.url])).stdout).toContain("No frameworks.");
    expect((await bsaas(["mesos", "tasks", "--mesos", master.url])).stdout).toContain("No tasks.");
  });

  it("watch prints the snapshot and exits after --count events", async () => {
    const { code, stdout } = await bsaas(["mesos", "watch", "--mesos", master.url, "--count", "1", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split("\n")[0] ?? "")).toMatchObject({
      kind: "event",
      event: { type: "SUBSCRIBED" },
    });
  });

  it("says what to do without a master URL", async () => {
    const { code, stderr } = await bsaas(["mesos", "agents"], { BSAAS_MESOS_URL: "" });
    expect(code).toBe(1);
    expect(stderr).toContain("No Mesos master URL given");
  });
});
