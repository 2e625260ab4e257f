import {
  MasterStateSchema,
  MasterStateSummarySchema,
  OperatorEventSchema,
  OperatorResponseSchema,
  parseMesosJson,
  VersionSchema,
} from "@bsaas/sdk/mesos";
import { afterEach, describe, expect, it } from "vitest";
import { type MesosMasterServer, startMesosMaster } from "./server.js";
import { commandTask, EventStream, get, post, TestScheduler, until } from "./test-helpers.js";

let mesos: MesosMasterServer | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await mesos?.close();
  mesos = undefined;
});

async function start(options: Parameters<typeof startMesosMaster>[0] = {}): Promise<MesosMasterServer> {
  mesos = await startMesosMaster({
    agents: [
      { cpus: 2, mem: 2048, attributes: { site: "a", rack: "r1" }, region: "eu", zone: "eu-1" },
      { cpus: 4, mem: 4096 },
    ],
    heartbeatIntervalSeconds: 0.1,
    allocationIntervalMs: 50,
    ...options,
  });
  return mesos;
}

async function scheduler(m: MesosMasterServer, info: Record<string, unknown> = {}): Promise<TestScheduler> {
  const s = await new TestScheduler(m.url).subscribe({ user: "root", name: "op-test", ...info });
  closers.push(() => s.close());
  return s;
}

const operator = (m: MesosMasterServer, call: unknown, headers?: Record<string, string>) =>
  post<Record<string, unknown>>(`${m.url}/api/v1`, call, headers);

describe("operator API (POST /api/v1)", () => {
  it("answers the read calls with bodies the SDK's OperatorResponseSchema parses", async () => {
    const m = await start();
    const s = await scheduler(m);
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: "LAUNCH", launch: { task_infos: [commandTask(offer, "op-1", "sleep 100")] } }],
      },
    });
    await s.waitForState("op-1", "TASK_RUNNING");
    for (const type of [
      "GET_HEALTH",
      "GET_VERSION",
      "GET_FLAGS",
      "GET_STATE",
      "GET_AGENTS",
      "GET_FRAMEWORKS",
      "GET_EXECUTORS",
      "GET_TASKS",
      "GET_ROLES",
      "GET_MASTER",
    ]) {
      const reply = await operator(m, { type });
      expect(reply.status, type).toBe(200);
      expect(reply.headers.get("content-type")).toBe("application/json");
      const parsed = OperatorResponseSchema.safeParse(reply.body);
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues.slice(0, 3))}`).toBe(true);
      expect(reply.body.type).toBe(type);
    }
    const health = await operator(m, { type: "GET_HEALTH" });
    expect(health.body).toEqual({ type: "GET_HEALTH", get_health: { healthy: true } });
    const version = await operator(m, { type: "GET_VERSION" });
    expect(version.body).toMatchObject({ get_version: { version_info: { version: "1.11.0" } } });

    const tasks = (await operator(m, { type: "GET_TASKS" })).body.get_tasks as Record<string, unknown[]>;
    expect(tasks.tasks).toHaveLength(1);
    expect(tasks.tasks?.[0]).toMatchObject({
      name: "op-1",
      task_id: { value: "op-1" },
      framework_id: { value: s.frameworkId },
      agent_id: offer.agent_id,
      state: "TASK_RUNNING",
      resources: expect.arrayContaining([expect.objectContaining({ name: "cpus", scalar: { value: 0.1 } })]),
      statuses: expect.arrayContaining([expect.objectContaining({ state: "TASK_RUNNING" })]),
    });

    const agents = (await operator(m, { type: "GET_AGENTS" })).body.get_agents as {
      agents: Record<string, unknown>[];
    };
    expect(agents.agents).toHaveLength(2);
    expect(agents.agents[0]).toMatchObject({
      agent_info: {
        hostname: "agent-1",
        attributes: expect.arrayContaining([{ name: "site", type: "TEXT", text: { value: "a" } }]),
        domain: { fault_domain: { region: { name: "eu" }, zone: { name: "eu-1" } } },
      },
      active: true,
      registered_time: { nanoseconds: expect.any(BigInt) },
    });

    const frameworks = (await operator(m, { type: "GET_FRAMEWORKS" })).body.get_frameworks as {
      frameworks: Record<string, unknown>[];
    };
    expect(frameworks.frameworks).toEqual([
      expect.objectContaining({
        framework_info: expect.objectContaining({
          id: { value: s.frameworkId },
          name: "op-test",
          user: "root",
        }),
        active: true,
        connected: true,
      }),
    ]);
    const roles = (await operator(m, { type: "GET_ROLES" })).body.get_roles as {
      roles: Record<string, unknown>[];
    };
    expect(roles.roles).toContainEqual(
      expect.objectContaining({ name: "*", frameworks: [{ value: s.frameworkId }] }),
    );
    const master = (await operator(m, { type: "GET_MASTER" })).body.get_master as Record<string, unknown>;
    expect(master.master_info).toMatchObject({
      hostname: "127.0.0.1",
      port: m.port,
      ip: 16777343,
      address: { ip: "127.0.0.1", port: m.port },
    });
    const flags = (await operator(m, { type: "GET_FLAGS" })).body.get_flags as { flags: { name: string }[] };
    expect(flags.flags.map((f) => f.name)).toContain("allocation_interval");
    expect(m.callCounts("operator").GET_TASKS).toBe(2);
  });

  it("uses Mesos' status codes for bad requests", async () => {
    const m = await start();
    const wrongMethod = await get(`${m.url}/api/v1`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await operator(m, { type: "GET_HEALTH" }, {})).status).toBe(400);
    expect((await operator(m, { type: "GET_HEALTH" }, {})).text).toBe(
      "Expecting 'Content-Type' to be present",
    );
    expect((await operator(m, { type: "GET_HEALTH" }, { "content-type": "text/plain" })).status).toBe(415);
    expect(
      (await operator(m, { type: "GET_HEALTH" }, { "content-type": "application/x-protobuf" })).status,
    ).toBe(415);
    const badJson = await operator(m, "{not json", { "content-type": "application/json" });
    expect(badJson.status).toBe(400);
    expect(badJson.text).toMatch(/^Failed to parse body into JSON: /);
    const badCall = await operator(m, { type: "GET_HEALTH", extra: 1 });
    expect(badCall.status).toBe(400);
    expect(badCall.text).toMatch(/^Failed to convert JSON into Call protobuf: /);
    const notAcceptable = await operator(
      m,
      { type: "GET_HEALTH" },
      { "content-type": "application/json", accept: "text/html" },
    );
    expect(notAcceptable.status).toBe(406);
    expect(
      (await operator(m, { type: "GET_HEALTH" }, { "content-type": "application/json", accept: "*/*" }))
        .status,
    ).toBe(200);
    expect(
      (await operator(m, { type: "TEARDOWN", teardown: { framework_id: { value: "nope" } } })).status,
    ).toBe(400);
  });

  it("TEARDOWN removes a framework: its tasks are killed and it moves to completed_frameworks", async () => {
    const m = await start();
    const s = await scheduler(m);
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: "LAUNCH", launch: { task_infos: [commandTask(offer, "td-1", "sleep 100")] } }],
      },
    });
    await s.waitForState("td-1", "TASK_RUNNING");
    const reply = await operator(m, {
      type: "TEARDOWN",
      teardown: { framework_id: { value: s.frameworkId } },
    });
    expect(reply.status).toBe(200);
    await until(() => s.stream.ended, 5000, "the scheduler stream to end");
    const frameworks = (await operator(m, { type: "GET_FRAMEWORKS" })).body.get_frameworks as Record<
      string,
      { framework_info: { id: { value: string } } }[]
    >;
    expect(frameworks.frameworks ?? []).toEqual([]);
    expect(frameworks.completed_frameworks?.[0]?.framework_info.id.value).toBe(s.frameworkId);
    const tasks = (await operator(m, { type: "GET_TASKS" })).body.get_tasks as Record<
      string,
      { state: string }[]
    >;
    expect(tasks.completed_tasks?.[0]?.state).toBe("TASK_KILLED");
  });
});

describe("operator SUBSCRIBE", () => {
  it("streams RecordIO: SUBSCRIBED with a GET_STATE snapshot, heartbeats, then task, agent and framework events", async () => {
    const m = await start();
    const stream = await new EventStream().open(`${m.url}/api/v1`, { type: "SUBSCRIBE" });
    closers.push(() => stream.close());
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("application/json");
    const subscribed = await stream.next((e) => e.type === "SUBSCRIBED");
    expect(subscribed.subscribed?.heartbeat_interval_seconds).toBe(0.1);
    expect(subscribed.subscribed?.get_state).toMatchObject({
      get_agents: { agents: expect.any(Array) },
      get_frameworks: {},
      get_tasks: {},
      get_executors: {},
    });
    await until(() => stream.ofType("HEARTBEAT").length >= 2, 5000, "two heartbeats");

    const s = await scheduler(m);
    const added = await stream.next((e) => e.type === "FRAMEWORK_ADDED");
    expect(added.framework_added?.framework.framework_info.id?.value).toBe(s.frameworkId);
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: "LAUNCH", launch: { task_infos: [commandTask(offer, "sub-1", "sleep 100")] } }],
      },
    });
    const taskAdded = await stream.next((e) => e.type === "TASK_ADDED");
    expect(taskAdded.task_added?.task).toMatchObject({ task_id: { value: "sub-1" }, state: "TASK_STAGING" });
    const running = await stream.next(
      (e) => e.type === "TASK_UPDATED" && e.task_updated?.state === "TASK_RUNNING",
    );
    expect(running.task_updated).toMatchObject({
      framework_id: { value: s.frameworkId },
      status: { task_id: { value: "sub-1" }, state: "TASK_RUNNING" },
    });

    const agent = m.addAgent({ cpus: 1, mem: 512, hostname: "late" });
    const agentAdded = await stream.next((e) => e.type === "AGENT_ADDED");
    expect(agentAdded.agent_added).toMatchObject({
      agent: { agent_info: { hostname: "late", id: { value: agent.id } } },
    });
    m.removeAgent(agent.id);
    const removed = await stream.next((e) => e.type === "AGENT_REMOVED");
    expect(removed.agent_removed?.agent_id.value).toBe(agent.id);

    await s.call("TEARDOWN");
    const gone = await stream.next((e) => e.type === "FRAMEWORK_REMOVED");
    expect(gone.framework_removed?.framework_info.id?.value).toBe(s.frameworkId);

    // Every record is a whole event the SDK's schema parses, framed by the SDK's readRecordIO.
    for (const record of stream.records) {
      const parsed = OperatorEventSchema.safeParse(parseMesosJson(record));
      expect(parsed.success, record.slice(0, 200)).toBe(true);
    }
    expect(stream.error).toBeUndefined();
  });

  it("answers application/recordio with Message-Content-Type when asked for it", async () => {
    const m = await start();
    const stream = await new EventStream().open(
      `${m.url}/api/v1`,
      { type: "SUBSCRIBE" },
      { accept: "application/recordio", "message-accept": "application/json" },
    );
    closers.push(() => stream.close());
    expect(stream.headers.get("content-type")).toBe("application/recordio");
    expect(stream.headers.get("message-content-type")).toBe("application/json");
    await stream.next((e) => e.type === "SUBSCRIBED");
  });
});

describe("legacy endpoints", () => {
  it("serve /master/state (and aliases), /master/state-summary, /version and /health in the legacy shapes", async () => {
    const m = await start();
    const s = await scheduler(m);
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                commandTask(offer, "legacy-1", "sleep 100", { cpus: 0.5, mem: 64, ports: [31000, 31001] }),
              ],
            },
          },
        ],
      },
    });
    await s.waitForState("legacy-1", "TASK_RUNNING");
    for (const path of ["/master/state", "/state", "/master/state.json"]) {
      const state = await get<Record<string, unknown>>(`${m.url}${path}`);
      expect(state.status, path).toBe(200);
      const parsed = MasterStateSchema.safeParse(state.body);
      expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
    }
    const state = (await get<Record<string, unknown>>(`${m.url}/master/state`)).body as {
      pid: string;
      leader: string;
      leader_info: Record<string, unknown>;
      slaves: Record<string, unknown>[];
      frameworks: { id: string; tasks: Record<string, unknown>[] }[];
    };
    expect(state.pid).toBe(`master@127.0.0.1:${m.port}`);
    expect(state.leader).toBe(state.pid);
    expect(state.leader_info).toMatchObject({ port: m.port, hostname: "127.0.0.1" });
    expect(state.slaves[0]).toMatchObject({
      hostname: "agent-1",
      attributes: { site: "a", rack: "r1" },
      resources: { cpus: 2, mem: 2048, disk: 20000, gpus: 0, ports: "[31000-31999]" },
      used_resources: { cpus: 0.5, mem: 64, ports: "[31000-31001]" },
      active: true,
    });
    const framework = state.frameworks.find((f) => f.id === s.frameworkId);
    expect(framework?.tasks[0]).toMatchObject({
      id: "legacy-1",
      framework_id: s.frameworkId,
      slave_id: offer.agent_id.value,
      state: "TASK_RUNNING",
      resources: { cpus: 0.5, mem: 64, ports: "[31000-31001]" },
      statuses: expect.arrayContaining([
        expect.objectContaining({ state: "TASK_RUNNING", timestamp: expect.any(Number) }),
      ]),
    });
    const jsonp = await get(`${m.url}/master/state?jsonp=cb`);
    expect(jsonp.text).toMatch(/^cb\(\{.*\}\);$/s);

    const summary = await get<Record<string, unknown>>(`${m.url}/master/state-summary`);
    expect(summary.status).toBe(200);
    expect(MasterStateSummarySchema.safeParse(summary.body).success).toBe(true);
    expect(summary.body).toMatchObject({
      frameworks: [expect.objectContaining({ id: s.frameworkId, TASK_RUNNING: 1 })],
    });

    const redirect = await get(`${m.url}/master/redirect`);
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get("location")).toBe(`//127.0.0.1:${m.port}`);
    const version = await get(`${m.url}/version`);
    expect(VersionSchema.safeParse(version.body).success).toBe(true);
    expect(version.body).toMatchObject({ version: "1.11.0" });
    const health = await get(`${m.url}/health`);
    expect(health.status).toBe(200);
    expect(health.text).toBe("");
    expect((await get(`${m.url}/nope`)).status).toBe(404);
  });
});
