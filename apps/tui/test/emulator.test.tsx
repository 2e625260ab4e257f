// The watcher and the dashboard against the emulator's Mesos and Marathon (SIMULATED runner: tasks only change state,
// no HTCondor daemon runs, so the HTCondor panel says the pool cannot be read). The cluster has a name and an HTCondor
// port of its own, so no other pool on this machine is touched. Scaling goes through the SDK's ClusterClient, which
// needs HTCondor's tools on this machine (it opens its pool client first), as `bsaas scale` does.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@bsaas/emulator";
import {
  ClusterClient,
  type ClusterWatch,
  type ClusterWatchState,
  loadClusterSpec,
  localAgents,
  parseClusterSpec,
  watchCluster,
} from "@bsaas/sdk/cluster";
import { MarathonClient } from "@bsaas/sdk/marathon";
import { render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { clusterActions, Dashboard } from "../src/index.js";
import { frameWhere } from "./fixtures.js";

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

const name = `tuitest-${process.pid}`;
const groupId = `/bsaas/${name}/local`;
let dir: string;
let emulator: Emulator;
let client: ClusterClient;
let marathon: MarathonClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bsaas-tui-"));
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
  const file = join(dir, "cluster.yaml");
  await writeFile(
    file,
    text
      .replace("http://127.0.0.1:8080", emulator.marathonUrl)
      .replace("http://127.0.0.1:5050", emulator.mesosUrl),
  );
  client = ClusterClient.open(await loadClusterSpec(file), { stateDir: join(dir, "state") });
  await client.apply({ verify: false });
  marathon = new MarathonClient({ url: emulator.marathonUrl });
}, 60_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
  for (const parent of ["/var/lib/bsaas/clients", "/var/lib/bsaas/htcondor-trixie/var/lib/bsaas/clients"]) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    for (const entry of entries.filter((e) => e.startsWith(`${name}-`)))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
});

const local = (state: ClusterWatchState) => state.sites.find((s) => s.site === "local");

describe.sequential("against the emulator", () => {
  it("the watch reads the apps, Mesos and the event streams; a change arrives as events and re-reads", async () => {
    const watch: ClusterWatch = watchCluster(client, { intervalMs: 60_000, debounceMs: 50 });
    try {
      await vi.waitFor(
        () => {
          const site = local(watch.current);
          expect(
            site?.marathon.value?.apps.map(
              (a) => `${a.id.slice(groupId.length + 1)} ${a.running}/${a.instances}`,
            ),
          ).toEqual(["central-manager 1/1", "executors 3/3", "submit 1/1"]);
          expect(site?.mesos?.value?.agents).toBeGreaterThan(0);
          expect(site?.marathonStream.state).toBe("live");
          expect(site?.mesosStream?.state).toBe("live");
        },
        { timeout: 15_000, interval: 50 },
      );
      // The polling period is a minute: only the event stream can bring this change in time.
      await marathon.restartApp(`${groupId}/submit`);
      await vi.waitFor(
        () => {
          const events = watch.current.events.filter((e) => e.source === "marathon").map((e) => e.message);
          expect(
            events.some((m) => /^submit: task submit\.[0-9a-f]{8} (STAGING|STARTING|RUNNING)/.test(m)),
          ).toBe(true);
          expect(events.some((m) => /^deployment [0-9a-f]{8} succeeded$/.test(m))).toBe(true);
        },
        { timeout: 15_000, interval: 50 },
      );
    } finally {
      watch.close();
    }
  }, 40_000);

  it("the dashboard shows the three apps; + then enter scales the executors 3 → 4 in Marathon and on screen", async () => {
    const watch = watchCluster(client, { intervalMs: 1000 });
    const r = render(
      <Dashboard
        watch={watch}
        actions={clusterActions(client)}
        bounds={{ local: { min: 1, max: 5 } }}
        width={100}
        height={30}
        noColor
      />,
    );
    try {
      const f = await frameWhere(
        r.lastFrame,
        (f) => /executors\s+1\s+1024\s+Running\s+3\/3\s+healthy/.test(f),
        15_000,
      );
      expect(f).toMatch(/central-manager\s+0\.5\s+512\s+Running\s+1\/1\s+healthy/);
      expect(f).toMatch(/submit\s+0\.5\s+512\s+Running\s+1\/1\s+healthy/);
      expect(f).toMatch(/\d+ agents/);
      r.stdin.write("+");
      await frameWhere(r.lastFrame, (f) => f.includes("executors 3 → 4"));
      r.stdin.write("\r");
      await frameWhere(r.lastFrame, (f) => f.includes("✓ scaled local 3 → 4"), 30_000);
      expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(4);
      r.stdin.write(" ");
      const g = await frameWhere(r.lastFrame, (f) => /executors\s+1\s+1024\s+Running\s+4\/4/.test(f), 15_000);
      if (process.env.SHOW_FRAME) console.log(g);
    } finally {
      r.unmount();
      watch.close();
    }
  }, 60_000);
});
