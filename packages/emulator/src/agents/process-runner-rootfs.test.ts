import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AgentCluster } from "./cluster.js";
import { ProcessRunner } from "./process-runner.js";
import type { TaskLaunchSpec, TaskStatusUpdate } from "./runner.js";
import { hostMountsOf, isAlive, processesWithEnv, randomPortBase, until } from "./test-helpers.js";
import { isTerminalState } from "./types.js";

const ROOTFS = "/var/lib/bsaas/htcondor-trixie";

/** Why these tests cannot run here, or undefined when they can. */
function unavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "needs root (mount namespaces and chroot)";
  if (!existsSync(join(ROOTFS, ".bsaas-provisioned")))
    return `needs a provisioned HTCondor rootfs at ${ROOTFS}`;
  return undefined;
}
const reason = unavailable();

const cluster = new AgentCluster(1, { portRangeStart: randomPortBase(1000) });
const agent = cluster.agents[0];
if (!agent) throw new Error("no agent");

let runner: ProcessRunner | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await runner?.close();
  runner = undefined;
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A runner on the rootfs whose work dir (made by the runner) is removed on close. */
function rootfsRunner(): ProcessRunner {
  runner = new ProcessRunner({ rootfs: ROOTFS, cleanup: true, killGraceScale: 0.1, closeGraceMs: 200 });
  return runner;
}

/** A task id no other test (or engineer) uses: processes are found by it (`MESOS_TASK_ID` in their environment). */
function uniqueId(name: string): string {
  return `${name}-${randomBytes(4).toString("hex")}`;
}

function spec(taskId: string, cmd: string, extra: Partial<TaskLaunchSpec> = {}): TaskLaunchSpec {
  return {
    taskId,
    agent: agent as NonNullable<typeof agent>,
    resources: { cpus: 0.1, mem: 16, disk: 0, gpus: 0 },
    ports: [],
    command: { shell: true, value: cmd },
    env: { GREETING: "hello" },
    ...extra,
  };
}

function launch(r: ProcessRunner, s: TaskLaunchSpec): TaskStatusUpdate[] {
  const updates: TaskStatusUpdate[] = [];
  r.launch(s, (u) => updates.push(u));
  return updates;
}

const last = (updates: TaskStatusUpdate[]) => updates[updates.length - 1];
const ended = (updates: TaskStatusUpdate[]) => () => {
  const u = last(updates);
  return u !== undefined && isTerminalState(u.state);
};
const running = (updates: TaskStatusUpdate[]) => () => updates.some((u) => u.state === "TASK_RUNNING");

/** Waits until the task wrote the pids of its shell and its background child into the sandbox. */
async function pidsOf(sandbox: string): Promise<number[]> {
  await until(() =>
    ["pid", "child"].every(
      (f) => existsSync(join(sandbox, f)) && readFileSync(join(sandbox, f), "utf8").trim() !== "",
    ),
  );
  return ["pid", "child"].map((f) => Number(readFileSync(join(sandbox, f), "utf8")));
}

describe.skipIf(reason !== undefined)(
  `ProcessRunner with rootfs${reason === undefined ? "" : ` (skipped: ${reason})`}`,
  { timeout: 30_000 },
  () => {
    it("runs the task chrooted into the rootfs, in its sandbox, with MESOS_SANDBOX as seen inside", async () => {
      const r = rootfsRunner();
      const updates = launch(
        r,
        spec("t1", "cat /etc/debian_version; echo $MESOS_SANDBOX; pwd; ls /usr/sbin/condor_master"),
      );
      await until(ended(updates));
      expect(updates.map((u) => u.state)).toEqual([
        "TASK_STAGING",
        "TASK_STARTING",
        "TASK_RUNNING",
        "TASK_FINISHED",
      ]);
      expect(r.workDir.startsWith(`${ROOTFS}/var/lib/mesos/bsaas-emulator-`)).toBe(true);
      const sandbox = r.sandboxOf("t1") ?? "";
      expect(sandbox).toBe(join(r.workDir, "agents", agent?.id ?? "", "sandboxes", "t1"));
      const inside = sandbox.slice(ROOTFS.length);
      expect(inside.startsWith("/var/lib/mesos/bsaas-emulator-")).toBe(true);
      const lines = readFileSync(join(sandbox, "stdout"), "utf8").split("\n");
      expect(lines[0]).toMatch(/^13\./);
      expect(lines[0]).toBe(readFileSync(join(ROOTFS, "etc", "debian_version"), "utf8").trim());
      expect(lines.slice(1)).toEqual([inside, inside, "/usr/sbin/condor_master", ""]);
      expect(readFileSync(join(sandbox, "stderr"), "utf8")).toBe("");
    });

    it("does not see the host's files, but mounts /proc, /dev and /etc/hosts only in the task's namespace", async () => {
      const r = rootfsRunner();
      const hostDir = mkdtempSync(join(tmpdir(), "rootfs-host-only-"));
      cleanups.push(() => rmSync(hostDir, { recursive: true, force: true }));
      const id = uniqueId("t2");
      const updates = launch(
        r,
        spec(
          id,
          `test ! -e ${hostDir} && test -r /proc/self/status && test -c /dev/null && echo ok > checks; ` +
            "cat /etc/hosts > hosts.seen; echo ready > ready; exec sleep 1000",
        ),
      );
      await until(running(updates));
      const sandbox = r.sandboxOf(id) ?? "";
      await until(() => existsSync(join(sandbox, "ready")));
      const pid = r.pidOf(id);
      if (pid === undefined) throw new Error("no pid");
      // The task's own mount table has the rootfs mounts; the host's (this process's) has none of them.
      const taskMounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8");
      expect(taskMounts).toContain(" /proc ");
      expect(taskMounts).toContain(" /dev ");
      expect(taskMounts).toContain(" /etc/hosts ");
      expect(hostMountsOf(ROOTFS)).toEqual([]);
      expect(readFileSync(join(sandbox, "checks"), "utf8")).toBe("ok\n");
      expect(readFileSync(join(sandbox, "hosts.seen"), "utf8")).toBe(readFileSync("/etc/hosts", "utf8"));
      r.kill(id);
      await until(ended(updates));
      expect(last(updates)?.state).toBe("TASK_KILLED");
      expect(hostMountsOf(ROOTFS)).toEqual([]);
    });

    it("runs command health checks inside the rootfs, in the sandbox, with the task's environment", async () => {
      const r = rootfsRunner();
      const hostDir = mkdtempSync(join(tmpdir(), "rootfs-check-"));
      cleanups.push(() => rmSync(hostDir, { recursive: true, force: true }));
      const id = uniqueId("t3");
      const updates = launch(r, spec(id, "exec sleep 1000"));
      await until(running(updates));
      const check =
        'test -x /usr/sbin/condor_master && grep -q "^13\\." /etc/debian_version && ' +
        'test "$(pwd)" = "$MESOS_SANDBOX" && test -f stdout && test "$GREETING" = hello';
      expect(await r.runCommandCheck(id, check, 10_000)).toEqual({ ok: true });
      expect(await r.runCommandCheck(id, `test -e ${hostDir}`, 10_000)).toEqual({
        ok: false,
        cause: "exited with status 1",
      });
      expect(hostMountsOf(ROOTFS)).toEqual([]);
    });

    it("kill reaches every process of the task, background children included, and leaves no mount", async () => {
      const r = rootfsRunner();
      const id = uniqueId("t4");
      const updates = launch(
        r,
        spec(id, "sleep 1000 & echo $! > child; echo $$ > pid; sleep 1000", { killGracePeriodMs: 2000 }),
      );
      await until(running(updates));
      const pids = await pidsOf(r.sandboxOf(id) ?? "");
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      // unshare, sh, chroot and the inner sh all exec: the task's shell is the process the runner started.
      expect(pids[0]).toBe(r.pidOf(id));
      expect(processesWithEnv("MESOS_TASK_ID", id).length).toBeGreaterThanOrEqual(2);
      r.kill(id);
      await until(ended(updates));
      expect(last(updates)?.state).toBe("TASK_KILLED");
      await until(() => processesWithEnv("MESOS_TASK_ID", id).length === 0);
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
      expect(hostMountsOf(ROOTFS)).toEqual([]);
    });

    it("close() leaves no process and no mount, and removes the work dir it made inside the rootfs", async () => {
      const r = rootfsRunner();
      const ids = [uniqueId("t5"), uniqueId("t6")];
      const pids: number[] = [];
      for (const id of ids) {
        const updates = launch(r, spec(id, "sleep 1000 & echo $! > child; echo $$ > pid; wait"));
        await until(running(updates));
        pids.push(...(await pidsOf(r.sandboxOf(id) ?? "")));
      }
      const workDir = r.workDir;
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      await r.close();
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
      for (const id of ids) expect(processesWithEnv("MESOS_TASK_ID", id)).toEqual([]);
      expect(hostMountsOf(ROOTFS)).toEqual([]);
      expect(existsSync(workDir)).toBe(false);
    });

    it("fetches URIs from the host's filesystem into the sandbox inside the rootfs", async () => {
      const r = rootfsRunner();
      const hostDir = mkdtempSync(join(tmpdir(), "rootfs-fetch-"));
      cleanups.push(() => rmSync(hostDir, { recursive: true, force: true }));
      const secret = join(hostDir, "token");
      writeFileSync(secret, "s3cret\n", { mode: 0o600 });
      const id = uniqueId("t7");
      const updates = launch(
        r,
        spec(id, `cat token && stat -c %a token && test ! -e ${hostDir} && pwd`, {
          uris: [{ value: `file://${secret}` }],
        }),
      );
      await until(ended(updates));
      expect(last(updates)?.state).toBe("TASK_FINISHED");
      const sandbox = r.sandboxOf(id) ?? "";
      expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe(
        `s3cret\n600\n${sandbox.slice(ROOTFS.length)}\n`,
      );
      expect(statSync(join(sandbox, "token")).mode & 0o777).toBe(0o600);
    });

    it("refuses a work dir outside the rootfs", () => {
      const outside = mkdtempSync(join(tmpdir(), "rootfs-outside-"));
      cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
      expect(() => new ProcessRunner({ rootfs: ROOTFS, workDir: outside })).toThrow(
        `workDir ${outside} must be inside rootfs ${ROOTFS}`,
      );
      expect(() => new ProcessRunner({ rootfs: join(outside, "missing") })).toThrow(/is not a directory/);
      const inside = new ProcessRunner({ rootfs: ROOTFS, workDir: join(ROOTFS, "var", "lib", "mesos", "x") });
      expect(inside.workDir).toBe(join(ROOTFS, "var", "lib", "mesos", "x"));
    });
  },
);
