// `bsaas emulator start` as a user runs it: a foreground process that prints its URL and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MarathonClient, waitForAppHealthy } from "@bsaas/sdk/marathon";
import { MesosOperatorClient } from "@bsaas/sdk/mesos";
import { afterEach, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function start(args: string[]) {
  const child = spawn(
    process.execPath,
    [bin, "emulator", "start", "--marathon-port", "0", "--mesos-port", "0", "--json", ...args],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let out = "";
  const ready = await new Promise<{ mesos: string; marathon: string; agents: number; runner: string }>(
    (resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) resolve(JSON.parse(line));
      });
      child.once("exit", (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, ready, exited };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("bsaas emulator start", () => {
  it("serves Marathon on the printed URL and exits 0 on SIGTERM, freeing the port", async () => {
    const { child, ready, exited } = await start(["--agents", "2"]);
    expect(ready).toMatchObject({ agents: 2, runner: "simulated" });
    const info = await new MarathonClient({ url: ready.marathon }).info();
    expect(info.name).toBe("marathon");
    const mesos = new MesosOperatorClient({ master: ready.mesos });
    const { frameworks } = await mesos.getFrameworks();
    expect(frameworks?.map((f) => f.framework_info.name)).toEqual(["marathon"]);
    expect(info.frameworkId).toBe(frameworks?.[0]?.framework_info.id?.value);
    mesos.close();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await expect(fetch(`${ready.marathon}/ping`)).rejects.toThrow();
  });

  it("with --runner process runs command tasks as local processes and stops them on SIGTERM", async () => {
    const workDir = mkdtempSync(join(tmpdir(), "bsaas-emu-"));
    const { child, ready, exited } = await start(["--runner", "process", "--work-dir", workDir]);
    const marathon = new MarathonClient({ url: ready.marathon });
    await marathon.createApp({
      id: "/sleeper",
      cmd: 'echo $$ > "$MESOS_SANDBOX/pid"; exec sleep 600',
      cpus: 0.1,
      mem: 32,
      instances: 1,
    });
    expect(
      (await waitForAppHealthy(marathon, "/sleeper", { timeoutMs: 20_000, pollIntervalMs: 50 })).outcome,
    ).toBe("healthy");
    const [task] = await marathon.appTasks("/sleeper");
    expect(task?.state).toBe("TASK_RUNNING");
    const pidFile = await waitForFile(workDir, "pid");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(alive(pid)).toBe(true);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(alive(pid)).toBe(false);
    rmSync(workDir, { recursive: true, force: true });
  });
});

/** The first file named `name` below `dir` (task sandboxes are nested), once it exists. */
async function waitForFile(dir: string, name: string, timeoutMs = 10_000): Promise<string> {
  const { readdirSync, statSync } = await import("node:fs");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stack = [dir];
    while (stack.length > 0) {
      const current = stack.pop() as string;
      for (const entry of readdirSync(current)) {
        const path = join(current, entry);
        if (entry === name && existsSync(path) && readFileSync(path, "utf8").trim()) return path;
        if (statSync(path).isDirectory()) stack.push(path);
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${name} under ${dir}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
