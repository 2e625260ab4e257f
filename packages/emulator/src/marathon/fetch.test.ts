import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive, randomPortBase } from "../agents/test-helpers.js";
import { type MarathonEmulator, startMarathonEmulator } from "./emulator.js";
import { type AppJson, call, type TaskJson } from "./test-helpers.js";

let marathon: MarathonEmulator | undefined;
let server: Server | undefined;
let sources: string;

beforeEach(() => {
  sources = mkdtempSync(join(tmpdir(), "marathon-fetch-"));
});

afterEach(async () => {
  await marathon?.close();
  marathon = undefined;
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
  rmSync(sources, { recursive: true, force: true });
});

async function start(): Promise<MarathonEmulator> {
  marathon = await startMarathonEmulator({
    runner: "process",
    portRangeStart: randomPortBase(),
    cleanup: true,
    timing: { healthCheckScale: 0.05, backoffScale: 0.01, killGraceScale: 0.1 },
  });
  return marathon;
}

/** The sandbox of the app's one task, once its stdout holds `lines` lines. */
async function sandboxWithOutput(m: MarathonEmulator, appId: string, lines: number): Promise<string> {
  let sandbox = "";
  await m.waitFor(
    () => {
      const [taskId] = m.taskIds(appId);
      sandbox = taskId === undefined ? "" : (m.sandboxOf(taskId) ?? "");
      const stdout = join(sandbox, "stdout");
      return existsSync(stdout) && readFileSync(stdout, "utf8").split("\n").length > lines;
    },
    { timeoutMs: 15_000, description: `${lines} lines of output of ${appId}` },
  );
  return sandbox;
}

const sleeper = (id: string, cmd: string, fetch: unknown[]) => ({ id, cmd, cpus: 0.1, mem: 16, fetch });

describe("Marathon app `fetch` with the process runner", { timeout: 30_000 }, () => {
  it("fetches a private file:// URI into the sandbox as 0600 before the command runs", async () => {
    const m = await start();
    const secret = join(sources, "secret.txt");
    writeFileSync(secret, "token-value\n", { mode: 0o600 });
    const res = await call(
      m,
      "POST",
      "/v2/apps",
      sleeper("/fetch/secret", "cat secret.txt && stat -c %a secret.txt && sleep 100", [
        { uri: `file://${secret}` },
      ]),
    );
    expect(res.status).toBe(201);
    const sandbox = await sandboxWithOutput(m, "/fetch/secret", 2);
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("token-value\n600\n");
    expect(statSync(join(sandbox, "secret.txt")).mode & 0o777).toBe(0o600);
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/fetch/secret")).body.app;
    expect(app.fetch).toEqual([{ uri: `file://${secret}`, extract: true, executable: false, cache: false }]);
  });

  it("fails the task with Mesos' fetcher message when a URI is missing", async () => {
    const m = await start();
    const missing = join(sources, "missing.txt");
    await call(m, "POST", "/v2/apps", sleeper("/fetch/missing", "sleep 100", [{ uri: `file://${missing}` }]));
    const failed = await m.waitForEvent("status_update_event", (e) => e.taskStatus === "TASK_FAILED", {
      includePast: true,
      timeoutMs: 15_000,
    });
    const taskId = String(failed.taskId);
    const messageOf = (id: string) =>
      `Failed to launch container: Failed to fetch all URIs for container '${id}': ` +
      `Failed to fetch 'file://${missing}': No such file or directory: '${missing}'`;
    expect(failed).toMatchObject({ appId: "/fetch/missing", message: messageOf(taskId) });
    // Marathon relaunches the failed task meanwhile: the last failure may be a later attempt's, with its own id.
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/fetch/missing")).body.app;
    const last = app.lastTaskFailure;
    expect(last).toMatchObject({ state: "TASK_FAILED", message: messageOf(String(last?.taskId)) });
    const stderr = readFileSync(join(m.sandboxOf(taskId) ?? "", "stderr"), "utf8");
    expect(stderr).toContain(`Failed to fetch all URIs for container '${taskId}'`);
  });

  it("extracts a .tar.gz into the sandbox, and renames with destPath", async () => {
    const m = await start();
    const content = join(sources, "content");
    mkdirSync(join(content, "etc"), { recursive: true });
    writeFileSync(join(content, "etc", "config"), "from the archive\n");
    execFileSync("tar", ["-czf", join(sources, "bundle.tgz"), "-C", content, "etc"]);
    writeFileSync(join(sources, "orig.txt"), "renamed\n");
    await call(
      m,
      "POST",
      "/v2/apps",
      sleeper("/fetch/archive", "cat etc/config named.txt && sleep 100", [
        { uri: `file://${join(sources, "bundle.tgz")}`, extract: true },
        { uri: join(sources, "orig.txt"), destPath: "named.txt" },
      ]),
    );
    const sandbox = await sandboxWithOutput(m, "/fetch/archive", 2);
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("from the archive\nrenamed\n");
    expect(existsSync(join(sandbox, "orig.txt"))).toBe(false);
  });

  it("downloads an http:// URI from a local server, executable when asked", async () => {
    const m = await start();
    const s = createServer((req, res) => {
      if (req.url === "/bin/tool") res.writeHead(200).end("#!/bin/sh\necho tool output\n");
      else res.writeHead(404).end();
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    const uri = `http://127.0.0.1:${(s.address() as AddressInfo).port}/bin/tool`;
    await call(
      m,
      "POST",
      "/v2/apps",
      sleeper("/fetch/http", "./tool && stat -c %a tool && sleep 100", [{ uri, executable: true }]),
    );
    const sandbox = await sandboxWithOutput(m, "/fetch/http", 2);
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("tool output\n700\n");
  });
});

describe("what the bsaas deployer relies on, with the process runner", { timeout: 30_000 }, () => {
  it("group PUT with nested apps, COMMAND health checks, POST /v2/tasks/delete?scale=true, and stats()", async () => {
    const m = await start();
    const healthy = {
      protocol: "COMMAND",
      command: { value: 'test -f stdout && test "$ROLE" = worker' },
      gracePeriodSeconds: 60,
      intervalSeconds: 1,
      timeoutSeconds: 5,
      maxConsecutiveFailures: 3,
    };
    const group = {
      id: "/site",
      apps: [{ id: "/site/cm", cmd: "sleep 300", cpus: 0.1, mem: 16, instances: 1 }],
      groups: [
        {
          id: "/site/workers",
          apps: [
            {
              id: "/site/workers/startd",
              cmd: "sleep 300",
              cpus: 0.1,
              mem: 16,
              instances: 2,
              env: { ROLE: "worker" },
              healthChecks: [healthy],
            },
          ],
        },
      ],
    };
    const put = await call<{ deploymentId: string }>(m, "PUT", "/v2/groups/site", group);
    expect(put.status).toBe(200);
    await m.waitForEvent("deployment_success", (e) => e.id === put.body.deploymentId, {
      includePast: true,
      timeoutMs: 20_000,
    });
    await m.waitFor(
      async () => {
        const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/site/workers/startd")).body.app;
        return app.tasksHealthy === 2;
      },
      { timeoutMs: 20_000, description: "both workers healthy" },
    );
    expect(m.stats()).toEqual({ total: 1, byMethod: { PUT: 1 }, byRoute: { "PUT /v2/groups/site": 1 } });
    // Reads are not counted: an apply that finds everything in place sends no mutating request.
    await call(m, "GET", "/v2/groups/site?embed=group.groups&embed=group.apps");
    await call(m, "GET", "/v2/apps?embed=apps.tasks");
    await call(m, "GET", "/v2/deployments");
    expect(m.stats().total).toBe(1);

    const tasks = (await call<{ tasks: TaskJson[] }>(m, "GET", "/v2/apps/site/workers/startd/tasks")).body
      .tasks;
    const [victim] = tasks;
    if (!victim) throw new Error("no task");
    const pid = (m.runner as { pidOf?(id: string): number | undefined }).pidOf?.(victim.id);
    if (pid === undefined) throw new Error("no pid");
    expect(isAlive(pid)).toBe(true);
    const scaled = await call<{ deploymentId: string }>(m, "POST", "/v2/tasks/delete?scale=true", {
      ids: [victim.id],
    });
    expect(scaled.status).toBe(200);
    await m.waitForEvent("deployment_success", (e) => e.id === scaled.body.deploymentId, {
      includePast: true,
      timeoutMs: 20_000,
    });
    const app = (await call<{ app: AppJson }>(m, "GET", "/v2/apps/site/workers/startd")).body.app;
    expect(app.instances).toBe(2 - 1);
    expect(m.taskIds("/site/workers/startd")).not.toContain(victim.id);
    await m.waitFor(() => !isAlive(pid), { description: "the killed task's process to end" });
    expect(m.stats().byRoute).toEqual({ "PUT /v2/groups/site": 1, "POST /v2/tasks/delete": 1 });
  });
});
