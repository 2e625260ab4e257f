import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentCluster } from "./cluster.js";
import { ProcessRunner } from "./process-runner.js";
import type { TaskFetchUri, TaskLaunchSpec, TaskStatusUpdate } from "./runner.js";
import { randomPortBase, until } from "./test-helpers.js";
import { isTerminalState } from "./types.js";

let workDir: string;
let sources: string;
let runner: ProcessRunner;
let server: Server | undefined;
const cluster = new AgentCluster(1, { portRangeStart: randomPortBase(1000) });
const agent = cluster.agents[0];
if (!agent) throw new Error("no agent");

beforeEach(() => {
  workDir = mkdtempSync(join(tmpdir(), "fetcher-test-"));
  sources = mkdtempSync(join(tmpdir(), "fetcher-sources-"));
  runner = new ProcessRunner({ workDir });
});

afterEach(async () => {
  await runner.close();
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  }
  rmSync(workDir, { recursive: true, force: true });
  rmSync(sources, { recursive: true, force: true });
});

function spec(taskId: string, cmd: string, uris: TaskFetchUri[]): TaskLaunchSpec {
  return {
    taskId,
    agent: agent as NonNullable<typeof agent>,
    resources: { cpus: 0.1, mem: 16, disk: 0, gpus: 0 },
    ports: [],
    command: { shell: true, value: cmd },
    env: {},
    uris,
  };
}

/** Runs a task to its end; returns its updates and sandbox. */
async function runTask(
  taskId: string,
  cmd: string,
  uris: TaskFetchUri[],
): Promise<{ updates: TaskStatusUpdate[]; sandbox: string }> {
  const updates: TaskStatusUpdate[] = [];
  runner.launch(spec(taskId, cmd, uris), (u) => updates.push(u));
  await until(() => {
    const u = updates[updates.length - 1];
    return u !== undefined && isTerminalState(u.state);
  });
  return { updates, sandbox: runner.sandboxOf(taskId) ?? "" };
}

const modeOf = (path: string) => statSync(path).mode & 0o777;
const logged = (taskId: string, text: string) => () => {
  const stderr = join(runner.sandboxOf(taskId) ?? "", "stderr");
  return existsSync(stderr) && readFileSync(stderr, "utf8").includes(text);
};

/** Serves `routes` (path → body; anything else 404) on loopback; returns the base URL. */
async function serve(routes: Record<string, string | Buffer | "hang">): Promise<string> {
  const s = createServer((req, res) => {
    const body = routes[req.url ?? ""];
    if (body === "hang") return; // never answers
    if (body === undefined) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  server = s;
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe("ProcessRunner fetcher (CommandInfo.uris)", () => {
  it("copies file:// URIs and plain paths into the sandbox, 0600 (0700 when executable), before the command runs", async () => {
    writeFileSync(join(sources, "secret.txt"), "s3cret\n", { mode: 0o644 });
    writeFileSync(join(sources, "tool.sh"), "#!/bin/sh\necho tool ran\n", { mode: 0o644 });
    writeFileSync(join(sources, "plain.conf"), "x=1\n");
    const { updates, sandbox } = await runTask("f1", "cat secret.txt && ./tool.sh && cat conf/renamed.conf", [
      { value: `file://${join(sources, "secret.txt")}` },
      { value: `file://localhost${join(sources, "tool.sh")}`, executable: true },
      { value: join(sources, "plain.conf"), outputFile: "conf/renamed.conf", cache: true },
    ]);
    expect(updates.map((u) => u.state)).toEqual([
      "TASK_STAGING",
      "TASK_STARTING",
      "TASK_RUNNING",
      "TASK_FINISHED",
    ]);
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("s3cret\ntool ran\nx=1\n");
    expect(modeOf(join(sandbox, "secret.txt"))).toBe(0o600);
    expect(modeOf(join(sandbox, "tool.sh"))).toBe(0o700);
    expect(modeOf(join(sandbox, "conf", "renamed.conf"))).toBe(0o600);
    const log = readFileSync(join(sandbox, "stderr"), "utf8");
    expect(log).toContain(
      `Fetched 'file://${join(sources, "secret.txt")}' to '${join(sandbox, "secret.txt")}'`,
    );
    expect(log).toContain(`Successfully fetched all URIs into '${sandbox}'`);
  });

  it("fails the task before it starts when a URI cannot be fetched, and says so in the sandbox's stderr", async () => {
    const missing = join(sources, "missing.txt");
    const { updates, sandbox } = await runTask("f2", "echo should not run", [{ value: `file://${missing}` }]);
    const message =
      `Failed to launch container: Failed to fetch all URIs for container 'f2': ` +
      `Failed to fetch 'file://${missing}': No such file or directory: '${missing}'`;
    expect(updates.map((u) => u.state)).toEqual(["TASK_STAGING", "TASK_FAILED"]);
    expect(updates[1]?.message).toBe(message);
    expect(readFileSync(join(sandbox, "stderr"), "utf8")).toContain(
      message.slice("Failed to launch container: ".length),
    );
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe("");
    expect(existsSync(join(sandbox, "missing.txt"))).toBe(false);
  });

  it("refuses relative paths and URIs it cannot fetch, worded like mesos-fetcher", async () => {
    const relative = await runTask("f3", "true", [{ value: "relative/file.txt" }]);
    expect(relative.updates.at(-1)?.message).toContain(
      "A relative path was passed for the resource but the Mesos framework home was not specified",
    );
    const hdfs = await runTask("f4", "true", [{ value: "hdfs://namenode/x.tar" }]);
    expect(hdfs.updates.at(-1)).toMatchObject({ state: "TASK_FAILED" });
    expect(hdfs.updates.at(-1)?.message).toContain("unsupported URI scheme");
    const outside = await runTask("f5", "true", [{ value: join(sources, "x"), outputFile: "../x" }]);
    expect(outside.updates.at(-1)?.message).toContain("output file '../x' is not a file inside the sandbox");
  });

  it("extracts tar.gz, tar and zip archives into the sandbox; other files are copied even with extract", async () => {
    const content = join(sources, "content");
    mkdirSync(join(content, "bin"), { recursive: true });
    writeFileSync(join(content, "bin", "hello"), "#!/bin/sh\necho hello from the archive\n", { mode: 0o755 });
    writeFileSync(join(content, "readme.txt"), "read me\n");
    execFileSync("tar", ["-czf", join(sources, "bundle.tar.gz"), "-C", content, "bin", "readme.txt"]);
    execFileSync("tar", ["-cf", join(sources, "other.tar"), "-C", content, "readme.txt"]);
    writeFileSync(join(sources, "notes.txt"), "just text\n");
    const uris: TaskFetchUri[] = [
      { value: `file://${join(sources, "bundle.tar.gz")}`, extract: true },
      { value: join(sources, "other.tar"), extract: true, outputFile: "sub/other.tar" },
      { value: `file://${join(sources, "notes.txt")}` },
      { value: `file://${join(sources, "bundle.tar.gz")}`, extract: false, outputFile: "kept.tar.gz" },
    ];
    const hasZip = existsSync("/usr/bin/zip") && existsSync("/usr/bin/unzip");
    if (hasZip) {
      execFileSync("zip", ["-q", "-r", join(sources, "z.zip"), "readme.txt"], { cwd: content });
      uris.push({ value: `file://${join(sources, "z.zip")}`, outputFile: "zipped/z.zip" });
    }
    const { updates, sandbox } = await runTask("f6", "bin/hello && cat readme.txt notes.txt", uris);
    expect(updates.at(-1)?.state).toBe("TASK_FINISHED");
    expect(readFileSync(join(sandbox, "stdout"), "utf8")).toBe(
      "hello from the archive\nread me\njust text\n",
    );
    expect(modeOf(join(sandbox, "bin", "hello"))).toBe(0o755);
    // The archive itself stays in the sandbox (private), like Mesos; extraction goes to the sandbox's top level.
    expect(modeOf(join(sandbox, "bundle.tar.gz"))).toBe(0o600);
    expect(existsSync(join(sandbox, "sub", "other.tar"))).toBe(true);
    expect(existsSync(join(sandbox, "sub", "readme.txt"))).toBe(false);
    expect(existsSync(join(sandbox, "kept.tar.gz"))).toBe(true);
    if (hasZip) expect(existsSync(join(sandbox, "zipped", "z.zip"))).toBe(true);
  });

  it("fails the task when an archive cannot be extracted", async () => {
    writeFileSync(join(sources, "broken.tar.gz"), "this is not gzip data");
    const { updates } = await runTask("f7", "true", [{ value: join(sources, "broken.tar.gz") }]);
    expect(updates.at(-1)?.state).toBe("TASK_FAILED");
    expect(updates.at(-1)?.message).toMatch(
      /^Failed to launch container: Failed to fetch all URIs for container 'f7': Failed to fetch '.*broken\.tar\.gz': Failed to extract archive/,
    );
  });

  it("downloads http:// URIs; an HTTP error fails the task with the status code", async () => {
    const base = await serve({ "/files/app.cfg": "served\n" });
    const ok = await runTask("f8", "cat app.cfg && stat -c %a app.cfg", [{ value: `${base}/files/app.cfg` }]);
    expect(ok.updates.at(-1)?.state).toBe("TASK_FINISHED");
    expect(readFileSync(join(ok.sandbox, "stdout"), "utf8")).toBe("served\n600\n");
    const missing = await runTask("f9", "true", [{ value: `${base}/files/nope.cfg` }]);
    expect(missing.updates.at(-1)).toMatchObject({
      state: "TASK_FAILED",
      message:
        `Failed to launch container: Failed to fetch all URIs for container 'f9': ` +
        `Failed to fetch '${base}/files/nope.cfg': Error downloading resource, received HTTP return code 404`,
    });
  });

  it("a kill while fetching ends the task before it starts; close() aborts pending downloads", async () => {
    const base = await serve({ "/slow": "hang" });
    const updates: TaskStatusUpdate[] = [];
    runner.launch(spec("f10", "echo ran > ran", [{ value: `${base}/slow` }]), (u) => updates.push(u));
    await until(logged("f10", "Fetching URI"));
    runner.kill("f10");
    await until(() => updates.some((u) => isTerminalState(u.state)));
    expect(updates.map((u) => u.state)).toEqual(["TASK_STAGING", "TASK_KILLING", "TASK_KILLED"]);
    expect(updates.at(-1)?.message).toBe("Task killed before it started");

    const pending: TaskStatusUpdate[] = [];
    runner.launch(spec("f11", "echo ran > ran", [{ value: `${base}/slow` }]), (u) => pending.push(u));
    await until(logged("f11", "Fetching URI"));
    const sandbox = runner.sandboxOf("f11") ?? "";
    await runner.close();
    expect(pending.at(-1)?.state).toBe("TASK_KILLED");
    expect(existsSync(join(sandbox, "ran"))).toBe(false);
  });
});
