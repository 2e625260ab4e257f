import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseMesosJson, SchedulerEventSchema } from "@bsaas/sdk/mesos";
import { afterEach, describe, expect, it } from "vitest";
import type { SimulatedRunner } from "../agents/simulated-runner.js";
import { randomPortBase } from "../agents/test-helpers.js";
import { type MesosMasterServer, type MesosMasterServerOptions, startMesosMaster } from "./server.js";
import {
  commandTask,
  EventStream,
  get,
  type OfferJson,
  post,
  type StatusJson,
  TestScheduler,
  until,
} from "./test-helpers.js";

let mesos: MesosMasterServer | undefined;
const schedulers: TestScheduler[] = [];

afterEach(async () => {
  for (const s of schedulers.splice(0)) await s.close();
  await mesos?.close();
  mesos = undefined;
});

async function start(options: MesosMasterServerOptions = {}): Promise<MesosMasterServer> {
  mesos = await startMesosMaster({
    heartbeatIntervalSeconds: 0.2,
    allocationIntervalMs: 50,
    ...options,
  });
  return mesos;
}

async function subscribe(
  m: MesosMasterServer,
  info: Record<string, unknown> = {},
  setup: (s: TestScheduler) => void = () => {},
): Promise<TestScheduler> {
  const s = new TestScheduler(m.url);
  setup(s);
  schedulers.push(s);
  return s.subscribe({ user: "root", name: "sched-test", ...info });
}

function launch(
  s: TestScheduler,
  offer: OfferJson,
  tasks: Record<string, unknown>[],
  filters?: Record<string, unknown>,
) {
  return s.call("ACCEPT", {
    accept: {
      offer_ids: [offer.id],
      operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }],
      ...(filters ? { filters } : {}),
    },
  });
}

const schedulerUrl = (m: MesosMasterServer) => `${m.url}/api/v1/scheduler`;
const subscribeCall = { type: "SUBSCRIBE", subscribe: { framework_info: { user: "root", name: "x" } } };

describe("scheduler API status codes and stream ids", () => {
  it("405, 400, 415, 406 and 400 for malformed calls", async () => {
    const m = await start();
    const wrongMethod = await get(schedulerUrl(m));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    const noType = await post(schedulerUrl(m), subscribeCall, {});
    expect(noType.status).toBe(400);
    expect(noType.text).toBe("Expecting 'Content-Type' to be present");
    expect((await post(schedulerUrl(m), subscribeCall, { "content-type": "text/plain" })).status).toBe(415);
    const notAcceptable = await post(schedulerUrl(m), subscribeCall, {
      "content-type": "application/json",
      accept: "application/xml",
    });
    expect(notAcceptable.status).toBe(406);
    const badJson = await post(schedulerUrl(m), "{", { "content-type": "application/json" });
    expect(badJson.status).toBe(400);
    expect(badJson.text).toMatch(/^Failed to parse body into JSON/);
    const unknownType = await post(schedulerUrl(m), { type: "FLY", framework_id: { value: "x" } });
    expect(unknownType.status).toBe(400);
    expect(unknownType.text).toMatch(/^Failed to convert JSON into Call protobuf/);
    const noUser = await post(schedulerUrl(m), {
      type: "SUBSCRIBE",
      subscribe: { framework_info: { name: "x" } },
    });
    expect(noUser.status).toBe(400);
    const noFrameworkId = await post(schedulerUrl(m), { type: "REVIVE" });
    expect(noFrameworkId.status).toBe(400);
    const mismatch = await post(schedulerUrl(m), {
      type: "SUBSCRIBE",
      framework_id: { value: "a" },
      subscribe: { framework_info: { user: "root", name: "x", id: { value: "b" } } },
    });
    expect(mismatch.text).toBe(
      "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'",
    );
    const badUuid = await post(schedulerUrl(m), {
      type: "ACKNOWLEDGE",
      framework_id: { value: "a" },
      acknowledge: { agent_id: { value: "x" }, task_id: { value: "t" }, uuid: "c2hvcnQ=" },
    });
    expect(badUuid.status).toBe(400);
  });

  it("SUBSCRIBE must not carry Mesos-Stream-Id; other calls must carry the current one", async () => {
    const m = await start();
    const withStreamId = await post(schedulerUrl(m), subscribeCall, {
      "content-type": "application/json",
      "mesos-stream-id": "abc",
    });
    expect(withStreamId.status).toBe(400);
    expect(withStreamId.text).toBe("Subscribe calls should not include the 'Mesos-Stream-Id' header");

    const s = await subscribe(m);
    expect(s.stream.headers.get("content-type")).toBe("application/json");
    expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await post(schedulerUrl(m), { type: "REVIVE", framework_id: { value: s.frameworkId } });
    expect(missing.status).toBe(400);
    expect(missing.text).toBe("All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    const wrong = await s.call("REVIVE", {}, "not-the-stream");
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/^The stream ID 'not-the-stream' included in this request didn't match/);
    const unknown = await post(
      schedulerUrl(m),
      { type: "REVIVE", framework_id: { value: "unknown" } },
      { "content-type": "application/json", "mesos-stream-id": s.streamId },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.text).toBe("Framework cannot be found");

    for (const [type, payload] of [
      ["REVIVE", {}],
      ["SUPPRESS", { suppress: { roles: ["*"] } }],
      ["DECLINE", { decline: { offer_ids: [{ value: "no-such-offer" }] } }],
      ["RECONCILE", { reconcile: { tasks: [] } }],
      ["MESSAGE", { message: { agent_id: { value: "a" }, executor_id: { value: "e" }, data: "aGk=" } }],
      ["REQUEST", { request: { requests: [] } }],
    ] as const) {
      const reply = await s.call(type, payload);
      expect(reply.status, type).toBe(202);
      expect(reply.text).toBe("");
    }
    const update = await s.call("UPDATE_FRAMEWORK", {
      update_framework: { framework_info: { user: "root", name: "renamed", id: { value: s.frameworkId } } },
    });
    expect(update.status).toBe(200);
    expect(m.callCounts("scheduler")).toMatchObject({ SUBSCRIBE: 1, REVIVE: 1, UPDATE_FRAMEWORK: 1 });
  });

  it("ignores JSON fields it does not know, as Mesos does, so newer clients keep working", async () => {
    const m = await start();
    const s = await subscribe(m, { some_future_field: { enabled: true } });
    expect(s.frameworkId).toBeTruthy();
    const reply = await s.call("REVIVE", { revive: { roles: ["*"], also_from_the_future: 1 } });
    expect(reply.status).toBe(202);
  });

  it("a framework without a stream is 403 'Framework is not subscribed' until it re-subscribes", async () => {
    const m = await start();
    const s = await subscribe(m, { failover_timeout: 60 });
    await s.close();
    await m.waitFor(() => m.master.frameworks()[0]?.connected === false);
    const reply = await s.call("REVIVE");
    expect(reply.status).toBe(403);
    expect(reply.text).toBe("Framework is not subscribed");
    const again = await subscribe(m, { failover_timeout: 60, id: { value: s.frameworkId } });
    expect(again.frameworkId).toBe(s.frameworkId);
    expect((await again.call("REVIVE")).status).toBe(202);
  });

  it("a second SUBSCRIBE fails the first stream over (ERROR, then the stream ends)", async () => {
    const m = await start();
    const first = await subscribe(m, { failover_timeout: 60 });
    const second = await subscribe(m, { failover_timeout: 60, id: { value: first.frameworkId } });
    const error = await first.stream.next((e) => e.type === "ERROR");
    expect(error.error?.message).toBe("Framework failed over");
    await until(() => first.stream.ended, 5000, "the old stream to end");
    expect(second.frameworkId).toBe(first.frameworkId);
    expect((await first.call("REVIVE")).status).toBe(400);
    expect((await second.call("REVIVE")).status).toBe(202);
  });
});

describe("offers, launches and status updates", () => {
  it("runs a real command task: offers → ACCEPT/LAUNCH → TASK_STARTING/RUNNING/FINISHED, acknowledged", async () => {
    const m = await start({ runner: "process", cleanup: true, portRangeStart: randomPortBase(), agents: 1 });
    const s = await subscribe(m);
    const subscribed = s.stream.ofType("SUBSCRIBED")[0]?.subscribed;
    expect(subscribed?.heartbeat_interval_seconds).toBe(0.2);
    expect(subscribed?.master_info).toMatchObject({ port: m.port, address: { ip: "127.0.0.1" } });
    const offer = await s.nextOffer();
    expect(offer.url?.address.ip).toBe("127.0.0.1");
    const portsResource = offer.resources.find((r) => r.name === "ports");
    const port = portsResource?.ranges?.range[0]?.begin ?? 0;
    const task = commandTask(
      offer,
      "write-file",
      'printf "%s %s %s %s %s" "$MESOS_TASK_ID" "$MESOS_FRAMEWORK_ID" "$HOST" "$PORT0" "$GREETING" > "$MESOS_SANDBOX/out.txt"',
      { ports: [port] },
    );
    (task.command as Record<string, unknown>).environment = {
      variables: [{ name: "GREETING", value: "hello" }],
    };
    expect((await launch(s, offer, [task])).status).toBe(202);
    const running = await s.waitForState("write-file", "TASK_RUNNING");
    expect(running).toMatchObject({
      source: "SOURCE_EXECUTOR",
      agent_id: offer.agent_id,
      timestamp: expect.any(Number),
      container_status: {
        network_infos: [{ ip_addresses: [{ protocol: "IPv4", ip_address: "127.0.0.1" }] }],
      },
    });
    expect(Buffer.from(running.uuid ?? "", "base64")).toHaveLength(16);
    const finished = await s.waitForState("write-file", "TASK_FINISHED");
    expect(finished.message).toBe("Command exited with status 0");
    const states = s.updates("write-file").map((u) => u.state);
    expect(states).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    const sandbox = m.sandboxOf("write-file") ?? "";
    const file = join(sandbox, "out.txt");
    await m.waitFor(() => existsSync(file));
    expect(readFileSync(file, "utf8")).toBe(`write-file ${s.frameworkId} 127.0.0.1 ${port} hello`);
    // Every update was acknowledged: nothing is pending at the master any more.
    await m.waitFor(() => (m.master.frameworks()[0]?.pending.size ?? 1) === 0);
    for (const event of s.stream.records)
      expect(SchedulerEventSchema.safeParse(parseMesosJson(event)).success).toBe(true);
  });

  it("re-sends an update until it is acknowledged, and only then sends the next", async () => {
    const m = await start({ statusUpdateRetryMs: 50, agents: 1 });
    const s = await subscribe(m, {}, (sched) => {
      sched.autoAck = false;
    });
    const offer = await s.nextOffer();
    await launch(s, offer, [commandTask(offer, "acked", "sleep 100")]);
    await until(() => s.updates("acked").length >= 3, 5000, "three deliveries");
    const starting = s.updates("acked");
    expect(starting.every((u) => u.state === "TASK_STARTING")).toBe(true);
    expect(new Set(starting.map((u) => u.uuid)).size).toBe(1);
    const first = starting[0] as StatusJson;
    expect((await s.ack(first)).status).toBe(202);
    const running = await s.waitForState("acked", "TASK_RUNNING");
    expect(running.uuid).not.toBe(first.uuid);
  });

  it("answers invalid task infos with TASK_ERROR and stale offers with TASK_LOST, recovering the resources", async () => {
    const m = await start({ agents: 1 });
    const s = await subscribe(m);
    const offer = await s.nextOffer();
    const noCommand = commandTask(offer, "no-command", "true");
    delete noCommand.command;
    const tooBig = commandTask(offer, "too-big", "true", { cpus: 64 });
    await launch(s, offer, [noCommand, tooBig, commandTask(offer, "fine", "sleep 10")]);
    const error = await s.waitForState("no-command", "TASK_ERROR");
    expect(error).toMatchObject({ source: "SOURCE_MASTER", reason: "REASON_TASK_INVALID" });
    expect(error.uuid).toBeUndefined();
    expect((await s.waitForState("too-big", "TASK_ERROR")).message).toMatch(/more resources/);
    await s.waitForState("fine", "TASK_RUNNING");
    // The offer is used up: launching on it again is a launch with an invalid offer.
    await launch(s, offer, [commandTask(offer, "stale", "true")]);
    const lost = await s.waitForState("stale", "TASK_LOST");
    expect(lost.reason).toBe("REASON_INVALID_OFFERS");
  });

  it("honours decline filters per agent until refuse_seconds pass; REVIVE clears them", async () => {
    const m = await start({ agents: 2 });
    const s = await subscribe(m);
    const first = await s.nextOffer(0);
    const second = await s.nextOffer(1);
    const declinedAt = Date.now();
    await s.call("DECLINE", { decline: { offer_ids: [first.id], filters: { refuse_seconds: 0.5 } } });
    await s.call("DECLINE", { decline: { offer_ids: [second.id], filters: { refuse_seconds: 3600 } } });
    const again = await s.nextOffer(2, 5000);
    expect(Date.now() - declinedAt).toBeGreaterThanOrEqual(490);
    expect(again.agent_id.value).toBe(first.agent_id.value);
    // The other agent stays filtered (an hour) until REVIVE clears the filters.
    await s.call("DECLINE", { decline: { offer_ids: [again.id], filters: { refuse_seconds: 3600 } } });
    const count = s.offers().length;
    await s.call("REVIVE");
    await until(() => s.offers().length >= count + 2, 5000, "offers after REVIVE");
    expect(
      new Set(
        s
          .offers()
          .slice(count)
          .map((o) => o.agent_id.value),
      ).size,
    ).toBe(2);
  });

  it("SUPPRESS stops offers, REVIVE resumes them", async () => {
    const m = await start({ agents: 1 });
    const s = await subscribe(m, {}, (sched) => {
      sched.autoDecline = 0;
    });
    await s.nextOffer(1);
    await s.call("SUPPRESS");
    const suppressed = m.master.frameworks()[0]?.suppressedRoles;
    expect(suppressed?.has("*")).toBe(true);
    await until(() => (m.master.frameworks()[0]?.offers.size ?? 1) === 0, 5000, "outstanding offers to go");
    const count = s.offers().length;
    await s.call("REVIVE");
    await s.nextOffer(count);
  });

  it("shares fairly: the framework with the smaller dominant share gets the offers", async () => {
    // No disk: whole-agent offers would otherwise make disk everybody's dominant resource.
    const m = await start({
      agents: [
        { cpus: 4, mem: 4096, disk: 0 },
        { cpus: 4, mem: 4096, disk: 0 },
      ],
    });
    const a = await subscribe(m, { name: "A" });
    const offer = await a.nextOffer();
    // A's dominant share becomes 3584 / 8192 MB of memory = 0.4375.
    await launch(a, offer, [commandTask(offer, "big", "sleep 100", { cpus: 3, mem: 3584 })], {
      refuse_seconds: 0,
    });
    a.autoDecline = 0;
    for (const other of a.offers().filter((o) => o.id.value !== offer.id.value)) {
      await a.call("DECLINE", { decline: { offer_ids: [other.id], filters: { refuse_seconds: 0 } } });
    }
    await a.waitForState("big", "TASK_RUNNING");
    const b = await subscribe(m, { name: "B" }, (sched) => {
      sched.autoDecline = 0;
    });
    // Once B holds offers for both agents at once, A never gets an offer while B (which holds nothing) declines:
    // B's share with both offers is below A's before each pick.
    const both = (e: { offers?: { offers?: OfferJson[] } }) =>
      new Set((e.offers?.offers ?? []).map((o) => o.agent_id.value)).size === 2;
    const from = b.stream.events.indexOf(await b.stream.next(both));
    const aOffers = a.offers().length;
    await until(
      () => b.stream.events.slice(from).filter((e) => e.type === "OFFERS").length >= 5,
      5000,
      "5 rounds",
    );
    expect(a.offers().length).toBe(aOffers);
    expect(
      b.stream.events
        .slice(from)
        .filter((e) => e.type === "OFFERS")
        .every(both),
    ).toBe(true);

    // B takes a whole agent (4 of 8 cpus = 0.5 > 0.4375): now A is served first again.
    b.autoDecline = undefined;
    const round = await b.stream.next(both, 5000, b.stream.events.length);
    const offers = round.offers?.offers ?? [];
    const roomy = offers.find((o) =>
      o.resources.some((r) => r.name === "cpus" && (r.scalar?.value ?? 0) >= 4),
    );
    if (!roomy) throw new Error("no offer with 4 cpus");
    await launch(b, roomy, [commandTask(roomy, "bigger", "sleep 100", { cpus: 4, mem: 512 })], {
      refuse_seconds: 0,
    });
    b.autoDecline = 0;
    for (const other of offers.filter((o) => o !== roomy)) {
      await b.call("DECLINE", { decline: { offer_ids: [other.id], filters: { refuse_seconds: 0 } } });
    }
    await a.nextOffer(aOffers, 5000);
  });

  it("rescinds offers not used within offerTimeoutMs, and offers the resources again", async () => {
    const m = await start({ agents: 1, offerTimeoutMs: 200 });
    const s = await subscribe(m);
    const offer = await s.nextOffer();
    const rescind = await s.stream.next((e) => e.type === "RESCIND");
    expect(rescind.rescind?.offer_id.value).toBe(offer.id.value);
    const offeredAt = s.stream.arrivals[s.stream.events.findIndex((e) => e.type === "OFFERS")] ?? 0;
    const rescindedAt = s.stream.arrivals[s.stream.events.indexOf(rescind)] ?? 0;
    // 200 ms after the offer was made (allowing for the offer's own delivery time).
    expect(rescindedAt - offeredAt).toBeGreaterThanOrEqual(150);
    const next = await s.nextOffer(1);
    expect(next.id.value).not.toBe(offer.id.value);
    expect(next.agent_id.value).toBe(offer.agent_id.value);
  });

  it("removing an agent rescinds its offers and loses its tasks (TASK_UNREACHABLE when partition-aware)", async () => {
    const m = await start({ agents: 2 });
    const plain = await subscribe(m, { name: "plain" });
    await until(() => new Set(plain.offers().map((o) => o.agent_id.value)).size === 2, 5000, "two offers");
    const [offer, other] = plain.offers();
    if (!offer || !other) throw new Error("no offers");
    await launch(plain, offer, [commandTask(offer, "on-lost-agent", "sleep 100")], { refuse_seconds: 0 });
    await plain.waitForState("on-lost-agent", "TASK_RUNNING");
    // The other agent goes to the partition-aware framework: the plain one refuses it for an hour.
    const aware = await subscribe(m, { name: "aware", capabilities: [{ type: "PARTITION_AWARE" }] });
    await plain.call("DECLINE", { decline: { offer_ids: [other.id], filters: { refuse_seconds: 3600 } } });
    const onOther = (from: number) =>
      aware
        .offers()
        .slice(from)
        .find((o) => o.agent_id.value === other.agent_id.value);
    await until(() => onOther(0) !== undefined, 5000, "an offer of the other agent");
    const awareOffer = onOther(0) as OfferJson;
    await launch(aware, awareOffer, [commandTask(awareOffer, "aware-task", "sleep 100")], {
      refuse_seconds: 0,
    });
    await aware.waitForState("aware-task", "TASK_RUNNING");
    const seen = aware.offers().indexOf(awareOffer) + 1;
    await until(() => onOther(seen) !== undefined, 5000, "the rest of the other agent offered");
    const held = onOther(seen) as OfferJson;

    expect(m.removeAgent(other.agent_id.value)).toBe(true);
    const rescind = await aware.stream.next((e) => e.rescind?.offer_id.value === held.id.value);
    expect(rescind.type).toBe("RESCIND");
    const unreachable = await aware.waitForState("aware-task", "TASK_UNREACHABLE");
    expect(unreachable).toMatchObject({ source: "SOURCE_MASTER", reason: "REASON_AGENT_UNREACHABLE" });
    await aware.stream.next((e) => e.failure?.agent_id?.value === other.agent_id.value);
    const tasks = await post<{ get_tasks: { unreachable_tasks?: { task_id: { value: string } }[] } }>(
      `${m.url}/api/v1`,
      { type: "GET_TASKS" },
    );
    expect(tasks.body.get_tasks.unreachable_tasks?.map((t) => t.task_id.value)).toEqual(["aware-task"]);
    expect(m.removeAgent(offer.agent_id.value)).toBe(true);
    const lost = await plain.waitForState("on-lost-agent", "TASK_LOST");
    expect(lost.reason).toBe("REASON_AGENT_UNREACHABLE");
    expect(m.cluster.agents).toHaveLength(0);
  });
});

describe("KILL, RECONCILE, failover timeout, TEARDOWN", () => {
  async function runningTask(s: TestScheduler, taskId: string): Promise<OfferJson> {
    const offer = await s.nextOffer(0);
    await launch(s, offer, [commandTask(offer, taskId, "sleep 100")], { refuse_seconds: 0 });
    await s.waitForState(taskId, "TASK_RUNNING");
    return offer;
  }

  it("KILL kills a task (TASK_KILLING with the capability, then TASK_KILLED); an unknown task is TASK_LOST", async () => {
    const m = await start({ agents: 1 });
    const s = await subscribe(m, { capabilities: [{ type: "TASK_KILLING_STATE" }] });
    const offer = await runningTask(s, "victim");
    expect(
      (await s.call("KILL", { kill: { task_id: { value: "victim" }, agent_id: offer.agent_id } })).status,
    ).toBe(202);
    await s.waitForState("victim", "TASK_KILLING");
    await s.waitForState("victim", "TASK_KILLED");
    await s.call("KILL", { kill: { task_id: { value: "ghost" } } });
    const lost = await s.waitForState("ghost", "TASK_LOST");
    expect(lost).toMatchObject({ source: "SOURCE_MASTER", reason: "REASON_RECONCILIATION" });
    expect(lost.uuid).toBeUndefined();
  });

  it("RECONCILE answers known tasks with their state and unknown ones as lost (explicit and implicit)", async () => {
    const m = await start({ agents: 1 });
    const s = await subscribe(m);
    const offer = await runningTask(s, "known");
    const from = s.stream.events.length;
    await s.call("RECONCILE", {
      reconcile: {
        tasks: [{ task_id: { value: "known" } }, { task_id: { value: "never" }, agent_id: offer.agent_id }],
      },
    });
    const known = await s.stream.next(
      (e) => e.update?.status.task_id.value === "known" && e.update.status.reason === "REASON_RECONCILIATION",
      5000,
      from,
    );
    expect(known.update?.status).toMatchObject({ state: "TASK_RUNNING", source: "SOURCE_MASTER" });
    expect(known.update?.status.uuid).toBeUndefined();
    expect((await s.waitForState("never", "TASK_LOST")).reason).toBe("REASON_RECONCILIATION");
    const implicitFrom = s.stream.events.length;
    await s.call("RECONCILE", { reconcile: { tasks: [] } });
    const implicit = await s.stream.next(
      (e) => e.update?.status.reason === "REASON_RECONCILIATION",
      5000,
      implicitFrom,
    );
    expect(implicit.update?.status).toMatchObject({ task_id: { value: "known" }, state: "TASK_RUNNING" });
  });

  it("kills a disconnected framework's tasks once failover_timeout passes (at once with the default 0)", async () => {
    const m = await start({ agents: 1 });
    const runner = m.runner as SimulatedRunner;
    const patient = await subscribe(m, { name: "patient", failover_timeout: 0.4 });
    await runningTask(patient, "outlives-0");
    const closedAt = Date.now();
    await patient.close();
    const hasty = await subscribe(m, { name: "hasty" });
    await runningTask(hasty, "dies-at-once");
    await hasty.close();
    await m.waitFor(() => runner.stateOf("dies-at-once") === "TASK_KILLED", { description: "the kill" });
    expect(runner.stateOf("outlives-0")).toBe("TASK_RUNNING");
    await m.waitFor(() => runner.stateOf("outlives-0") === "TASK_KILLED", {
      description: "the failover kill",
    });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(399);
    const frameworks = await post<{
      get_frameworks: { completed_frameworks?: { framework_info: { name: string } }[] };
    }>(`${m.url}/api/v1`, { type: "GET_FRAMEWORKS" });
    expect(
      frameworks.body.get_frameworks.completed_frameworks?.map((f) => f.framework_info.name).sort(),
    ).toEqual(["hasty", "patient"]);
  });

  it("re-subscribing within failover_timeout keeps the framework and its tasks", async () => {
    const m = await start({ agents: 1 });
    const s = await subscribe(m, { failover_timeout: 30 });
    await runningTask(s, "kept");
    await s.close();
    await m.waitFor(() => m.master.frameworks()[0]?.connected === false);
    const again = await subscribe(m, { failover_timeout: 30, id: { value: s.frameworkId } });
    expect(again.frameworkId).toBe(s.frameworkId);
    await again.call("RECONCILE", { reconcile: { tasks: [{ task_id: { value: "kept" } }] } });
    expect((await again.waitForState("kept", "TASK_RUNNING")).reason).toBe("REASON_RECONCILIATION");
  });

  it("TEARDOWN kills everything, ends the stream and refuses the framework afterwards", async () => {
    const m = await start({ agents: 1 });
    const runner = m.runner as SimulatedRunner;
    const s = await subscribe(m, { failover_timeout: 30 });
    await runningTask(s, "torn");
    expect((await s.call("TEARDOWN")).status).toBe(202);
    await until(() => s.stream.ended, 5000, "the stream to end");
    await m.waitFor(() => runner.stateOf("torn") === "TASK_KILLED");
    expect((await s.call("REVIVE")).status).toBe(400);
    const again = new EventStream();
    await again.open(schedulerUrl(m), {
      type: "SUBSCRIBE",
      framework_id: { value: s.frameworkId },
      subscribe: { framework_info: { user: "root", name: "x", id: { value: s.frameworkId } } },
    });
    const error = await again.next((e) => e.type === "ERROR");
    expect(error.error?.message).toBe("Framework has been removed");
    await until(() => again.ended, 5000, "the refused stream to end");
  });
});
