import { describe, expect, expectTypeOf, it } from "vitest";
import {
  type App,
  AppCreatedResponseSchema,
  AppDefinitionSchema,
  AppListResponseSchema,
  AppResponseSchema,
  AppSchema,
  type AppUpdate,
  AppUpdateSchema,
  AppVersionsResponseSchema,
} from "./app.js";

const definition = {
  id: "/hpc/condor/execute",
  cmd: "condor_master -f",
  cpus: 1,
  mem: 2048,
  disk: 0,
  gpus: 0,
  instances: 3,
  user: "condor",
  env: { CONDOR_HOST: "cm", POOL_PASSWORD: { secret: "pool" } },
  secrets: { pool: { source: "/hpc/pool" } },
  executor: "//cmd",
  constraints: [
    ["hostname", "UNIQUE"],
    ["rack", "MAX_PER", "2"],
  ],
  fetch: [{ uri: "https://example.org/cfg.tgz", extract: true }],
  uris: ["https://example.org/a"],
  storeUrls: ["https://example.org/store"],
  ports: [0],
  requirePorts: false,
  backoffSeconds: 1,
  backoffFactor: 1.15,
  maxLaunchDelaySeconds: 300,
  container: {
    type: "DOCKER",
    docker: {
      image: "htcondor/execute:23.0",
      network: "BRIDGE",
      privileged: false,
      forcePullImage: true,
      parameters: [{ key: "ulimit", value: "nofile=65536" }],
      pullConfig: { secret: "pool" },
    },
    portMappings: [{ containerPort: 9618, hostPort: 0, servicePort: 0, protocol: "tcp", name: "condor" }],
    volumes: [
      { containerPath: "/var/lib/condor", hostPath: "/data", mode: "RW" },
      { containerPath: "data", persistent: { size: 1024, type: "mount", maxSize: 2048 }, mode: "RW" },
      { containerPath: "/secret", secret: "pool" },
    ],
  },
  healthChecks: [
    { protocol: "MESOS_HTTP", path: "/health", portIndex: 0, gracePeriodSeconds: 300, ipProtocol: "IPv4" },
    { protocol: "COMMAND", command: { value: "condor_who" } },
  ],
  readinessChecks: [
    { name: "ready", protocol: "HTTP", path: "/", portName: "condor", httpStatusCodesForReady: [200] },
  ],
  dependencies: ["/hpc/condor/cm"],
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
  labels: { "bsaas.io/role": "execute" },
  acceptedResourceRoles: ["*"],
  residency: { relaunchEscalationTimeoutSeconds: 3600, taskLostBehavior: "WAIT_FOREVER" },
  taskKillGracePeriodSeconds: 30,
  unreachableStrategy: { inactiveAfterSeconds: 300, expungeAfterSeconds: 600 },
  killSelection: "OLDEST_FIRST",
  role: "hpc",
  networks: [{ mode: "container/bridge" }],
  version: "2024-01-02T03:04:05.678Z",
};

describe("AppDefinitionSchema (request)", () => {
  it("accepts a full definition unchanged", () => {
    expect(AppDefinitionSchema.parse(definition)).toStrictEqual(definition);
  });

  it("needs only an id", () => {
    expect(AppDefinitionSchema.safeParse({ id: "/a" }).success).toBe(true);
    expect(AppDefinitionSchema.safeParse({ cmd: "sleep 1" }).success).toBe(false);
  });

  it.each([
    ["top level", { ...definition, instance: 1 }],
    ["container", { ...definition, container: { ...definition.container, kind: "x" } }],
    ["container.docker", { ...definition, container: { docker: { image: "x", pull: true } } }],
    ["port mapping", { ...definition, container: { portMappings: [{ containerPort: 1, hostport: 0 }] } }],
    ["health check", { ...definition, healthChecks: [{ protocol: "HTTP", interval: 1 }] }],
    ["readiness check", { ...definition, readinessChecks: [{ name: "r", interval: 1 }] }],
    ["upgrade strategy", { ...definition, upgradeStrategy: { minimumHealthCapacity: 1, max: 1 } }],
    ["fetch", { ...definition, fetch: [{ uri: "u", extractt: true }] }],
    ["secret", { ...definition, secrets: { s: { source: "x", path: "y" } } }],
    ["port definition", { ...definition, portDefinitions: [{ port: 0, proto: "tcp" }] }],
    [
      "volume",
      { ...definition, container: { volumes: [{ containerPath: "/a", hostPath: "/b", rw: true }] } },
    ],
  ])("rejects unknown keys in %s", (_where, value) => {
    expect(AppDefinitionSchema.safeParse(value).success).toBe(false);
  });

  it.each([
    ["instances", -1],
    ["instances", 1.5],
    ["cpus", 0],
    ["mem", -1],
    ["disk", -1],
    ["gpus", -1],
    ["backoffFactor", 0.9],
    ["backoffSeconds", -1],
    ["maxLaunchDelaySeconds", -1],
    ["taskKillGracePeriodSeconds", -1],
    ["ports", [70000]],
    ["killSelection", "RANDOM"],
    ["executor", "a//b"],
    ["role", ""],
    ["cmd", ""],
  ])("rejects %s = %j", (field, value) => {
    expect(AppDefinitionSchema.safeParse({ ...definition, [field]: value }).success).toBe(false);
  });

  it("checks enums of nested fields", () => {
    const docker = definition.container.docker;
    const bad = [
      { ...definition, container: { ...definition.container, type: "RKT" } },
      { ...definition, container: { ...definition.container, docker: { ...docker, network: "bridge" } } },
      { ...definition, networks: [{ mode: "bridge" }] },
      { ...definition, healthChecks: [{ protocol: "GRPC" }] },
      { ...definition, healthChecks: [{ ipProtocol: "IPv5" }] },
      { ...definition, readinessChecks: [{ protocol: "TCP" }] },
      { ...definition, portDefinitions: [{ protocol: "sctp" }] },
      { ...definition, upgradeStrategy: { minimumHealthCapacity: 1.01 } },
      { ...definition, upgradeStrategy: { maximumOverCapacity: -0.01 } },
      { ...definition, constraints: [["hostname", "unique"]] },
    ];
    for (const value of bad)
      expect(AppDefinitionSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
  });

  it("rejects cmd together with non-empty args, but allows cmd with args: [] (as the server does)", () => {
    const both = AppDefinitionSchema.safeParse({ ...definition, args: ["-f"] });
    expect(both.success).toBe(false);
    expect(both.error?.issues[0]?.path).toEqual(["args"]);
    expect(AppDefinitionSchema.safeParse({ ...definition, args: [] }).success).toBe(true);
    const { cmd: _cmd, ...withoutCmd } = definition;
    expect(AppDefinitionSchema.safeParse({ ...withoutCmd, args: ["-f"] }).success).toBe(true);
  });

  it("accepts the legacy docker.requirePorts key that upstream's own system test sends", () => {
    const value = {
      id: "/a",
      container: { type: "DOCKER", docker: { image: "x", network: "BRIDGE", requirePorts: true } },
    };
    expect(AppDefinitionSchema.safeParse(value).success).toBe(true);
  });

  it("accepts CSI and DVDI external volumes", () => {
    const volumes = [
      {
        containerPath: "a",
        external: { name: "v", provider: "dvdi", options: { "dvdi/driver": "rexray" } },
        mode: "RW",
      },
      {
        containerPath: "b",
        external: {
          name: "v2",
          provider: "csi",
          options: { pluginName: "p", capability: { accessMode: "SINGLE_NODE_WRITER", accessType: "mount" } },
        },
        mode: "RW",
      },
    ];
    expect(
      AppDefinitionSchema.safeParse({ id: "/a", cmd: "x", container: { type: "MESOS", volumes } }).success,
    ).toBe(true);
  });
});

describe("AppUpdateSchema (request)", () => {
  it("makes every field optional", () => {
    expect(AppUpdateSchema.safeParse({}).success).toBe(true);
    expect(AppUpdateSchema.safeParse({ instances: 3 }).success).toBe(true);
    expect(AppUpdateSchema.parse(definition)).toStrictEqual(definition);
  });

  it("keeps the constraints of the definition", () => {
    expect(AppUpdateSchema.safeParse({ instances: -1 }).success).toBe(false);
    expect(AppUpdateSchema.safeParse({ id: "/Bad" }).success).toBe(false);
    expect(AppUpdateSchema.safeParse({ instancez: 3 }).success).toBe(false);
    expect(AppUpdateSchema.safeParse({ cmd: "a", args: ["b"] }).success).toBe(false);
  });

  it("types every field as optional", () => {
    expectTypeOf<AppUpdate["id"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Record<never, never>>().toExtend<AppUpdate>();
  });
});

const appInfo = {
  ...definition,
  version: "2024-01-02T03:04:05.678Z",
  versionInfo: { lastScalingAt: "2024-01-02T03:04:05.678Z", lastConfigChangeAt: "2024-01-01T00:00:00.000Z" },
  tasksStaged: 0,
  tasksRunning: 2,
  tasksHealthy: 2,
  tasksUnhealthy: 0,
  deployments: [{ id: "5ed4c0c5-9ff8-4a6f-a0cd-f57f59a34b43" }],
  tasks: [
    {
      id: "hpc_condor_execute.instance-564bd685-4c30-11e5-98c1-be5b2935a987._app.1",
      appId: "/hpc/condor/execute",
      host: "srv1",
      state: "TASK_RUNNING",
      ports: [31000],
      servicePorts: [10000],
      slaveId: "agent0",
      stagedAt: "2024-01-02T03:04:05.678Z",
      startedAt: null,
      version: "2024-01-02T03:04:05.678Z",
      ipAddresses: [{ ipAddress: "10.0.0.1", protocol: "IPv4" }],
      healthCheckResults: [
        {
          alive: true,
          consecutiveFailures: 0,
          firstSuccess: "2024-01-02T03:04:05.678Z",
          lastFailure: null,
          lastSuccess: "2024-01-02T03:04:05.678Z",
          lastFailureCause: null,
          instanceId: "hpc_condor_execute.marathon-564bd685-4c30-11e5-98c1-be5b2935a987",
        },
      ],
      role: "hpc",
    },
  ],
  lastTaskFailure: {
    appId: "/hpc/condor/execute",
    host: "srv2",
    message: "Command exited with status 1",
    state: "TASK_FAILED",
    taskId: "hpc_condor_execute.abc",
    timestamp: "2024-01-02T03:04:05.678Z",
    version: "2024-01-02T03:04:05.678Z",
  },
  taskStats: {
    totalSummary: {
      stats: {
        counts: { staged: 0, running: 2, healthy: 2, unhealthy: 0 },
        lifeTime: { averageSeconds: 1, medianSeconds: 1 },
      },
    },
  },
  readinessCheckResults: [
    {
      name: "ready",
      taskId: "t.instance-1",
      ready: false,
      lastResponse: { status: 503, contentType: "text/plain", body: "no" },
    },
  ],
};

describe("AppSchema (response)", () => {
  it("parses an AppInfo without changing it", () => {
    expect(AppSchema.parse(appInfo)).toStrictEqual(appInfo);
  });

  it("keeps fields it does not know, at every level", () => {
    const future = {
      ...appInfo,
      newTopLevel: { a: 1 },
      container: {
        ...appInfo.container,
        newContainerField: true,
        docker: { ...appInfo.container.docker, newDockerField: [1] },
        portMappings: [{ containerPort: 1, newMappingField: "x" }],
      },
      healthChecks: [{ protocol: "HTTP", newCheckField: 1 }],
      tasks: [
        {
          ...appInfo.tasks[0],
          newTaskField: "y",
          healthCheckResults: [{ alive: true, consecutiveFailures: 0, z: 1 }],
        },
      ],
      deployments: [{ id: "d", newDeploymentField: 2 }],
      versionInfo: { lastScalingAt: "t", lastConfigChangeAt: "t", newVersionField: 3 },
    };
    expect(AppSchema.parse(future)).toStrictEqual(future);
  });

  it("adds nothing: no defaults for missing fields", () => {
    expect(AppSchema.parse({ id: "/a" })).toStrictEqual({ id: "/a" });
  });

  it("accepts the nulls older servers write", () => {
    const nulls = {
      id: "/a",
      cmd: null,
      args: null,
      user: null,
      container: null,
      ipAddress: null,
      residency: null,
      acceptedResourceRoles: null,
      taskKillGracePeriodSeconds: null,
      lastTaskFailure: null,
    };
    expect(AppSchema.parse(nulls)).toStrictEqual(nulls);
  });

  it("accepts values a newer server might send for enum-like fields", () => {
    const value = {
      id: "/a",
      container: { type: "WASM" },
      killSelection: "RANDOM",
      constraints: [["a", "NEAR"]],
    };
    expect(AppSchema.safeParse(value).success).toBe(true);
  });

  it("still rejects wrong types", () => {
    expect(AppSchema.safeParse({ id: 1 }).success).toBe(false);
    expect(AppSchema.safeParse({ id: "/a", instances: "2" }).success).toBe(false);
    expect(AppSchema.safeParse({ id: "/a", labels: { a: 1 } }).success).toBe(false);
    expect(AppSchema.safeParse({ id: "/a", env: { A: 1 } }).success).toBe(false);
    expect(AppSchema.safeParse({ id: "/a", tasks: [{ id: "t" }] }).success).toBe(false);
    expect(AppSchema.safeParse({ id: "/a", deployments: [{}] }).success).toBe(false);
  });

  it("infers the status fields", () => {
    expectTypeOf<App["tasksRunning"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<App["cmd"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<NonNullable<App["deployments"]>[number]["id"]>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<App["tasks"]>[number]["state"]>().toEqualTypeOf<string>();
  });
});

describe("app response envelopes", () => {
  it("AppListResponseSchema: { apps }", () => {
    const body = { apps: [appInfo, { id: "/b" }] };
    expect(AppListResponseSchema.parse(body)).toStrictEqual(body);
    expect(AppListResponseSchema.safeParse({ app: appInfo }).success).toBe(false);
  });

  it("AppResponseSchema: { app }", () => {
    expect(AppResponseSchema.parse({ app: appInfo })).toStrictEqual({ app: appInfo });
    expect(AppResponseSchema.safeParse(appInfo).success).toBe(false);
  });

  it("AppVersionsResponseSchema: { versions }", () => {
    expect(AppVersionsResponseSchema.parse({ versions: ["2014-03-01T23:42:20.938Z"] })).toStrictEqual({
      versions: ["2014-03-01T23:42:20.938Z"],
    });
    expect(AppVersionsResponseSchema.safeParse({ versions: [1] }).success).toBe(false);
  });

  it("AppCreatedResponseSchema: the app plus deployments, which are required", () => {
    const created = {
      ...definition,
      deployments: [{ id: "d1" }],
      tasksStaged: 0,
      tasksRunning: 0,
      tasksHealthy: 0,
      tasksUnhealthy: 0,
      extra: 1,
    };
    expect(AppCreatedResponseSchema.parse(created)).toStrictEqual(created);
    const { deployments: _d, ...withoutDeployments } = created;
    expect(AppCreatedResponseSchema.safeParse(withoutDeployments).success).toBe(false);
  });
});

describe("AppListResponseSchema fast path", () => {
  it("gives zod's own result for valid lists and zod's own issues for invalid ones", async () => {
    const { detailed, setFastPath } = await import("../../schema/fast.js");
    const { readFileSync } = await import("node:fs");
    const app = JSON.parse(
      readFileSync(
        new URL("../../../../../../shared/specs/marathon/examples/app.json", import.meta.url),
        "utf8",
      ),
    );
    const valid = { apps: [app, { ...app, id: "/bar", extraField: { kept: true } }] };
    const invalid = { apps: [app, { ...app, instances: "two", labels: { a: 1 } }] };
    const reference = detailed(AppListResponseSchema);
    try {
      expect(AppListResponseSchema.parse(valid)).toEqual(reference.parse(valid));
      const fastIssues = AppListResponseSchema.safeParse(invalid).error?.issues.map((i) => [i.path, i.code]);
      setFastPath(false);
      const zodIssues = AppListResponseSchema.safeParse(invalid).error?.issues.map((i) => [i.path, i.code]);
      expect(fastIssues).toEqual(zodIssues);
      expect(fastIssues?.length).toBeGreaterThan(0);
    } finally {
      setFastPath(true);
    }
  });
});
