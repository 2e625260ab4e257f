import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { MasterInfoSchema } from "@bsaas/sdk/mesos";
import type * as ZooKeeper from "node-zookeeper-client";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, randomPortBase } from "../agents/test-helpers.js";
import { startZooKeeper, type ZooKeeperServer } from "../zookeeper.js";
import { type MesosCluster, startMesosCluster } from "./server.js";
import { commandTask, get, post, TestScheduler, until } from "./test-helpers.js";

const require = createRequire(import.meta.url);
const zookeeper = require("node-zookeeper-client") as typeof ZooKeeper;

let zk: ZooKeeperServer | undefined;
let cluster: MesosCluster | undefined;
let client: ZooKeeper.Client | undefined;
const schedulers: TestScheduler[] = [];

afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.close();
  await cluster?.close();
  cluster = undefined;
  client?.close();
  client = undefined;
  await zk?.close();
  zk = undefined;
});

async function connect(connectString: string): Promise<ZooKeeper.Client> {
  const c = zookeeper.createClient(connectString);
  await new Promise<void>((resolve) => {
    c.once("connected", () => resolve());
    c.connect();
  });
  return c;
}

/** The `json.info_*` members of the group, lowest sequence first, with their MasterInfo. */
async function members(c: ZooKeeper.Client): Promise<{ name: string; info: Record<string, unknown> }[]> {
  const children = await new Promise<string[]>((resolve, reject) =>
    c.getChildren("/mesos", (error, names) => (error ? reject(error) : resolve(names))),
  );
  const sorted = children.filter((n) => n.startsWith("json.info_")).sort();
  return Promise.all(
    sorted.map(
      (name) =>
        new Promise<{ name: string; info: Record<string, unknown> }>((resolve, reject) =>
          c.getData(`/mesos/${name}`, (error, data) =>
            error
              ? reject(error)
              : resolve({ name, info: JSON.parse(data.toString("utf8")) as Record<string, unknown> }),
          ),
        ),
    ),
  );
}

describe("master failover with ZooKeeper", () => {
  it("the lowest json.info_ node leads; after it stops the next one does, and frameworks and tasks carry over", async () => {
    zk = await startZooKeeper();
    cluster = await startMesosCluster({
      masters: 2,
      zk: { connectString: zk.connectString, path: "/mesos" },
      agents: 1,
      runner: "process",
      cleanup: true,
      portRangeStart: randomPortBase(),
      heartbeatIntervalSeconds: 0.2,
      allocationIntervalMs: 50,
    });
    const [first, second] = cluster.masters;
    if (!first || !second) throw new Error("two masters expected");
    client = await connect(zk.connectString);

    // Both registered like Mesos: EPHEMERAL_SEQUENTIAL json.info_<seq> with MasterInfo JSON; the lowest leads.
    const group = await members(client);
    expect(group.map((g) => g.name)).toEqual([
      expect.stringMatching(/^json\.info_\d{10}$/),
      expect.stringMatching(/^json\.info_\d{10}$/),
    ]);
    for (const { info } of group) expect(MasterInfoSchema.safeParse(info).success).toBe(true);
    expect(group[0]?.info).toMatchObject({
      port: first.port,
      hostname: "127.0.0.1",
      ip: 16777343,
      pid: `master@127.0.0.1:${first.port}`,
      version: "1.11.0",
      address: { hostname: "127.0.0.1", ip: "127.0.0.1", port: first.port },
    });
    expect(`/mesos/${group[0]?.name}`).toBe(first.znode);
    expect((await cluster.waitForLeader()).port).toBe(first.port);
    await until(
      () => second.master.leaderInfo?.port === first.port,
      10_000,
      "the standby to know the leader",
    );

    // The standby redirects scheduler, operator and legacy requests to the leader (scheme-less Location).
    const redirected = await post(`${second.url}/api/v1/scheduler`, { type: "SUBSCRIBE" });
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get("location")).toBe(`//127.0.0.1:${first.port}/api/v1/scheduler`);
    expect((await post(`${second.url}/api/v1`, { type: "GET_STATE" })).headers.get("location")).toBe(
      `//127.0.0.1:${first.port}/api/v1`,
    );
    expect((await get(`${second.url}/master/state`)).headers.get("location")).toBe(
      `//127.0.0.1:${first.port}/master/state`,
    );
    expect((await get(`${second.url}/master/redirect`)).headers.get("location")).toBe(
      `//127.0.0.1:${first.port}`,
    );

    // A scheduler with a failover timeout launches a long task on the leader.
    const s = new TestScheduler(first.url);
    schedulers.push(s);
    await s.subscribe({ user: "root", name: "ha", failover_timeout: 60 });
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [commandTask(offer, "long", 'echo $$ > "$MESOS_SANDBOX/pid"; exec sleep 300')],
            },
          },
        ],
      },
    });
    await s.waitForState("long", "TASK_RUNNING");
    const pidFile = join(first.sandboxOf("long") ?? "", "pid");
    await until(
      () => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim() !== "",
      10_000,
      "the pid file",
    );
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(isAlive(pid)).toBe(true);

    // The leader stops (server and ZooKeeper session): its znode goes, the second master leads.
    await cluster.stopLeader({ timeoutMs: 20_000 });
    await until(() => s.stream.ended, 10_000, "the old stream to end");
    expect((await cluster.waitForLeader()).port).toBe(second.port);
    const after = await members(client);
    expect(after).toHaveLength(1);
    expect(after[0]?.info).toMatchObject({ port: second.port });
    expect(`/mesos/${after[0]?.name}`).toBe(second.znode);

    // The scheduler re-subscribes to the new leader with its framework id and reconciles: the task still runs.
    const again = new TestScheduler(second.url);
    schedulers.push(again);
    await again.subscribe({ user: "root", name: "ha", failover_timeout: 60, id: { value: s.frameworkId } });
    expect(again.frameworkId).toBe(s.frameworkId);
    const from = again.stream.events.length;
    await again.call("RECONCILE", {
      reconcile: { tasks: [{ task_id: { value: "long" }, agent_id: offer.agent_id }] },
    });
    const reconciled = await again.stream.next(
      (e) => e.update?.status.task_id.value === "long" && e.update.status.reason === "REASON_RECONCILIATION",
      10_000,
      from,
    );
    expect(reconciled.update?.status.state).toBe("TASK_RUNNING");
    expect(isAlive(pid)).toBe(true);
    const tasks = await post<{ get_tasks: { tasks: { task_id: { value: string }; state: string }[] } }>(
      `${second.url}/api/v1`,
      { type: "GET_TASKS" },
    );
    expect(tasks.body.get_tasks.tasks.map((t) => [t.task_id.value, t.state])).toEqual([
      ["long", "TASK_RUNNING"],
    ]);

    await cluster.close();
    cluster = undefined;
    await until(() => !isAlive(pid), 10_000, "the task process to end");
  });

  it("without ZooKeeper the first master leads and the others redirect; 503 while no leader is known", async () => {
    cluster = await startMesosCluster({ masters: 2, agents: 1 });
    const [first, second] = cluster.masters;
    if (!first || !second) throw new Error("two masters expected");
    expect(cluster.leader()).toBe(first);
    const redirect = await post(`${second.url}/api/v1`, { type: "GET_HEALTH" });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe(`//127.0.0.1:${first.port}/api/v1`);
    second.master.leaderInfo = undefined;
    const unknown = await post(`${second.url}/api/v1`, { type: "GET_HEALTH" });
    expect(unknown.status).toBe(503);
    expect((await get(`${second.url}/master/redirect`)).status).toBe(503);
    expect((await get(`${second.url}/health`)).status).toBe(200);
    await cluster.stopLeader();
    expect(cluster.leader()).toBe(second);
    expect((await post(`${second.url}/api/v1`, { type: "GET_HEALTH" })).status).toBe(200);
  });
});
