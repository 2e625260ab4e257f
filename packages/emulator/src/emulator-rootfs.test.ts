import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { hostMountsOf, processesWithEnv, randomPortBase } from "./agents/test-helpers.js";
import { type Emulator, startEmulator } from "./emulator.js";
import { type AppJson, call } from "./marathon/test-helpers.js";

const ROOTFS = "/var/lib/bsaas/htcondor-trixie";

/** Why these tests cannot run here, or undefined when they can. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (mount namespaces and chroot)";
  if (!existsSync(join(ROOTFS, ".bsaas-provisioned")))
    return `needs a provisioned HTCondor rootfs at ${ROOTFS}`;
  return undefined;
}
const reason = unavailable();

let emulator: Emulator | undefined;
let sources: string | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
  if (sources) rmSync(sources, { recursive: true, force: true });
  sources = undefined;
});

describe.skipIf(reason !== undefined)(
  `startEmulator with rootfs${reason === undefined ? "" : ` (skipped: ${reason})`}`,
  { timeout: 30_000 },
  () => {
    it("runs Marathon apps in the rootfs: fetched host files, COMMAND health checks, nothing left after close", async () => {
      sources = mkdtempSync(join(tmpdir(), "emulator-rootfs-"));
      writeFileSync(join(sources, "token"), "pool-token\n", { mode: 0o600 });
      const e = await startEmulator({
        runner: "process",
        rootfs: ROOTFS,
        cleanup: true,
        agents: 1,
        portRangeStart: randomPortBase(),
        marathon: { timing: { healthCheckScale: 0.05, backoffScale: 0.01, killGraceScale: 0.1 } },
      });
      emulator = e;
      await call(e.marathon, "POST", "/v2/apps", {
        id: "/condor/cm",
        cmd: "cat /etc/debian_version token; echo $MESOS_SANDBOX; sleep 300 & sleep 300",
        cpus: 0.1,
        mem: 16,
        fetch: [{ uri: `file://${join(sources, "token")}` }],
        healthChecks: [
          {
            protocol: "COMMAND",
            command: { value: "test -x /usr/sbin/condor_master && test -f token" },
            gracePeriodSeconds: 60,
            intervalSeconds: 1,
            maxConsecutiveFailures: 3,
          },
        ],
      });
      await e.marathon.waitFor(
        async () =>
          (await call<{ app: AppJson }>(e.marathon, "GET", "/v2/apps/condor/cm")).body.app.tasksHealthy === 1,
        { timeoutMs: 20_000, description: "the app to be healthy" },
      );
      const [taskId] = e.marathon.taskIds("/condor/cm");
      if (!taskId) throw new Error("no task");
      const sandbox = e.marathon.sandboxOf(taskId) ?? "";
      expect(sandbox.startsWith(`${ROOTFS}/var/lib/mesos/bsaas-emulator-`)).toBe(true);
      const lines = readFileSync(join(sandbox, "stdout"), "utf8").split("\n");
      expect(lines[0]).toMatch(/^13\./);
      expect(lines.slice(1, 3)).toEqual(["pool-token", sandbox.slice(ROOTFS.length)]);
      expect(processesWithEnv("MESOS_TASK_ID", taskId).length).toBeGreaterThanOrEqual(2);
      await e.close();
      expect(processesWithEnv("MESOS_TASK_ID", taskId)).toEqual([]);
      expect(hostMountsOf(ROOTFS)).toEqual([]);
      expect(existsSync(sandbox)).toBe(false);
    });
  },
);
