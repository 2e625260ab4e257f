import { describe, expect, expectTypeOf, it } from "vitest";
import {
  DeploymentInfoEventSchema,
  MARATHON_EVENT_TYPES,
  type MarathonEvent,
  type MarathonEventOf,
  MarathonEventSchema,
  type MarathonEventType,
  type StatusUpdateEventSchema,
} from "./events.js";

const timestamp = "2024-01-02T03:04:05.678Z";

const plan = {
  id: "867ed450-f6a8-4d33-9b0e-e11c5513990b",
  version: timestamp,
  steps: [
    { actions: [{ action: "StartApplication", app: "/hpc/cm" }] },
    {
      actions: [
        { action: "ScaleApplication", app: "/hpc/cm" },
        { action: "StartPod", pod: "/hpc/pod" },
      ],
    },
  ],
};

/** One valid sample per event type, as a current (1.10) server writes it. */
const samples: Record<MarathonEventType, Record<string, unknown>> = {
  event_stream_attached: { remoteAddress: "10.0.0.1" },
  event_stream_detached: { remoteAddress: "10.0.0.1" },
  subscribe_event: { clientIp: "10.0.0.1", callbackUrl: "http://cb" },
  unsubscribe_event: { clientIp: "10.0.0.1", callbackUrl: "http://cb" },
  api_post_event: {
    clientIp: "10.0.0.1",
    uri: "/v2/apps/a",
    appDefinition: { id: "/a", cmd: "sleep 1", instances: 1 },
  },
  status_update_event: {
    slaveId: "agent-1",
    taskId: "a.instance-1._app.1",
    taskStatus: "TASK_RUNNING",
    message: "",
    appId: "/a",
    host: "srv1",
    ipAddresses: [{ ipAddress: "10.0.0.2", protocol: "IPv4" }],
    ports: [31000],
    version: timestamp,
  },
  instance_changed_event: {
    instanceId: "a.instance-1",
    condition: "Running",
    runSpecId: "/a",
    agentId: "agent-1",
    host: "srv1",
    runSpecVersion: timestamp,
    goal: "Running",
  },
  instance_health_changed_event: {
    instanceId: "a.instance-1",
    runSpecId: "/a",
    runSpecVersion: timestamp,
    healthy: true,
  },
  health_status_changed_event: { appId: "/a", instanceId: "a.instance-1", version: timestamp, alive: false },
  failed_health_check_event: {
    appId: "/a",
    instanceId: "a.instance-1",
    healthCheck: { protocol: "HTTP", path: "/" },
  },
  add_health_check_event: { appId: "/a", version: timestamp, healthCheck: { protocol: "TCP" } },
  remove_health_check_event: { appId: "/a", version: timestamp, healthCheck: { protocol: "TCP" } },
  unhealthy_instance_kill_event: {
    appId: "/a",
    taskId: "a.instance-1._app.1",
    instanceId: "a.instance-1",
    version: timestamp,
    reason: "500",
    host: "srv1",
    slaveId: "agent-1",
  },
  unhealthy_task_kill_event: {
    appId: "/a",
    taskId: "a.1",
    version: timestamp,
    reason: "500",
    host: "srv1",
    slaveId: null,
  },
  app_terminated_event: { appId: "/a" },
  group_change_success: { groupId: "/hpc", version: timestamp },
  group_change_failed: { groupId: "/hpc", version: timestamp, reason: "boom" },
  deployment_info: { plan, currentStep: plan.steps[0] },
  deployment_step_success: { plan, currentStep: plan.steps[0] },
  deployment_step_failure: { plan, currentStep: plan.steps[1] },
  deployment_success: { id: plan.id, plan },
  deployment_failed: { id: plan.id, plan },
  framework_message_event: { slaveId: "agent-1", executorId: "e", message: "aGk=" },
  unknown_instance_terminated_event: { instanceId: "a.instance-1", runSpecId: "/a", condition: "Killed" },
  pod_created_event: { clientIp: "10.0.0.1", uri: "/v2/pods/p" },
  pod_updated_event: { clientIp: "10.0.0.1", uri: "/v2/pods/p" },
  pod_deleted_event: { clientIp: "10.0.0.1", uri: "/v2/pods/p" },
  scheduler_registered_event: { frameworkId: "fw-1", master: "zk://m:2181/mesos" },
  scheduler_reregistered_event: { master: "zk://m:2181/mesos" },
  scheduler_disconnected_event: {},
};

describe("MARATHON_EVENT_TYPES", () => {
  it("lists every event type of ENDPOINTS.md once", () => {
    expect(MARATHON_EVENT_TYPES).toHaveLength(30);
    expect(new Set(MARATHON_EVENT_TYPES).size).toBe(MARATHON_EVENT_TYPES.length);
    for (const type of [
      "status_update_event",
      "deployment_info",
      "pod_deleted_event",
      "scheduler_disconnected_event",
    ])
      expect(MARATHON_EVENT_TYPES).toContain(type);
  });

  it("has exactly one schema per listed type in MarathonEventSchema", () => {
    const fromUnion = MarathonEventSchema.options.map((o) => o.shape.eventType.value);
    expect([...fromUnion].sort()).toEqual([...MARATHON_EVENT_TYPES].sort());
  });
});

describe("MarathonEventSchema", () => {
  for (const type of MARATHON_EVENT_TYPES) {
    it(`parses ${type} into its own branch without changing it`, () => {
      const event = { eventType: type, timestamp, ...samples[type] };
      const parsed = MarathonEventSchema.parse(event);
      expect(parsed.eventType).toBe(type);
      expect(parsed).toStrictEqual(event);
    });
  }

  it("keeps fields it does not know", () => {
    const event = { eventType: "app_terminated_event", timestamp, appId: "/a", newField: { x: 1 } };
    expect(MarathonEventSchema.parse(event)).toStrictEqual(event);
  });

  it("rejects an unknown eventType (clients handle those themselves)", () => {
    const result = MarathonEventSchema.safeParse({ eventType: "brand_new_event", timestamp });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["eventType"]);
  });

  it("rejects events without eventType or timestamp", () => {
    expect(MarathonEventSchema.safeParse({ timestamp, appId: "/a" }).success).toBe(false);
    expect(MarathonEventSchema.safeParse({ eventType: "app_terminated_event", appId: "/a" }).success).toBe(
      false,
    );
  });

  it("checks the fields of the chosen branch", () => {
    expect(MarathonEventSchema.safeParse({ eventType: "app_terminated_event", timestamp }).success).toBe(
      false,
    );
    expect(
      MarathonEventSchema.safeParse({
        eventType: "health_status_changed_event",
        timestamp,
        appId: "/a",
        alive: "yes",
      }).success,
    ).toBe(false);
    expect(MarathonEventSchema.safeParse({ eventType: "deployment_success", timestamp }).success).toBe(false);
    // A status update is not an app_terminated_event just because it has an appId.
    expect(
      MarathonEventSchema.safeParse({ eventType: "status_update_event", timestamp, appId: "/a" }).success,
    ).toBe(false);
  });

  it("accepts deployment actions with names it does not know", () => {
    const event = {
      eventType: "deployment_info",
      timestamp,
      plan: { ...plan, steps: [{ actions: [{ action: "MigrateApplication", app: "/a" }] }] },
      currentStep: { actions: [{ action: "MigrateApplication", app: "/a" }] },
    };
    expect(DeploymentInfoEventSchema.safeParse(event).success).toBe(true);
  });

  it("accepts the legacy plan format of upstream's examples (bare actions as steps, `type` instead of `action`)", () => {
    const event = {
      eventType: "deployment_step_failure",
      timestamp,
      plan: { id: "p", version: timestamp, steps: [{ action: "ScaleApplication", app: "/a" }] },
      currentStep: { actions: [{ type: "ScaleApplication", app: "/a" }] },
    };
    expect(MarathonEventSchema.parse(event)).toStrictEqual(event);
  });

  it("rejects a deployment step whose actions have neither action nor type", () => {
    const event = {
      eventType: "deployment_info",
      timestamp,
      plan,
      currentStep: { actions: [{ app: "/a" }] },
    };
    expect(MarathonEventSchema.safeParse(event).success).toBe(false);
  });
});

describe("event types", () => {
  it("narrows on eventType", () => {
    const event: MarathonEvent = MarathonEventSchema.parse({
      eventType: "status_update_event",
      timestamp,
      ...samples.status_update_event,
    });
    if (event.eventType === "status_update_event") {
      expectTypeOf(event.taskStatus).toEqualTypeOf<string>();
      expect(event.taskStatus).toBe("TASK_RUNNING");
    } else {
      throw new Error("expected a status update");
    }
  });

  it("MarathonEventOf picks one event type", () => {
    expectTypeOf<MarathonEventOf<"deployment_success">["id"]>().toEqualTypeOf<string>();
    expectTypeOf<MarathonEventOf<"deployment_success">["eventType"]>().toEqualTypeOf<"deployment_success">();
    expectTypeOf<MarathonEventOf<"status_update_event">>().toEqualTypeOf<
      ReturnType<typeof StatusUpdateEventSchema.parse>
    >();
    expectTypeOf<MarathonEvent["eventType"]>().toEqualTypeOf<MarathonEventType>();
  });
});
