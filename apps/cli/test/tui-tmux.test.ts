// `bsaas tui` as a user runs it: the real binary in a real terminal (tmux: new-session, send-keys, capture-pane),
// against the emulator's Mesos and Marathon with the SIMULATED runner, the cluster applied from examples/local.yaml.
// Tasks only change state there (no HTCondor daemon runs), so the HTCondor panel says the pool cannot be read, and
// scaling is tested UP (3 → 4): scaling down drains the executors in HTCondor first and needs a real pool (the
// dashboard then shows the drain's error, as the component tests check). Scaling goes through the SDK's
// ClusterClient, which opens its HTCondor client first: HTCondor's tools must be on this machine, as for `bsaas scale`.
// The tmux server has a socket of its own, so no other tmux session is touched; every wait is on a condition.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@bsaas/emulator";
import { ClusterClient, loadClusterSpec, localAgents, parseClusterSpec } from "@bsaas/sdk/cluster";
import { MarathonClient } from "@bsaas/sdk/marathon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
const examples = new URL("../../../examples/", import.meta.url).pathname;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const socket = `bsaas-tui-test-${process.pid}`;
const session = "tui";
/** The server's socket file (tmux leaves it behind after kill-server). */
let socketPath: string | undefined;

function tmux(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("tmux", ["-L", socket, ...args], (error, stdout, stderr) => {
      if (error) reject(new Error(`tmux ${args.join(" ")}: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

/** What the terminal shows now. */
const screen = () => tmux("capture-pane", "-p", "-t", session);

/** Waits until the screen satisfies `check`; fails with the last screen. */
async function screenWhere(
  check: (text: string) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    last = await screen().catch((error: unknown) => String(error));
    if (check(last)) return last;
    if (Date.now() > deadline) throw new Error(`the screen never showed ${what}; it shows:\n${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const name = `tuitmux-${process.pid}`;
const groupId = `/bsaas/${name}/local`;
let dir: string;
let file: string;
let stateDir: string;
let emulator: Emulator;
let marathon: MarathonClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bsaas-tui-tmux-"));
  stateDir = join(dir, "state");
  const port = await freePort();
  const text = (await readFile(join(examples, "local.yaml"), "utf8"))
    .replace(/^ {2}name: local$/m, `  name: ${name}`)
    .replace(/^htcondor:\n/m, `htcondor:\n  port: ${port}\n`);
  emulator = await startEmulator({
    runner: "simulated",
    agents: localAgents(parseClusterSpec(text)),
    mesos: { port: 0 },
    marathon: { port: 0 },
  });
  file = join(dir, "cluster.yaml");
  await writeFile(
    file,
    text
      .replace("http://127.0.0.1:8080", emulator.marathonUrl)
      .replace("http://127.0.0.1:5050", emulator.mesosUrl),
  );
  await ClusterClient.open(await loadClusterSpec(file), { stateDir }).apply({ verify: false });
  marathon = new MarathonClient({ url: emulator.marathonUrl });
}, 60_000);

afterAll(async () => {
  await tmux("kill-server").catch(() => undefined);
  if (socketPath) await rm(socketPath, { force: true });
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
  for (const parent of ["/var/lib/bsaas/clients", "/var/lib/bsaas/htcondor-trixie/var/lib/bsaas/clients"]) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    for (const entry of entries.filter((e) => e.startsWith(`${name}-`)))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
});

const row = (app: string, instances: string) =>
  new RegExp(`${app}\\s+[\\d.]+\\s+\\d+\\s+Running\\s+${instances}\\s+healthy`);

describe.sequential("bsaas tui in tmux against the emulator", () => {
  it("without a terminal it says so and exits 2", async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [bin, "tui", "-f", file, "--state-dir", stateDir],
        (error, _o, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("bsaas tui needs a terminal");
  });

  it("shows the three apps with their instances and health, the Mesos agents and the event log", async () => {
    const command = `node ${bin} tui -f ${file} --state-dir ${stateDir}; echo "bsaas tui exited with status $?"; sleep 60`;
    await tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command);
    socketPath = (await tmux("display-message", "-p", "-t", session, "#{socket_path}")).trim() || undefined;
    const text = await screenWhere(
      (s) =>
        row("central-manager", "1/1").test(s) &&
        row("executors", "3/3").test(s) &&
        row("submit", "1/1").test(s),
      "the three apps running and healthy",
    );
    expect(text).toContain(`bsaas ${name} · site local`);
    expect(text).toMatch(/APP\s+CPU\s+MEM\s+STATUS\s+RUNNING\s+HEALTH/);
    expect(text).toMatch(/executors\s+1\s+1024\s+Running\s+3\/3\s+healthy/);
    expect(text).toContain("Deployments (0)");
    await screenWhere(
      (s) => /\d+ agents/.test(s) && s.includes("events live"),
      "the Mesos agents, events live",
    );
    await screenWhere((s) => s.includes("HTCondor unavailable"), "HTCondor unavailable (simulated runner)");
  }, 40_000);

  it("+ then enter scales the executors 3 → 4: on screen and in Marathon", async () => {
    await tmux("send-keys", "-t", session, "+");
    const dialog = await screenWhere((s) => s.includes("executors 3 → 4"), "the scale dialog at 3 → 4");
    expect(dialog).toContain("Scale executors · local");
    expect(dialog).toContain("scale up: Marathon starts 1 more executor(s)");
    await tmux("send-keys", "-t", session, "Enter");
    await screenWhere((s) => s.includes("✓ scaled local 3 → 4"), "the scale's success", 30_000);
    expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(4);
    await tmux("send-keys", "-t", session, "x"); // any key closes the dialog
    const after = await screenWhere(
      (s) => row("executors", "4/4").test(s) && s.includes("─ Events "),
      "executors 4/4 healthy and the event log",
    );
    expect(after).toMatch(/scaled local 3 → 4 executor\(s\)/); // in the event log
    expect(after).toMatch(/executors: task executors\.[0-9a-f]{8} RUNNING/);
  }, 60_000);

  it("enter shows the executors' tasks with their health; it fits 80×24; q quits cleanly", async () => {
    await tmux("send-keys", "-t", session, "Down", "Enter");
    const details = await screenWhere((s) => s.includes("Tasks (4)"), "the executors' details");
    expect(details.match(/executors\.[0-9a-f]{8}\s+\S+:\d+\s+RUNNING\s+healthy/g)).toHaveLength(4);
    await tmux("send-keys", "-t", session, "Escape");
    await screenWhere((s) => s.includes("Deployments (0)"), "the dashboard again");
    await tmux("resize-window", "-t", session, "-x", "80", "-y", "24");
    const small = await screenWhere(
      (s) => s.split("\n").some((l) => l.startsWith("┏━ Apps") && l.trimEnd().length === 80),
      "the dashboard redrawn 80 columns wide",
    );
    const lines = small.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(Math.max(...lines.map((l) => l.trimEnd().length))).toBeLessThanOrEqual(80);
    for (const text of [
      "Deployments (0)",
      "Mesos · local",
      "HTCondor · local",
      "─ Events ",
      "? help · q quit",
    ])
      expect(small).toContain(text);
    expect(small).toMatch(row("executors", "4/4"));
    await tmux("send-keys", "-t", session, "q");
    await screenWhere((s) => s.includes("bsaas tui exited with status 0"), "the program's exit", 10_000);
  }, 40_000);
});
