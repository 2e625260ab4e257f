// The SDK's Mesos clients (leader detection, operator API, scheduler API) against the emulator's master, over HTTP,
// with a real ZooKeeper for leader election.
import {
  commandTask,
  detectLeader,
  MesosOperatorClient,
  MesosScheduler,
  type SchedulerEvent,
  type SchedulerStreamItem,
  ZooKeeperLeaderWatcher,
} from "@bsaas/sdk/mesos";
import { afterEach, describe, expect, it } from "vitest";
import {
  type MesosCluster,
  type MesosMasterServer,
  startMesosCluster,
  startMesosMaster,
  startZooKeeper,
  type ZooKeeperServer,
} from "../src/index.js";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
async function master(options: Parameters<typeof startMesosMaster>[0] = {}): Promise<MesosMasterServer> {
  const m = await startMesosMaster({ heartbeatIntervalSeconds: 1, allocationIntervalMs: 50, ...options });
  cleanup.push(() => m.close());
  return m;
}
async function zookeeper(): Promise<ZooKeeperServer> {
  const zk = await startZooKeeper();
  cleanup.push(() => zk.close());
  return zk;
}

/** Reads scheduler items until `until` matches one, handing each to `onItem`; returns the matching event. */
async function next<T extends SchedulerEvent["type"]>(
  items: AsyncIterator<SchedulerStreamItem>,
  until: (e: SchedulerEvent) => boolean,
  onItem?: (item: SchedulerStreamItem) => Promise<void> | void,
): Promise<Extract<SchedulerEvent, { type: T }>> {
  for (;;) {
    const { value, done } = await items.next();
    if (done) throw new Error("scheduler stream ended");
    await onItem?.(value);
    if (value.kind === "event" && until(value.event))
      return value.event as Extract<SchedulerEvent, { type: T }>;
  }
}

describe("leader detection", () => {
  it("asks /master/redirect over HTTP", async () => {
    const m = await master();
    expect(await detectLeader(m.url)).toEqual({ url: m.url, via: "redirect" });
  });

  it("reads the lowest json.info_ znode from ZooKeeper, and follows a leader change", async () => {
    const zk = await zookeeper();
    const cluster = await startMesosCluster({
      masters: 2,
      zk: { connectString: zk.connectString, path: "/mesos" },
      allocationIntervalMs: 50,
    });
    cleanup.push(() => cluster.close());
    const first = await cluster.waitForLeader();
    const found = await detectLeader(`zk://${zk.connectString}/mesos`);
    expect(found).toMatchObject({
      url: first.url,
      via: "zookeeper",
      masterInfo: { address: { port: first.port } },
    });

    const watcher = new ZooKeeperLeaderWatcher({ connectString: zk.connectString, path: "/mesos" });
    cleanup.push(() => watcher.close());
    expect((await watcher.current()).url).toBe(first.url);
    const changed = new Promise<string>((resolve) =>
      watcher.onChange((leader) => leader && leader.url !== first.url && resolve(leader.url)),
    );
    await cluster.stopLeader();
    const second = await cluster.waitForLeader();
    expect(await changed).toBe(second.url);
  });
});

describe("MesosOperatorClient", () => {
  it("reads state, agents, frameworks and tasks, with exact 64-bit times", async () => {
    const m = await master({ agents: [{ cpus: 2, mem: 2048, attributes: { site: "infn-to" } }] });
    const mesos = new MesosOperatorClient({ master: m.url });
    cleanup.push(() => mesos.close());
    expect((await mesos.getHealth()).healthy).toBe(true);
    const { agents } = await mesos.getAgents();
    expect(agents).toHaveLength(1);
    expect(agents?.[0]?.agent_info.hostname).toBeTruthy();
    expect(typeof agents?.[0]?.registered_time?.nanoseconds).toBe("bigint");
    const state = await mesos.getState();
    expect(state.get_agents?.agents).toHaveLength(1);
    const legacy = await mesos.masterState();
    expect(legacy.slaves?.[0]?.attributes).toEqual({ site: "infn-to" });
  });

  it("subscribes: a snapshot first, then task events", async () => {
    const m = await master();
    const mesos = new MesosOperatorClient({ master: m.url });
    const controller = new AbortController();
    cleanup.push(() => {
      controller.abort();
      mesos.close();
    });
    const stream = mesos.subscribe({ signal: controller.signal });
    const first = await stream.next();
    expect(first.value).toMatchObject({ kind: "event", event: { type: "SUBSCRIBED" } });

    const scheduler = new MesosScheduler({ master: m.url, framework: { name: "op-test", user: "nobody" } });
    cleanup.push(() => scheduler.close());
    const items = scheduler.events()[Symbol.asyncIterator]();
    const offers = await next<"OFFERS">(items, (e) => e.type === "OFFERS");
    const offer = offers.offers.offers?.[0];
    if (!offer) throw new Error("no offer");
    await scheduler.launch(
      [offer.id.value],
      [
        commandTask({
          name: "t",
          taskId: "t-1",
          agentId: offer.agent_id.value,
          cpus: 0.1,
          mem: 32,
          command: "sleep 600",
        }),
      ],
    );
    for (;;) {
      const { value } = await stream.next();
      if (value?.kind === "event" && value.event.type === "TASK_ADDED") {
        expect(JSON.stringify(value.event, (_k, v) => (typeof v === "bigint" ? String(v) : v))).toContain(
          "t-1",
        );
        break;
      }
    }
  });
});

describe("MesosScheduler", () => {
  it("subscribes, takes an offer, runs a command task to TASK_FINISHED, acknowledging updates", async () => {
    const m = await master({ runner: "process", killGraceScale: 0.1, cleanup: true });
    const scheduler = new MesosScheduler({
      master: m.url,
      framework: { name: "bsaas-test", user: "nobody" },
    });
    cleanup.push(() => scheduler.close());
    const items = scheduler.events()[Symbol.asyncIterator]();
    await next(items, (e) => e.type === "SUBSCRIBED");
    expect(scheduler.frameworkId).toMatch(/.+/);
    const offers = await next<"OFFERS">(items, (e) => e.type === "OFFERS");
    const offer = offers.offers.offers?.[0];
    if (!offer) throw new Error("no offer");
    const task = commandTask({
      name: "hello",
      taskId: "hello-1",
      agentId: offer.agent_id.value,
      cpus: 0.1,
      mem: 32,
      command: 'echo "hello from $MESOS_TASK_ID" > "$MESOS_SANDBOX/out"',
    });
    await scheduler.launch([offer.id.value], [task], { refuse_seconds: 1 });
    const states: string[] = [];
    await next(items, (e) => {
      if (e.type === "UPDATE") states.push(e.update.status.state);
      return e.type === "UPDATE" && e.update.status.state === "TASK_FINISHED";
    });
    expect(states).toEqual(expect.arrayContaining(["TASK_RUNNING", "TASK_FINISHED"]));
    expect(m.callCounts().ACKNOWLEDGE ?? 0).toBeGreaterThanOrEqual(2);
  });

  it("re-subscribes with its framework id to a new leader after failover, reconciles, and the task survives", async () => {
    const zk = await zookeeper();
    const cluster: MesosCluster = await startMesosCluster({
      masters: 2,
      zk: { connectString: zk.connectString, path: "/mesos" },
      heartbeatIntervalSeconds: 1,
      allocationIntervalMs: 50,
      runner: "process",
      killGraceScale: 0.1,
      cleanup: true,
    });
    cleanup.push(() => cluster.close());
    await cluster.waitForLeader();
    const scheduler = new MesosScheduler({
      master: `zk://${zk.connectString}/mesos`,
      framework: { name: "failover-test", user: "nobody", failover_timeout: 60 },
      reconnect: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    cleanup.push(() => scheduler.close());
    const items = scheduler.events()[Symbol.asyncIterator]();
    await next(items, (e) => e.type === "SUBSCRIBED");
    const frameworkId = scheduler.frameworkId;
    const offers = await next<"OFFERS">(items, (e) => e.type === "OFFERS");
    const offer = offers.offers.offers?.[0];
    if (!offer) throw new Error("no offer");
    await scheduler.launch(
      [offer.id.value],
      [
        commandTask({
          name: "long",
          taskId: "long-1",
          agentId: offer.agent_id.value,
          cpus: 0.1,
          mem: 32,
          command: "exec sleep 600",
        }),
      ],
    );
    await next(items, (e) => e.type === "UPDATE" && e.update.status.state === "TASK_RUNNING");

    await cluster.stopLeader();
    let resubscribed = false;
    await next(
      items,
      (e) => e.type === "SUBSCRIBED",
      (item) => {
        if (item.kind === "resubscribed") resubscribed = true;
      },
    );
    expect(scheduler.frameworkId).toBe(frameworkId);
    await scheduler.reconcile([{ taskId: "long-1" }]);
    const update = await next<"UPDATE">(
      items,
      (e) => e.type === "UPDATE" && e.update.status.task_id.value === "long-1",
    );
    expect(update.update.status.state).toBe("TASK_RUNNING");
    void resubscribed;
  });
});
