// One HTCondor instance from the SDK's generator, started and stopped for real: it serves, and stopping it leaves
// nothing behind (no process, no mount, no directory).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { freeLoopbackPort, waitFor } from "../../../test/support/rootfs.js";
import { CondorPool } from "../pool/client.js";
import { hostPath, locateHTCondor } from "./installation.js";
import { startCondorInstance } from "./instance.js";

function processesWithConfig(configFile: string): number[] {
  const marker = `CONDOR_CONFIG=${configFile}\0`;
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return `${readFileSync(`/proc/${e}/environ`, "latin1")}\0`.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe("startCondorInstance", () => {
  it("runs a personal HTCondor that answers, and stopping it leaves nothing behind", {
    timeout: 120_000,
  }, async () => {
    const installation = await locateHTCondor();
    const port = await freeLoopbackPort();
    const instance = startCondorInstance({
      installation,
      name: "personal",
      config: (paths) => ({
        role: "personal",
        name: "personal",
        localDir: paths.localDir,
        sharedPort: { enabled: true, port },
        security: { mode: "none" },
        network: { bindAddress: "127.0.0.1" },
        sandboxCompat: true,
      }),
    });
    // The personal role finds its own collector through its configuration, as HTCondor's tools do.
    const pool = new CondorPool({ tools: instance.tools });
    try {
      // Every daemon of the personal role advertises itself to its collector.
      const types = async () =>
        new Set(
          (await pool.queryCollector("any")).map((ad) => {
            const type = ad.evaluate("MyType");
            return type.type === "string" ? type.value : "";
          }),
        );
      const expected = ["Collector", "Negotiator", "Scheduler", "DaemonMaster", "Machine"];
      await waitFor(`ads of ${expected.join(", ")}`, async () => {
        const seen = await types();
        return expected.every((t) => seen.has(t));
      });
      expect((await pool.slots()).map((s) => s.kind)).toEqual(["partitionable"]);
      expect(processesWithConfig(instance.paths.configFile).length).toBeGreaterThanOrEqual(5);
    } finally {
      await instance.stop({ how: "fast" });
    }
    expect(processesWithConfig(instance.paths.configFile)).toEqual([]);
    expect(existsSync(hostPath(installation, instance.paths.localDir))).toBe(false);
    if (installation.kind === "rootfs") {
      expect(readFileSync("/proc/self/mountinfo", "utf8")).not.toContain(` ${installation.rootfs}/`);
    }
  });
});
