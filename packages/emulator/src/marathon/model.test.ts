import { describe, expect, it } from "vitest";
import { normalizeApp, serializeApp } from "./app-definition.js";
import { emptyGroup, type GroupNode, putApp } from "./groups.js";
import type { JsonObject } from "./json.js";
import { matchesLabels, parseLabelSelectors } from "./labels.js";
import { canonicalPath, parseTaskId, safePath, taskIdOf } from "./paths.js";
import { computePlan, findCycle, stepsJson } from "./plan.js";

const V1 = "2024-01-01T00:00:00.000Z";
const V2 = "2024-01-02T00:00:00.000Z";

function tree(
  apps: Record<string, JsonObject>,
  version = V1,
  groupDeps: Record<string, string[]> = {},
): GroupNode {
  let root = emptyGroup("/", version);
  for (const [id, raw] of Object.entries(apps)) {
    root = putApp(root, normalizeApp({ cmd: "sleep 1", ...raw }, id, version), version);
  }
  for (const [groupId, deps] of Object.entries(groupDeps)) {
    const group = [...root.groups.values()].find((g) => g.id === groupId);
    if (group) group.dependencies = deps;
  }
  return root;
}

describe("paths", () => {
  it("canonicalizes relative ids and parses task ids", () => {
    expect(canonicalPath("b", "/a")).toBe("/a/b");
    expect(canonicalPath("../c/./d/", "/a/b")).toBe("/a/c/d");
    expect(canonicalPath("/x", "/a")).toBe("/x");
    expect(safePath("/hpc/condor/schedd")).toBe("hpc_condor_schedd");
    const taskId = taskIdOf("hpc_condor.instance-1234-abcd", 3);
    expect(taskId).toBe("hpc_condor.instance-1234-abcd._app.3");
    expect(parseTaskId(taskId)).toEqual({
      instanceId: "hpc_condor.instance-1234-abcd",
      appId: "/hpc/condor",
    });
    expect(parseTaskId("my.app.instance-1._app")).toEqual({
      instanceId: "my.app.instance-1",
      appId: "/my.app",
    });
    expect(parseTaskId("nope")).toBeUndefined();
  });
});

describe("label selectors", () => {
  it("parses existence, (in)equality and set selectors, with escapes", () => {
    const selectors = parseLabelSelectors("a, b==1, c!=2, d in (x, y), e notin (z), f\\ g==h\\,i");
    expect(selectors).toEqual([
      { kind: "exists", key: "a" },
      { kind: "eq", key: "b", value: "1" },
      { kind: "neq", key: "c", value: "2" },
      { kind: "in", key: "d", values: ["x", "y"] },
      { kind: "notin", key: "e", values: ["z"] },
      { kind: "eq", key: "f g", value: "h,i" },
    ]);
    const labels = { a: "", b: "1", c: "3", d: "y", e: "w", "f g": "h,i" };
    expect(matchesLabels(labels, selectors)).toBe(true);
    expect(matchesLabels({ ...labels, d: "q" }, selectors)).toBe(false);
    expect(matchesLabels({ b: "1" }, parseLabelSelectors("c!=2"))).toBe(false);
    expect(() => parseLabelSelectors("a in (b")).toThrow(/Can not parse label selector/);
    expect(() => parseLabelSelectors("==")).toThrow();
  });
});

describe("app definitions", () => {
  it("applies Marathon's defaults and writes the RAML fields, omitting empty ones", () => {
    const app = serializeApp(normalizeApp({ cmd: "sleep 1", ports: [0, 0] }, "/a", V1));
    expect(app).toEqual({
      id: "/a",
      backoffFactor: 1.15,
      backoffSeconds: 1,
      cmd: "sleep 1",
      cpus: 1,
      disk: 0,
      executor: "",
      instances: 1,
      labels: {},
      maxLaunchDelaySeconds: 300,
      mem: 128,
      gpus: 0,
      networks: [{ mode: "host" }],
      portDefinitions: [
        { port: 0, protocol: "tcp" },
        { port: 0, protocol: "tcp" },
      ],
      requirePorts: false,
      upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: 1 },
      version: V1,
      versionInfo: { lastScalingAt: V1, lastConfigChangeAt: V1 },
      killSelection: "YOUNGEST_FIRST",
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
      role: "*",
    });
    const bridged = serializeApp(
      normalizeApp(
        {
          container: {
            type: "DOCKER",
            docker: { image: "nginx", network: "BRIDGE", portMappings: [{ containerPort: 80 }] },
          },
        },
        "/b",
        V1,
      ),
    );
    expect(bridged.networks).toEqual([{ mode: "container/bridge" }]);
    expect(bridged.portDefinitions).toBeUndefined();
    expect(bridged.container).toEqual({
      type: "DOCKER",
      docker: { image: "nginx", forcePullImage: false, privileged: false, parameters: [] },
      volumes: [],
      portMappings: [{ containerPort: 80, hostPort: 0, protocol: "tcp", servicePort: 0 }],
    });
  });
});

describe("deployment plans", () => {
  it("stops, starts, then scales/restarts in dependency order (apps and groups)", () => {
    const original = tree({ "/s/keep": {}, "/s/old": {}, "/s/change": {} });
    const target = tree(
      {
        "/s/keep": {},
        "/s/change": { cmd: "sleep 2" },
        "/s/db": {},
        "/s/web": { dependencies: ["/s/db"] },
        "/front/lb": {},
      },
      V2,
      { "/front": ["/s"] },
    );
    // Unchanged apps keep their version, as the versioning step of a deployment does.
    const keep = target.groups.get("/s")?.apps.get("/s/keep");
    if (keep) keep.version = V1;
    for (const app of target.groups.get("/s")?.apps.values() ?? []) {
      if (app.id === "/s/keep") app.versionInfo = { lastScalingAt: V1, lastConfigChangeAt: V1 };
    }
    expect(stepsJson(computePlan(original, target))).toEqual([
      { actions: [{ action: "StopApplication", app: "/s/old" }] },
      {
        actions: [
          { action: "StartApplication", app: "/front/lb" },
          { action: "StartApplication", app: "/s/db" },
          { action: "StartApplication", app: "/s/web" },
        ],
      },
      {
        actions: [
          { action: "RestartApplication", app: "/s/change" },
          { action: "ScaleApplication", app: "/s/db" },
        ],
      },
      { actions: [{ action: "ScaleApplication", app: "/s/web" }] },
      { actions: [{ action: "ScaleApplication", app: "/front/lb" }] },
    ]);
  });

  it("scales with the instances to kill, and scales to zero even when the config changed", () => {
    const original = tree({ "/a": { instances: 3 }, "/b": { instances: 2 } });
    const target = tree({ "/a": { instances: 2 }, "/b": { instances: 0, cmd: "other" } }, V2);
    for (const app of [...target.apps.values()]) app.versionInfo.lastConfigChangeAt = V1;
    const plan = computePlan(original, target, new Map([["/a", ["a.instance-1"]]]));
    expect(plan).toEqual([
      {
        actions: [
          { action: "ScaleApplication", app: "/a", scaleTo: 2, sentenced: ["a.instance-1"] },
          { action: "ScaleApplication", app: "/b", scaleTo: 0, sentenced: [] },
        ],
      },
    ]);
  });

  it("finds dependency cycles", () => {
    expect(findCycle(tree({ "/a": { dependencies: ["/b"] }, "/b": { dependencies: ["/a"] } }))).toEqual([
      "/a",
      "/b",
      "/a",
    ]);
    expect(findCycle(tree({ "/a": { dependencies: ["/b"] }, "/b": {} }))).toBeUndefined();
  });
});
