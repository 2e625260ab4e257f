import {
  MasterStateSchema,
  MasterStateSummarySchema,
  OperatorEventSchema,
  OperatorResponseSchema,
  parseMesosJson,
  SchedulerEventSchema,
  VersionSchema,
} from "@bsaas/sdk/mesos";
import { afterEach, describe, expect, it } from "vitest";
import type { SchemaLike } from "../marathon/validation.js";
import type { RecordedMesosBody } from "./http.js";
import { type MesosMasterServer, startMesosMaster } from "./server.js";
import { commandTask, EventStream, get, post, TestScheduler, until } from "./test-helpers.js";

let mesos: MesosMasterServer | undefined;
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await mesos?.close();
  mesos = undefined;
});

/** The SDK schema a recorded body must parse with, by path and kind; undefined for plain-text bodies. */
function schemaFor(body: RecordedMesosBody): { name: string; schema: SchemaLike } | undefined {
  if (!body.contentType?.startsWith("application/json")) return undefined;
  if (body.path === "/api/v1/scheduler") {
    return body.kind === "event" ? { name: "SchedulerEventSchema", schema: SchedulerEventSchema } : undefined;
  }
  if (body.path === "/api/v1") {
    return body.kind === "event"
      ? { name: "OperatorEventSchema", schema: OperatorEventSchema }
      : { name: "OperatorResponseSchema", schema: OperatorResponseSchema };
  }
  if (/state-summary$/.test(body.path))
    return { name: "MasterStateSummarySchema", schema: MasterStateSummarySchema };
  if (/state(\.json)?$/.test(body.path)) return { name: "MasterStateSchema", schema: MasterStateSchema };
  if (body.path === "/version") return { name: "VersionSchema", schema: VersionSchema };
  throw new Error(`no schema for ${body.path}`);
}

describe("contract: what the master sends parses with the SDK's Mesos schemas", () => {
  it("every response and event body of a scripted run", async () => {
    const bodies: RecordedMesosBody[] = [];
    mesos = await startMesosMaster({
      agents: [
        { cpus: 2, mem: 2048, attributes: { site: "a" }, region: "eu", zone: "eu-1" },
        { cpus: 2, mem: 2048 },
      ],
      heartbeatIntervalSeconds: 0.1,
      allocationIntervalMs: 50,
      offerTimeoutMs: 300,
      onBody: (body) => bodies.push(body),
    });
    const m = mesos;
    const operatorStream = await new EventStream().open(`${m.url}/api/v1`, { type: "SUBSCRIBE" });
    closers.push(() => operatorStream.close());

    const s = new TestScheduler(m.url);
    closers.push(() => s.close());
    await s.subscribe({
      user: "root",
      name: "contract",
      failover_timeout: 30,
      capabilities: [{ type: "TASK_KILLING_STATE" }, { type: "PARTITION_AWARE" }],
      labels: { labels: [{ key: "team", value: "hpc" }] },
    });
    const offer = await s.nextOffer();
    await s.call("ACCEPT", {
      accept: {
        offer_ids: [offer.id],
        operations: [
          {
            type: "LAUNCH",
            launch: {
              task_infos: [
                {
                  ...commandTask(offer, "c-1", "sleep 100", { ports: [31000] }),
                  labels: { labels: [{ key: "k", value: "v" }] },
                  container: { type: "MESOS" },
                },
                { ...commandTask(offer, "c-bad", "true"), command: undefined },
              ],
            },
          },
        ],
        filters: { refuse_seconds: 0 },
      },
    });
    await s.waitForState("c-1", "TASK_RUNNING");
    await s.waitForState("c-bad", "TASK_ERROR");
    // An unanswered offer is rescinded after offerTimeoutMs.
    await s.stream.next((e) => e.type === "RESCIND");
    await s.call("RECONCILE", { reconcile: { tasks: [] } });
    await s.call("RECONCILE", { reconcile: { tasks: [{ task_id: { value: "nope" } }] } });
    await s.waitForState("nope", "TASK_UNKNOWN");
    await s.call("KILL", { kill: { task_id: { value: "c-1" } } });
    await s.waitForState("c-1", "TASK_KILLED");
    await s.call("UPDATE_FRAMEWORK", {
      update_framework: {
        framework_info: { user: "root", name: "contract-2", id: { value: s.frameworkId } },
      },
    });

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
      expect((await post(`${m.url}/api/v1`, { type })).status).toBe(200);
    }
    for (const path of [
      "/master/state",
      "/state",
      "/master/state.json",
      "/master/state-summary",
      "/version",
    ]) {
      expect((await get(`${m.url}${path}`)).status).toBe(200);
    }

    // A removed agent: FAILURE for schedulers, AGENT_REMOVED for operators; a new one: AGENT_ADDED.
    m.addAgent({ cpus: 1, mem: 1024 });
    m.removeAgent(offer.agent_id.value);
    await s.stream.next((e) => e.type === "FAILURE");
    // A second subscription fails the first over (ERROR), and TEARDOWN removes the framework.
    const again = new TestScheduler(m.url);
    closers.push(() => again.close());
    await again.subscribe({
      user: "root",
      name: "contract",
      failover_timeout: 30,
      id: { value: s.frameworkId },
    });
    await s.stream.next((e) => e.type === "ERROR");
    await again.call("TEARDOWN");
    await operatorStream.next((e) => e.type === "FRAMEWORK_REMOVED");

    const seen = (path: string, kind: string) =>
      new Set(
        bodies
          .filter((b) => b.path === path && b.kind === kind)
          .map((b) => (parseMesosJson(b.body) as { type?: string }).type),
      );
    await until(() => seen("/api/v1", "event").has("FRAMEWORK_REMOVED"), 5000, "the last operator event");
    for (const type of ["SUBSCRIBED", "HEARTBEAT", "OFFERS", "RESCIND", "UPDATE", "FAILURE", "ERROR"]) {
      expect(seen("/api/v1/scheduler", "event"), type).toContain(type);
    }
    for (const type of [
      "SUBSCRIBED",
      "HEARTBEAT",
      "TASK_ADDED",
      "TASK_UPDATED",
      "AGENT_ADDED",
      "AGENT_REMOVED",
      "FRAMEWORK_ADDED",
      "FRAMEWORK_UPDATED",
      "FRAMEWORK_REMOVED",
    ]) {
      expect(seen("/api/v1", "event"), type).toContain(type);
    }

    let checked = 0;
    for (const body of bodies) {
      const target = schemaFor(body);
      if (!target) continue;
      const result = target.schema.safeParse(parseMesosJson(body.body));
      const problem = result.success ? "" : JSON.stringify(result.error.issues.slice(0, 3));
      expect(problem, `${target.name} ${body.path} ${body.body.slice(0, 300)}`).toBe("");
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  });
});
