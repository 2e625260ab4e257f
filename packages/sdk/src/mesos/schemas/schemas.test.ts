import { describe, expect, expectTypeOf, it } from "vitest";
import { parseMesosJson } from "../json.js";
import {
  GroupTaskInfoSchema,
  IdSchema,
  Int64Schema,
  isKnownOperatorCall,
  isTerminalTaskState,
  MasterStateSummarySchema,
  MESOS_TASK_STATES,
  type Offer,
  OperatorCallSchema,
  type OperatorEventOf,
  OperatorEventSchema,
  SchedulerCallSchema,
  type SchedulerEventOf,
  SchedulerEventSchema,
  schedulerErrorMessage,
  TaskInfoSchema,
  TERMINAL_TASK_STATES,
  taskUpdatedTaskId,
  VersionSchema,
} from "./index.js";

const fw = { value: "fw-1" };
const issuesOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; code: string }[] } }) =>
  r.error?.issues.map((i) => `${i.path.join(".")}: ${i.code}`) ?? [];

describe("Int64Schema", () => {
  it("turns integral numbers and bigints into bigints", () => {
    expect(Int64Schema.parse(5)).toBe(5n);
    expect(Int64Schema.parse(1470820172046531840n)).toBe(1470820172046531840n);
    expect(Int64Schema.parse(2 ** 60)).toBe(2n ** 60n);
    expect(Int64Schema.safeParse(1.5).success).toBe(false);
    expect(Int64Schema.safeParse("5").success).toBe(false);
  });
});

describe("ids", () => {
  it("are { value } objects, other fields kept", () => {
    expect(IdSchema.parse({ value: "x", extra: 1 })).toEqual({ value: "x", extra: 1 });
    expect(IdSchema.safeParse("x").success).toBe(false);
    expect(IdSchema.safeParse({ value: 1 }).success).toBe(false);
  });
});

describe("task states", () => {
  it("list every state and the terminal ones", () => {
    expect(MESOS_TASK_STATES).toHaveLength(14);
    for (const s of TERMINAL_TASK_STATES) expect(MESOS_TASK_STATES).toContain(s);
    expect(isTerminalTaskState("TASK_FINISHED")).toBe(true);
    expect(isTerminalTaskState("TASK_RUNNING")).toBe(false);
    expect(isTerminalTaskState("TASK_UNREACHABLE")).toBe(false);
  });
});

describe("TaskInfoSchema", () => {
  const task = { name: "t", task_id: { value: "t" }, agent_id: { value: "a" } };

  it("needs exactly one of command and executor", () => {
    expect(TaskInfoSchema.safeParse({ ...task, command: { value: "true" } }).success).toBe(true);
    expect(TaskInfoSchema.safeParse({ ...task, executor: { executor_id: { value: "e" } } }).success).toBe(
      true,
    );
    const neither = TaskInfoSchema.safeParse(task);
    expect(issuesOf(neither)).toEqual(["command: custom"]);
    expect(neither.error?.issues[0]?.message).toMatch(/neither/);
    const both = TaskInfoSchema.safeParse({
      ...task,
      command: {},
      executor: { executor_id: { value: "e" } },
    });
    expect(both.error?.issues[0]?.message).toMatch(/both/);
  });

  it("lets tasks of a group have neither", () => {
    expect(GroupTaskInfoSchema.safeParse(task).success).toBe(true);
  });

  it("checks the enums of containers and volumes", () => {
    const bad = TaskInfoSchema.safeParse({
      ...task,
      command: {},
      container: { type: "RKT", volumes: [{ container_path: "/x", mode: "RX" }] },
    });
    expect(issuesOf(bad)).toEqual([
      "container.type: invalid_value",
      "container.volumes.0.mode: invalid_value",
    ]);
  });
});

describe("SchedulerCallSchema", () => {
  it("requires framework_id on every call but SUBSCRIBE", () => {
    expect(
      SchedulerCallSchema.safeParse({
        type: "SUBSCRIBE",
        subscribe: { framework_info: { user: "u", name: "n" } },
      }).success,
    ).toBe(true);
    expect(issuesOf(SchedulerCallSchema.safeParse({ type: "TEARDOWN" }))).toEqual(["framework_id: custom"]);
    expect(SchedulerCallSchema.safeParse({ type: "TEARDOWN", framework_id: fw }).success).toBe(true);
  });

  it("is strict", () => {
    const r = SchedulerCallSchema.safeParse({
      type: "REVIVE",
      framework_id: fw,
      revive: { roles: ["a"], role: "b" },
    });
    expect(issuesOf(r)).toEqual(["revive: unrecognized_keys"]);
    expect(issuesOf(SchedulerCallSchema.safeParse({ type: "NOPE", framework_id: fw }))).toEqual([
      "type: invalid_union",
    ]);
  });

  it("accepts LAUNCH_GROUP and reservation operations", () => {
    const call = {
      type: "ACCEPT",
      framework_id: fw,
      accept: {
        offer_ids: [{ value: "o" }],
        operations: [
          {
            type: "LAUNCH_GROUP",
            launch_group: {
              executor: { executor_id: { value: "e" }, type: "DEFAULT" },
              task_group: { tasks: [{ name: "t", task_id: { value: "t" }, agent_id: { value: "a" } }] },
            },
          },
          { type: "RESERVE", id: { value: "op" }, reserve: { resources: [] } },
        ],
        filters: { refuse_seconds: 10 },
      },
    };
    expect(SchedulerCallSchema.parse(call)).toEqual(call);
  });
});

describe("SchedulerEventSchema", () => {
  it("accepts ERROR with error.message or a top-level message", () => {
    const proto = SchedulerEventSchema.parse({ type: "ERROR", error: { message: "Framework failed over" } });
    const doc = SchedulerEventSchema.parse({ type: "ERROR", message: "Framework failed over" });
    for (const e of [proto, doc]) {
      if (e.type !== "ERROR") throw new Error("not an ERROR");
      expect(schedulerErrorMessage(e)).toBe("Framework failed over");
    }
    expect(issuesOf(SchedulerEventSchema.safeParse({ type: "ERROR" }))).toEqual(["error: custom"]);
  });

  it("parses OFFERS with exact range bounds, typed by type", () => {
    const text =
      '{"type":"OFFERS","offers":{"offers":[{"id":{"value":"o"},"framework_id":{"value":"f"},"agent_id":{"value":"a"},"hostname":"h","resources":[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}],"attributes":[{"name":"os","type":"TEXT","text":{"value":"ubuntu"}}],"new_field":1}]}}';
    const event = SchedulerEventSchema.parse(parseMesosJson(text));
    if (event.type !== "OFFERS") throw new Error("not OFFERS");
    expectTypeOf(event).toEqualTypeOf<SchedulerEventOf<"OFFERS">>();
    expectTypeOf(event.offers.offers).toEqualTypeOf<Offer[] | undefined>();
    const offer = event.offers.offers?.[0];
    expect(offer?.resources?.[0]?.ranges?.range?.[0]).toEqual({ begin: 31000n, end: 32000n });
    expect(offer).toHaveProperty("new_field", 1);
  });

  it("rejects an UPDATE whose state is unknown", () => {
    const r = SchedulerEventSchema.safeParse({
      type: "UPDATE",
      update: { status: { task_id: { value: "t" }, state: "TASK_X" } },
    });
    expect(issuesOf(r)).toEqual(["update.status.state: invalid_value"]);
  });
});

describe("OperatorCallSchema", () => {
  it("checks known calls strictly and tolerates others", () => {
    const known = OperatorCallSchema.parse({ type: "GET_STATE" });
    expect(isKnownOperatorCall(known)).toBe(true);
    const other = OperatorCallSchema.parse({ type: "GET_CONTAINERS", get_containers: { show_nested: true } });
    expect(isKnownOperatorCall(other)).toBe(false);
    expect(other).toEqual({ type: "GET_CONTAINERS", get_containers: { show_nested: true } });
    expect(OperatorCallSchema.safeParse({ type: "TEARDOWN" }).success).toBe(false);
    expect(OperatorCallSchema.safeParse({ type: "GET_STATE", extra: 1 }).success).toBe(false);
    expect(OperatorCallSchema.safeParse({ type: "get state" }).success).toBe(false);
    if (isKnownOperatorCall(known) && known.type === "GET_STATE")
      expectTypeOf(known).toEqualTypeOf<{ type: "GET_STATE" }>();
  });
});

describe("OperatorEventSchema", () => {
  it("accepts both shapes of TASK_UPDATED", () => {
    const proto = OperatorEventSchema.parse({
      type: "TASK_UPDATED",
      task_updated: {
        framework_id: fw,
        status: { task_id: { value: "t-1" }, state: "TASK_RUNNING" },
        state: "TASK_RUNNING",
      },
    });
    const doc = OperatorEventSchema.parse({
      type: "TASK_UPDATED",
      task_updated: {
        task_id: { value: "t-1" },
        agent_id: { value: "a" },
        executor_id: { value: "e" },
        state: "TASK_RUNNING",
      },
    });
    for (const e of [proto, doc]) {
      if (e.type !== "TASK_UPDATED") throw new Error("not TASK_UPDATED");
      expectTypeOf(e).toEqualTypeOf<OperatorEventOf<"TASK_UPDATED">>();
      expect(taskUpdatedTaskId(e)).toBe("t-1");
    }
    const neither = OperatorEventSchema.safeParse({
      type: "TASK_UPDATED",
      task_updated: { state: "TASK_RUNNING" },
    });
    expect(issuesOf(neither)).toEqual(["task_updated.status: custom"]);
  });

  it("parses a SUBSCRIBED snapshot and the agent events", () => {
    const sub = OperatorEventSchema.parse({
      type: "SUBSCRIBED",
      subscribed: { get_state: { get_agents: { agents: [] } }, heartbeat_interval_seconds: 15 },
    });
    expect(sub.type === "SUBSCRIBED" && sub.subscribed.heartbeat_interval_seconds).toBe(15);
    expect(
      OperatorEventSchema.parse({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: "a" } } }).type,
    ).toBe("AGENT_REMOVED");
    const added = OperatorEventSchema.parse(
      parseMesosJson(
        '{"type":"AGENT_ADDED","agent_added":{"agent":{"agent_info":{"hostname":"h"},"active":true,"version":"1.11.0","registered_time":{"nanoseconds":1470820172046531840}}}}',
      ),
    );
    if (added.type !== "AGENT_ADDED") throw new Error("not AGENT_ADDED");
    expect(added.agent_added.agent.registered_time?.nanoseconds).toBe(1470820172046531840n);
  });
});

describe("legacy endpoints", () => {
  it("parse /master/state-summary and /version", () => {
    const summary = {
      hostname: "m1",
      cluster: "c",
      slaves: [
        {
          id: "S0",
          pid: "slave(1)@10.0.0.1:5051",
          hostname: "a1",
          registered_time: 1470820172.1,
          resources: { cpus: 4, mem: 1024, disk: 100, ports: "[31000-32000]" },
          used_resources: { cpus: 1 },
          active: true,
          TASK_RUNNING: 2,
          framework_ids: ["f"],
        },
      ],
      frameworks: [{ id: "f", name: "bsaas", active: true, TASK_RUNNING: 2, slave_ids: ["S0"] }],
    };
    expect(MasterStateSummarySchema.parse(summary)).toEqual(summary);
    const version = {
      version: "1.11.0",
      build_date: "2020-11-19",
      build_time: 1605800000,
      build_user: "root",
    };
    expect(VersionSchema.parse(version)).toEqual(version);
    expect(VersionSchema.safeParse({}).success).toBe(false);
  });
});
