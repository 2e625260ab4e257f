import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { randomPortBase } from "../agents/test-helpers.js";
import { type MesosMasterServer, startMesosMaster } from "./server.js";
import { until } from "./test-helpers.js";

const require = createRequire(import.meta.url);

/** The parts of the npm `mesos-framework` package (plain JavaScript, no types) this test uses. */
interface MesosFrameworkScheduler {
  on(event: string, listener: (payload: unknown) => void): void;
  subscribe(): void;
  teardown(): void;
  frameworkId: string | null;
}
interface MesosFrameworkModule {
  Scheduler: new (options: Record<string, unknown>) => MesosFrameworkScheduler;
  Mesos: { getMesos(): { CommandInfo: new (...args: unknown[]) => unknown } };
}
interface UpdatePayload {
  status: { task_id: { value: string }; state: string; uuid?: string };
}

const { Scheduler, Mesos } = require("mesos-framework") as MesosFrameworkModule;

let mesos: MesosMasterServer | undefined;
let logDir: string | undefined;

afterEach(async () => {
  await mesos?.close();
  mesos = undefined;
  if (logDir) rmSync(logDir, { recursive: true, force: true });
  logDir = undefined;
});

describe("a third-party framework (npm mesos-framework, unchanged)", () => {
  it("subscribes, gets offers and runs a command task to TASK_FINISHED", async () => {
    mesos = await startMesosMaster({
      agents: 1,
      runner: "process",
      cleanup: true,
      portRangeStart: randomPortBase(),
      heartbeatIntervalSeconds: 0.5,
      allocationIntervalMs: 100,
    });
    const m = mesos;
    logDir = mkdtempSync(join(tmpdir(), "bsaas-mesos-framework-"));
    const mesosProto = Mesos.getMesos();
    const scheduler = new Scheduler({
      masterUrl: "127.0.0.1",
      port: m.port,
      frameworkName: "emulator-test",
      logging: { path: logDir, fileName: "framework.log", level: "error" },
      tasks: {
        writer: {
          priority: 1,
          instances: 1,
          commandInfo: new mesosProto.CommandInfo(
            null,
            null,
            true,
            'echo "from $MESOS_TASK_ID on $HOST" > "$MESOS_SANDBOX/out.txt"',
            null,
            null,
          ),
          resources: { cpus: 0.1, mem: 32, ports: 0, disk: 0 },
        },
      },
    });
    const errors: unknown[] = [];
    const updates: UpdatePayload[] = [];
    let subscribed: unknown;
    scheduler.on("error", (error) => errors.push(error));
    scheduler.on("update", (update) => updates.push(update as UpdatePayload));
    scheduler.on("subscribed", (info) => {
      subscribed = info;
    });
    scheduler.on("ready", () => scheduler.subscribe());

    await until(() => subscribed !== undefined, 10_000, "SUBSCRIBED");
    await until(() => updates.some((u) => u.status.state === "TASK_FINISHED"), 15_000, "TASK_FINISHED");
    const taskId = updates[0]?.status.task_id.value ?? "";
    expect(taskId).toMatch(/^emulator-test\.writer-1\./);
    expect(updates.map((u) => u.status.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    const out = join(m.sandboxOf(taskId) ?? "", "out.txt");
    await m.waitFor(() => existsSync(out));
    expect(readFileSync(out, "utf8")).toBe(`from ${taskId} on 127.0.0.1\n`);
    // The package acknowledged every update; none is waiting at the master.
    await m.waitFor(() => (m.master.frameworks()[0]?.pending.size ?? 1) === 0);
    expect(m.callCounts("scheduler")).toMatchObject({ SUBSCRIBE: 1, ACCEPT: 1, ACKNOWLEDGE: 3 });
    // Its stream reader handles one record per chunk: it must not have seen a chunk it could not parse.
    expect(errors).toEqual([]);

    // Stop it: after TEARDOWN the master ends the stream; the package then tries to re-subscribe, which the
    // closed master refuses, and it stops there.
    scheduler.teardown();
    await m.waitFor(() => m.master.frameworks().length === 0);
    await m.close();
    await until(
      () => errors.some((e) => /problem with the request/.test(JSON.stringify(e))),
      10_000,
      "the package to give up",
    );
  });
});
