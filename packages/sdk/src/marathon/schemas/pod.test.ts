import { describe, expect, it } from "vitest";
import { InfoSchema, LeaderResponseSchema } from "./info.js";
import { InstanceSchema, PodDefinitionSchema, PodSchema, PodStatusSchema } from "./pod.js";
import { QueueResponseSchema } from "./queue.js";
import { MESOS_TASK_STATES, TaskListResponseSchema, TaskResponseSchema, TaskSchema } from "./task.js";

const pod = {
  id: "/hpc/pods/execute",
  labels: { role: "execute" },
  environment: { POOL: "a", TOKEN: { secret: "tok" } },
  secrets: { tok: { source: "/hpc/token" } },
  containers: [
    {
      name: "startd",
      resources: { cpus: 1, mem: 2048, disk: 100, gpus: 0 },
      image: { kind: "DOCKER", id: "htcondor/execute:23.0", forcePull: true },
      exec: { command: { argv: ["condor_master", "-f"] }, overrideEntrypoint: true },
      endpoints: [{ name: "condor", containerPort: 9618, hostPort: 0, protocol: ["tcp"] }],
      healthCheck: { tcp: { endpoint: "condor" }, gracePeriodSeconds: 60 },
      volumeMounts: [{ name: "scratch", mountPath: "/scratch" }],
      lifecycle: { killGracePeriodSeconds: 30 },
    },
  ],
  volumes: [{ name: "scratch" }, { name: "host", host: "/data" }, { name: "tok-file", secret: "tok" }],
  networks: [{ mode: "container", name: "dcos" }],
  scaling: { kind: "fixed", instances: 3 },
  scheduling: {
    placement: { constraints: [{ fieldName: "hostname", operator: "UNIQUE" }], acceptedResourceRoles: ["*"] },
    upgrade: { minimumHealthCapacity: 1, maximumOverCapacity: 0 },
    killSelection: "YOUNGEST_FIRST",
  },
};

describe("PodDefinitionSchema (request)", () => {
  it("accepts a pod definition unchanged", () => {
    expect(PodDefinitionSchema.parse(pod)).toStrictEqual(pod);
  });

  it("lets unknown keys through unchanged (RAML pod types are open; the server ignores them)", () => {
    const value = { ...pod, scaling: { kind: "fixed", instances: 1, maxInstances: 888 } };
    expect(PodDefinitionSchema.parse(value)).toStrictEqual(value);
  });

  it.each([
    ["no containers", { ...pod, containers: [] }],
    ["bad id", { ...pod, id: "/Pods" }],
    ["bad container name", { ...pod, containers: [{ ...pod.containers[0], name: "Startd" }] }],
    ["container without resources", { ...pod, containers: [{ name: "c" }] }],
    ["bad env var name", { ...pod, environment: { "1BAD": "x" } }],
    [
      "shell and argv together",
      { ...pod, containers: [{ ...pod.containers[0], exec: { command: { shell: "a", argv: ["b"] } } }] },
    ],
    ["scaling kind", { ...pod, scaling: { kind: "auto" } }],
    ["negative instances", { ...pod, scaling: { kind: "fixed", instances: -1 } }],
    ["bad network mode", { ...pod, networks: [{ mode: "bridge" }] }],
    [
      "bad constraint operator",
      { ...pod, scheduling: { placement: { constraints: [{ fieldName: "a", operator: "NEAR" }] } } },
    ],
    ["upgrade above 1", { ...pod, scheduling: { upgrade: { minimumHealthCapacity: 2 } } }],
    ["image kind", { ...pod, containers: [{ ...pod.containers[0], image: { kind: "APPC", id: "x" } }] }],
  ])("rejects %s", (_name, value) => {
    expect(PodDefinitionSchema.safeParse(value).success).toBe(false);
  });
});

describe("PodSchema and PodStatusSchema (responses)", () => {
  const status = {
    id: pod.id,
    spec: { ...pod, version: "2024-01-02T03:04:05.678Z" },
    status: "DEGRADED",
    statusSince: "2024-01-02T03:04:05.678Z",
    instances: [
      {
        id: "hpc_pods_execute.instance-1",
        status: "STAGING",
        statusSince: "2024-01-02T03:04:05.678Z",
        agentHostname: "srv1",
        resources: { cpus: 1.1, mem: 2080 },
        networks: [{ name: "dcos", addresses: ["9.0.0.1"] }],
        containers: [
          {
            name: "startd",
            status: "TASK_STAGING",
            statusSince: "2024-01-02T03:04:05.678Z",
            containerId: "hpc_pods_execute.instance-1.startd",
            endpoints: [{ name: "condor", allocatedHostPort: 31001 }],
            lastUpdated: "2024-01-02T03:04:05.678Z",
            lastChanged: "2024-01-02T03:04:05.678Z",
          },
        ],
        lastUpdated: "2024-01-02T03:04:05.678Z",
        lastChanged: "2024-01-02T03:04:05.678Z",
        role: "hpc",
        futureField: 1,
      },
    ],
    terminationHistory: [
      {
        instanceID: "hpc_pods_execute.instance-0",
        startedAt: "t",
        terminatedAt: "t",
        containers: [{ containerId: "c" }],
      },
    ],
    lastUpdated: "2024-01-02T03:04:05.678Z",
    lastChanged: "2024-01-02T03:04:05.678Z",
  };

  it("parse a pod and its status unchanged", () => {
    expect(PodSchema.parse(pod)).toStrictEqual(pod);
    expect(PodStatusSchema.parse(status)).toStrictEqual(status);
  });

  it("requires the status fields", () => {
    const { spec: _spec, ...withoutSpec } = status;
    expect(PodStatusSchema.safeParse(withoutSpec).success).toBe(false);
    expect(PodSchema.safeParse({ id: "/p" }).success).toBe(false);
  });

  it("InstanceSchema: a killed pod instance", () => {
    const instance = {
      instanceId: "hpc_pods_execute.instance-1",
      state: { condition: "Killed", since: "t", goal: "Decommissioned" },
      agentInfo: { host: "srv1", agentId: "a1", attributes: [] },
      runSpecVersion: "t",
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    };
    expect(InstanceSchema.parse(instance)).toStrictEqual(instance);
  });
});

describe("tasks", () => {
  const task = { id: "a.instance-1._app.1", appId: "/a", host: "srv1", state: "TASK_RUNNING", agentId: "a1" };

  it("lists the Mesos task states", () => {
    expect(MESOS_TASK_STATES).toHaveLength(14);
    expect(new Set(MESOS_TASK_STATES).size).toBe(14);
    expect(MESOS_TASK_STATES).toContain("TASK_GONE_BY_OPERATOR");
  });

  it("parses tasks, including states it does not know", () => {
    expect(TaskSchema.parse(task)).toStrictEqual(task);
    expect(TaskSchema.safeParse({ ...task, state: "TASK_HIBERNATING" }).success).toBe(true);
    expect(TaskListResponseSchema.parse({ tasks: [task] })).toStrictEqual({ tasks: [task] });
    expect(TaskResponseSchema.parse({ task })).toStrictEqual({ task });
  });

  it("requires id, appId, host and state", () => {
    for (const key of ["id", "appId", "host", "state"] as const) {
      const { [key]: _omit, ...rest } = task;
      expect(TaskSchema.safeParse(rest).success, key).toBe(false);
    }
  });
});

describe("queue", () => {
  it("parses app and pod queue items", () => {
    const body = {
      queue: [
        {
          app: { id: "/a", instances: 2 },
          count: 2,
          role: "*",
          delay: { timeLeftSeconds: 0, overdue: true },
          since: "2024-01-02T03:04:05.678Z",
          processedOffersSummary: {
            processedOffersCount: 10,
            unusedOffersCount: 10,
            lastUnusedOfferAt: "2024-01-02T03:04:05.678Z",
            rejectSummaryLastOffers: [{ reason: "InsufficientCpus", declined: 10, processed: 10 }],
            rejectSummaryLaunchAttempt: [{ reason: "InsufficientCpus", declined: 10, processed: 10 }],
          },
          lastUnusedOffers: [
            {
              offer: {
                id: "o1",
                hostname: "srv1",
                agentId: "a1",
                resources: [
                  { name: "cpus", role: "*", scalar: 0.5 },
                  { name: "ports", role: "*", ranges: [{ begin: 31000, end: 32000 }] },
                ],
                attributes: [{ name: "rack", text: "r1" }],
              },
              reason: ["InsufficientCpus"],
              timestamp: "2024-01-02T03:04:05.678Z",
            },
          ],
        },
        { pod, count: 1, delay: { timeLeftSeconds: 30, overdue: false } },
      ],
    };
    expect(QueueResponseSchema.parse(body)).toStrictEqual(body);
    expect(QueueResponseSchema.safeParse({ queue: [{ app: { id: "/a" }, count: 1 }] }).success).toBe(false);
  });
});

describe("info and leader", () => {
  it("InfoSchema accepts a minimal info and a missing leader", () => {
    const info = {
      name: "marathon",
      version: "1.10.17",
      buildref: "abc",
      elected: false,
      leader: null,
      marathon_config: { master: "zk://m/mesos", features: [], new_flag: 1 },
      zookeeper_config: { zk: "zk://m/marathon" },
      http_config: { http_port: 8080 },
      event_subscriber: null,
    };
    expect(InfoSchema.parse(info)).toStrictEqual(info);
    expect(InfoSchema.safeParse({ ...info, elected: "yes" }).success).toBe(false);
  });

  it("LeaderResponseSchema: { leader }", () => {
    expect(LeaderResponseSchema.parse({ leader: "m1:8080" })).toStrictEqual({ leader: "m1:8080" });
    expect(LeaderResponseSchema.safeParse({ message: "There is no leader" }).success).toBe(false);
  });
});
