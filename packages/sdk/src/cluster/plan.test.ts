import { describe, expect, it } from "vitest";
import { BsaasError } from "../errors.js";
import type { App, AppDefinition } from "../marathon/index.js";
import {
  type ClusterPlan,
  diffApp,
  formatPlan,
  PlanError,
  planCluster,
  planSite,
  planToJson,
  type SitePlan,
} from "./plan.js";

const GROUP = "/bsaas/physics/infn-to";
const CONFIG = ["CONDOR_HOST = cm", "NUM_SLOTS = 1", "SLOT_TYPE_1 = cpus=4", "START = TRUE", ""].join("\n");

/** An executor app as bsaas renders it (what we send). */
function desiredExecutor(): AppDefinition {
  return {
    id: `${GROUP}/executor`,
    instances: 4,
    cpus: 0.5,
    mem: 8192,
    disk: 0,
    args: ["executor"],
    container: {
      type: "DOCKER",
      docker: {
        image: "ghcr.io/bsaas/htcondor:24.0",
        forcePullImage: true,
        parameters: [{ key: "hostname", value: "exec" }],
      },
      volumes: [{ containerPath: "/scratch", hostPath: "/data/scratch" }],
      portMappings: [{ containerPort: 9618, name: "condor" }],
    },
    networks: [{ mode: "container", name: "htcondor-to" }],
    env: { BSAAS_ROLE: "executor", BSAAS_CONDOR_CONFIG: CONFIG, CONDOR_TOKEN: { secret: "tok" } },
    secrets: { tok: { source: "/bsaas/tok" } },
    labels: { "bsaas.io/site": "infn-to" },
    constraints: [["hostname", "UNIQUE"]],
    healthChecks: [{ protocol: "COMMAND", command: { value: "condor_who" }, gracePeriodSeconds: 120 }],
    readinessChecks: [],
    upgradeStrategy: { minimumHealthCapacity: 0.5 },
    fetch: [{ uri: "https://example.org/bootstrap.tgz" }],
    dependencies: ["central-manager"],
    taskKillGracePeriodSeconds: 30,
  };
}

/**
 * The same app as `GET /v2/apps` returns it after the POST: every Marathon default filled in (health check timings,
 * docker privileged/parameters, volume mode, port protocol and assigned service port, fetch flags, upgrade and
 * unreachable strategies, backoff, killSelection, role...), dependencies made absolute, plus read-only fields.
 * Written by the emulator's `serializeApp` (packages/emulator/src/marathon/app-definition.ts).
 */
function liveExecutor(): App {
  return {
    id: `${GROUP}/executor`,
    args: ["executor"],
    backoffFactor: 1.15,
    backoffSeconds: 1,
    constraints: [["hostname", "UNIQUE"]],
    container: {
      type: "DOCKER",
      docker: {
        image: "ghcr.io/bsaas/htcondor:24.0",
        forcePullImage: true,
        parameters: [{ key: "hostname", value: "exec" }],
        privileged: false,
      },
      volumes: [{ containerPath: "/scratch", hostPath: "/data/scratch", mode: "RW" }],
      portMappings: [{ containerPort: 9618, name: "condor", protocol: "tcp", servicePort: 10001 }],
    },
    cpus: 0.5,
    dependencies: [`${GROUP}/central-manager`],
    disk: 0,
    env: { BSAAS_ROLE: "executor", BSAAS_CONDOR_CONFIG: CONFIG, CONDOR_TOKEN: { secret: "tok" } },
    executor: "",
    fetch: [{ uri: "https://example.org/bootstrap.tgz", extract: true, executable: false, cache: false }],
    healthChecks: [
      {
        command: { value: "condor_who" },
        gracePeriodSeconds: 120,
        intervalSeconds: 60,
        maxConsecutiveFailures: 3,
        protocol: "COMMAND",
        timeoutSeconds: 20,
        delaySeconds: 15,
      },
    ],
    instances: 4,
    labels: { "bsaas.io/site": "infn-to" },
    maxLaunchDelaySeconds: 300,
    mem: 8192,
    gpus: 0,
    networks: [{ mode: "container", name: "htcondor-to" }],
    requirePorts: false,
    secrets: { tok: { source: "/bsaas/tok" } },
    taskKillGracePeriodSeconds: 30,
    upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: 0.5 },
    version: "2024-05-01T10:00:00.000Z",
    versionInfo: {
      lastScalingAt: "2024-05-01T10:00:00.000Z",
      lastConfigChangeAt: "2024-05-01T10:00:00.000Z",
    },
    killSelection: "YOUNGEST_FIRST",
    unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    role: "*",
    tasksStaged: 0,
    tasksRunning: 4,
    tasksHealthy: 4,
    tasksUnhealthy: 0,
    deployments: [],
  };
}

function liveApp(id: string, instances: number): App {
  return { ...liveExecutor(), id, instances };
}

describe("diffApp", () => {
  it("reports nothing for a live app that only adds Marathon's defaults and status", () => {
    expect(diffApp(desiredExecutor(), liveExecutor())).toEqual([]);
  });

  it("reports nothing for the null/empty fields older Marathons write (api_post_event example)", () => {
    const desired: AppDefinition = { id: "/my-app", cmd: "sleep 30", cpus: 0.2, mem: 32, args: [], env: {} };
    const live: App = {
      id: "/my-app",
      args: [],
      cmd: "sleep 30",
      constraints: [],
      container: null,
      cpus: 0.2,
      dependencies: [],
      disk: 0.0,
      env: {},
      executor: "",
      healthChecks: [],
      instances: 2,
      mem: 32.0,
      ports: [10001],
      user: null,
      version: "2014-09-09T05:57:50.866Z",
    };
    expect(diffApp(desired, live)).toEqual([]);
  });

  it("reports an instance change", () => {
    const desired = { ...desiredExecutor(), instances: 6 };
    expect(diffApp(desired, liveExecutor())).toEqual([{ path: "instances", before: 4, after: 6 }]);
  });

  it("compares numbers exactly", () => {
    expect(diffApp({ ...desiredExecutor(), cpus: 0.25 }, liveExecutor())).toEqual([
      { path: "cpus", before: 0.5, after: 0.25 },
    ]);
  });

  it("reports env keys added, removed and changed, sorted by path", () => {
    const desired = desiredExecutor();
    desired.env = { ...desired.env, BSAAS_ROLE: "submitter", NEW_VAR: "x" };
    const live = liveExecutor();
    live.env = { ...live.env, OLD_VAR: "y" };
    expect(diffApp(desired, live)).toEqual([
      { path: "env.BSAAS_ROLE", before: "executor", after: "submitter" },
      { path: "env.NEW_VAR", after: "x" },
      { path: "env.OLD_VAR", before: "y" },
    ]);
  });

  it("reports every env key when Marathon left an empty env out", () => {
    const live = liveExecutor();
    delete live.env;
    expect(diffApp({ id: `${GROUP}/executor`, env: { A: "1", B: "2" } }, live)).toEqual([
      { path: "env.A", after: "1" },
      { path: "env.B", after: "2" },
    ]);
  });

  it("reports labels only Marathon has, quoting keys that are not plain names", () => {
    const live = liveExecutor();
    live.labels = { ...live.labels, "HAPROXY_0.VHOST": "x" };
    expect(diffApp(desiredExecutor(), live)).toEqual([{ path: 'labels["HAPROXY_0.VHOST"]', before: "x" }]);
  });

  it("reports a changed health check command by its path", () => {
    const desired = desiredExecutor();
    desired.healthChecks = [
      { protocol: "COMMAND", command: { value: "condor_who -wait:60" }, gracePeriodSeconds: 120 },
    ];
    expect(diffApp(desired, liveExecutor())).toEqual([
      { path: "healthChecks[0].command.value", before: "condor_who", after: "condor_who -wait:60" },
    ]);
  });

  it("reports a length change as one change of the whole array", () => {
    const desired = desiredExecutor();
    desired.constraints = [
      ["hostname", "UNIQUE"],
      ["rack", "GROUP_BY", "2"],
    ];
    expect(diffApp(desired, liveExecutor())).toEqual([
      { path: "constraints", before: [["hostname", "UNIQUE"]], after: desired.constraints },
    ]);
  });

  it("compares array elements by the subset rule and nested objects by path", () => {
    const desired = desiredExecutor();
    desired.container = {
      type: "DOCKER",
      docker: { image: "ghcr.io/bsaas/htcondor:24.1", parameters: [{ key: "hostname", value: "exec2" }] },
    };
    expect(diffApp(desired, liveExecutor())).toEqual([
      {
        path: "container.docker.image",
        before: "ghcr.io/bsaas/htcondor:24.0",
        after: "ghcr.io/bsaas/htcondor:24.1",
      },
      { path: "container.docker.parameters[0].value", before: "exec", after: "exec2" },
    ]);
  });

  it("ignores health check fields Marathon drops for the check's protocol", () => {
    const desired: AppDefinition = {
      id: `${GROUP}/executor`,
      healthChecks: [
        { command: { value: "condor_who" }, portIndex: 0, path: "/x" },
        { protocol: "TCP", portIndex: 0, path: "/x", ignoreHttp1xx: true },
        { protocol: "HTTP", path: "/health", port: 8080, portIndex: 0 },
      ],
    };
    // As the emulator's normalizeHealthCheck writes them back.
    const base = {
      gracePeriodSeconds: 300,
      intervalSeconds: 60,
      maxConsecutiveFailures: 3,
      timeoutSeconds: 20,
    };
    const live: App = {
      ...liveExecutor(),
      healthChecks: [
        { ...base, command: { value: "condor_who" }, protocol: "COMMAND", delaySeconds: 15 },
        { ...base, portIndex: 0, protocol: "TCP", ipProtocol: "IPv4", delaySeconds: 15 },
        { ...base, ignoreHttp1xx: false, path: "/health", port: 8080, protocol: "HTTP", ipProtocol: "IPv4" },
      ],
    };
    expect(diffApp(desired, live)).toEqual([]);
  });

  it("treats port 0 as 'Marathon assigns it' and other ports exactly", () => {
    const live: App = { ...liveExecutor(), portDefinitions: [{ port: 10003, protocol: "tcp", labels: {} }] };
    expect(diffApp({ id: live.id, portDefinitions: [{ port: 0 }] }, live)).toEqual([]);
    expect(diffApp({ id: live.id, portDefinitions: [{ port: 8080 }] }, live)).toEqual([
      { path: "portDefinitions[0].port", before: 10003, after: 8080 },
    ]);
  });

  it("knows that cmd and args replace each other", () => {
    const desired = desiredExecutor();
    delete desired.args;
    desired.cmd = "/start.sh executor";
    expect(diffApp(desired, liveExecutor())).toEqual([
      { path: "args", before: ["executor"] },
      { path: "cmd", after: "/start.sh executor" },
    ]);
    const live = { ...liveExecutor(), args: null, cmd: "/start.sh executor" };
    expect(diffApp(desiredExecutor(), live)).toEqual([
      { path: "args", after: ["executor"] },
      { path: "cmd", before: "/start.sh executor" },
    ]);
  });

  it("ignores the id, read-only fields and what Marathon moves (docker network, legacy ports)", () => {
    const desired: AppDefinition = {
      ...desiredExecutor(),
      id: "executor",
      version: "2020-01-01T00:00:00.000Z",
      networks: undefined,
      container: {
        type: "DOCKER",
        docker: {
          image: "ghcr.io/bsaas/htcondor:24.0",
          network: "USER",
          portMappings: [{ containerPort: 9618, servicePort: 0 }],
        },
      },
    };
    expect(diffApp(desired, liveExecutor())).toEqual([]);
  });
});

describe("planSite", () => {
  it("creates every app when the group is missing", () => {
    const plan = planSite(
      "infn-to",
      GROUP,
      [desiredExecutor(), { id: `${GROUP}/central-manager` }],
      undefined,
    );
    expect(plan).toEqual({
      site: "infn-to",
      groupId: GROUP,
      groupExists: false,
      changes: [
        { action: "create", appId: `${GROUP}/central-manager`, app: { id: `${GROUP}/central-manager` } },
        { action: "create", appId: `${GROUP}/executor`, app: desiredExecutor() },
      ],
      unchanged: [],
    });
  });

  it("deletes live apps that are not desired and keeps matching ones unchanged", () => {
    const plan = planSite(
      "infn-to",
      `${GROUP}/`,
      [desiredExecutor()],
      [liveExecutor(), liveApp(`${GROUP}/old`, 2)],
    );
    expect(plan.groupId).toBe(GROUP);
    expect(plan.groupExists).toBe(true);
    expect(plan.changes).toEqual([{ action: "delete", appId: `${GROUP}/old`, instances: 2 }]);
    expect(plan.unchanged).toEqual([`${GROUP}/executor`]);
  });

  it("has no changes for an existing group that matches (relative ids resolve against the group)", () => {
    const plan = planSite("infn-to", GROUP, [{ ...desiredExecutor(), id: "executor" }], [liveExecutor()]);
    expect(plan.changes).toEqual([]);
    expect(plan.unchanged).toEqual([`${GROUP}/executor`]);
  });

  it("rejects apps outside the group and duplicates", () => {
    expect(() => planSite("infn-to", GROUP, [{ id: "/elsewhere/app" }], [])).toThrow(PlanError);
    expect(() => planSite("infn-to", GROUP, [{ id: `${GROUP}/a` }, { id: "a" }], [])).toThrow(
      /defined twice/,
    );
    try {
      planSite("infn-to", GROUP, [{ id: "/elsewhere/app" }], []);
    } catch (error) {
      expect(error).toBeInstanceOf(BsaasError);
      expect((error as BsaasError).code).toBe("PLAN_INVALID");
    }
  });
});

/** One site with a create, an update (instances and config text) and a delete; one site without changes. */
function smallPlan(): ClusterPlan {
  const desired = desiredExecutor();
  desired.instances = 6;
  desired.env = {
    ...desired.env,
    BSAAS_CONDOR_CONFIG: CONFIG.replace("NUM_SLOTS = 1", "NUM_SLOTS = 2").replace(
      "START = TRUE",
      "START = FALSE",
    ),
  };
  const cm: AppDefinition = { id: `${GROUP}/central-manager`, cpus: 1, mem: 1024 };
  const to = planSite("infn-to", GROUP, [cm, desired], [liveExecutor(), liveApp(`${GROUP}/old-app`, 2)]);
  const ba = planSite("infn-ba", "/bsaas/physics/infn-ba", [], []);
  return planCluster("physics", [to, ba]);
}

describe("planCluster", () => {
  it("counts the changes of every site", () => {
    const plan = smallPlan();
    expect(plan.counts).toEqual({ create: 1, update: 1, delete: 1 });
    expect(plan.hasChanges).toBe(true);
    expect(plan.sites.map((s) => s.site)).toEqual(["infn-to", "infn-ba"]);
  });

  it("has no changes when no site has any, and rejects a site planned twice", () => {
    const site: SitePlan = planSite("infn-to", GROUP, [desiredExecutor()], [liveExecutor()]);
    expect(planCluster("physics", [site])).toMatchObject({ hasChanges: false, counts: { create: 0 } });
    expect(() => planCluster("physics", [site, site])).toThrow(PlanError);
  });
});

describe("formatPlan", () => {
  it("prints creates, updates with field diffs, deletes and the summary", () => {
    expect(formatPlan(smallPlan())).toBe(
      [
        "Site infn-to (/bsaas/physics/infn-to):",
        "  + /bsaas/physics/infn-to/central-manager   (1 instance, 1 cpus, 1024 MiB)",
        "  ~ /bsaas/physics/infn-to/executor",
        "      env.BSAAS_CONDOR_CONFIG: (text, 2 lines changed)",
        "          - NUM_SLOTS = 1",
        "          + NUM_SLOTS = 2",
        "          - START = TRUE",
        "          + START = FALSE",
        "      instances: 4 -> 6",
        "  - /bsaas/physics/infn-to/old-app           (2 instances)",
        "Site infn-ba (/bsaas/physics/infn-ba): no changes",
        "",
        "Plan: 1 to create, 1 to update, 1 to delete.",
      ].join("\n"),
    );
  });

  it("says so when nothing changes, and marks groups to create", () => {
    const same = planSite("infn-to", GROUP, [desiredExecutor()], [liveExecutor()]);
    expect(formatPlan(planCluster("physics", [same]))).toBe(
      [
        "Site infn-to (/bsaas/physics/infn-to): no changes",
        "",
        "No changes. The cluster matches the file.",
      ].join("\n"),
    );
    const fresh = planSite(
      "infn-ba",
      "/bsaas/physics/infn-ba",
      [{ id: "/bsaas/physics/infn-ba/x", instances: 2, cpus: 0.5 }],
      undefined,
    );
    expect(formatPlan(planCluster("physics", [fresh]))).toBe(
      [
        "Site infn-ba (/bsaas/physics/infn-ba, new group):",
        "  + /bsaas/physics/infn-ba/x   (2 instances, 0.5 cpus, 128 MiB)",
        "",
        "Plan: 1 to create, 0 to update, 0 to delete.",
      ].join("\n"),
    );
  });

  it("colours the markers only when asked", () => {
    const text = formatPlan(smallPlan(), { color: true });
    expect(text).toContain("  \u001b[32m+\u001b[0m /bsaas/physics/infn-to/central-manager");
    expect(text).toContain("  \u001b[33m~\u001b[0m /bsaas/physics/infn-to/executor");
    expect(text).toContain("  \u001b[31m-\u001b[0m /bsaas/physics/infn-to/old-app");
    expect(formatPlan(smallPlan())).not.toContain("\u001b[");
  });

  it("shortens long text diffs and long values", () => {
    const before = Array.from({ length: 30 }, (_, i) => `LINE_${i} = ${i}`).join("\n");
    const after = Array.from({ length: 30 }, (_, i) => `LINE_${i} = ${i + 1}`).join("\n");
    const image = `registry.example.org/${"very-long-path/".repeat(6)}htcondor`;
    const plan = planCluster("c", [
      {
        site: "s",
        groupId: "/g",
        groupExists: true,
        unchanged: [],
        changes: [
          {
            action: "update",
            appId: "/g/a",
            changes: [
              { path: "container.docker.image", before: `${image}:24.0`, after: `${image}:24.1` },
              { path: "env.CONFIG", before, after },
              {
                path: "healthChecks",
                before: [],
                after: [{ protocol: "COMMAND", command: { value: "x".repeat(80) } }],
              },
            ],
          },
        ],
      },
    ]);
    const lines = formatPlan(plan).split("\n");
    expect(lines).toContain("      env.CONFIG: (text, 30 lines changed)");
    expect(lines).toContain("          ... 50 more");
    // Removed and added lines are paired, so the shortened diff still shows old and new values.
    expect(lines.slice(lines.indexOf("      env.CONFIG: (text, 30 lines changed)") + 1).slice(0, 2)).toEqual([
      "          - LINE_0 = 0",
      "          + LINE_0 = 1",
    ]);
    expect(lines.filter((l) => l.startsWith("          - ") || l.startsWith("          + "))).toHaveLength(
      10,
    );
    expect(lines).toContain("      healthChecks: [] -> [1 item]");
    const imageLine = lines.find((l) => l.startsWith("      container.docker.image: ")) ?? "";
    expect(imageLine).toMatch(/24\.0.* -> .*24\.1/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });
});

describe("planToJson", () => {
  it("writes a stable JSON document", () => {
    const json = planToJson(smallPlan());
    expect(json.formatVersion).toBe(1);
    expect(json.counts).toEqual({ create: 1, update: 1, delete: 1 });
    expect(json.sites[0]?.changes).toEqual([
      {
        action: "create",
        appId: `${GROUP}/central-manager`,
        instances: 1,
        cpus: 1,
        mem: 1024,
        app: { cpus: 1, id: `${GROUP}/central-manager`, mem: 1024 },
      },
      {
        action: "update",
        appId: `${GROUP}/executor`,
        changes: [
          expect.objectContaining({ path: "env.BSAAS_CONDOR_CONFIG", kind: "change", sensitive: false }),
          { path: "instances", kind: "change", sensitive: false, before: 4, after: 6 },
        ],
      },
      { action: "delete", appId: `${GROUP}/old-app`, instances: 2 },
    ]);
    expect(json.sites[1]).toEqual({
      site: "infn-ba",
      groupId: "/bsaas/physics/infn-ba",
      groupExists: true,
      changes: [],
      unchanged: [],
    });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});

describe("sensitive values", () => {
  const LEAKS = [
    "hunter2-old",
    "hunter2-new",
    "tok-abc123",
    "cfg-s3cr3t",
    "param-leak",
    "url-pass",
    "created-key",
  ];

  function leakyPlan(): ClusterPlan {
    const desired = desiredExecutor();
    desired.env = {
      ...desired.env,
      CONDOR_PASSWORD: "hunter2-new",
      API_TOKEN: "tok-abc123",
      BSAAS_CONDOR_CONFIG: `${CONFIG}SEC_TOKEN = cfg-s3cr3t\n`,
      BSAAS_REPO: "https://bsaas:url-pass@repo.example.org/x",
    };
    desired.container = {
      type: "DOCKER",
      docker: {
        image: "ghcr.io/bsaas/htcondor:24.0",
        parameters: [{ key: "env", value: "DB_PASSWORD=param-leak" }],
      },
    };
    const live = liveExecutor();
    live.env = { ...live.env, CONDOR_PASSWORD: "hunter2-old" };
    const created: AppDefinition = { id: `${GROUP}/new`, env: { SIGNING_KEY: "created-key" } };
    return planCluster("physics", [planSite("infn-to", GROUP, [desired, created], [live])]);
  }

  it("never prints them", () => {
    const plan = leakyPlan();
    for (const text of [formatPlan(plan), formatPlan(plan, { color: true })]) {
      for (const leak of LEAKS) expect(text).not.toContain(leak);
      expect(text).toContain("      env.CONDOR_PASSWORD: (sensitive value changed)");
      expect(text).toContain("      env.API_TOKEN: (sensitive value added)");
      expect(text).toContain("SEC_TOKEN = (sensitive)");
    }
  });

  it("never puts them in the JSON", () => {
    const json = JSON.stringify(planToJson(leakyPlan()));
    for (const leak of LEAKS) expect(json).not.toContain(leak);
    const update = planToJson(leakyPlan()).sites[0]?.changes.find((c) => c.action === "update");
    expect(
      update?.action === "update" && update.changes.find((c) => c.path === "env.CONDOR_PASSWORD"),
    ).toEqual({
      path: "env.CONDOR_PASSWORD",
      kind: "change",
      sensitive: true,
      before: "(sensitive)",
      after: "(sensitive)",
    });
  });

  it("keeps the raw values in the plan itself for apply", () => {
    const update = leakyPlan().sites[0]?.changes.find((c) => c.action === "update");
    expect(update?.action === "update" && update.changes).toContainEqual({
      path: "env.CONDOR_PASSWORD",
      before: "hunter2-old",
      after: "hunter2-new",
    });
  });
});
