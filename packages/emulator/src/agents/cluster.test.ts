import { describe, expect, it } from "vitest";
import { AgentCluster } from "./cluster.js";
import { constraintProblem, meetsConstraint } from "./constraints.js";
import type { Agent, PlacementRequest } from "./types.js";

const small: PlacementRequest = { cpus: 1, mem: 128, disk: 0, gpus: 0, portCount: 1 };

describe("AgentCluster", () => {
  it("defaults to 3 agents of 4 cpus / 8192 mem / 20000 disk with disjoint port ranges", () => {
    const cluster = new AgentCluster();
    expect(cluster.agents).toHaveLength(3);
    for (const agent of cluster.agents) {
      expect(agent.resources).toMatchObject({ cpus: 4, mem: 8192, disk: 20000, gpus: 0 });
      expect(agent.address).toBe("127.0.0.1");
      expect(agent.id).toMatch(/-S\d$/);
    }
    expect(cluster.agents.map((a) => a.hostname)).toEqual(["agent-1", "agent-2", "agent-3"]);
    expect(cluster.agents.map((a) => a.resources.ports)).toEqual([
      { begin: 31000, end: 31999 },
      { begin: 32000, end: 32999 },
      { begin: 33000, end: 33999 },
    ]);
    expect(
      () => new AgentCluster([{ ports: { begin: 1, end: 10 } }, { ports: { begin: 10, end: 20 } }]),
    ).toThrow(/overlap/);
  });

  it("places on the agent with most free cpus, allocates ports, and reports why agents do not fit", () => {
    const cluster = new AgentCluster(
      [
        { cpus: 2, mem: 1024, disk: 100 },
        { cpus: 1, mem: 1024, disk: 100 },
      ],
      {
        portRangeStart: 40000,
        portsPerAgent: 2,
      },
    );
    const first = cluster.place(small);
    if (!first.ok) throw new Error("should fit");
    expect(first.agent.hostname).toBe("agent-1");
    expect(first.ports).toEqual([40000]);
    cluster.allocate("a", {
      agentId: first.agent.id,
      cpus: 1,
      mem: 128,
      disk: 0,
      gpus: 0,
      ports: first.ports,
    });
    expect(cluster.free(first.agent.id)).toMatchObject({ cpus: 1, mem: 896, ports: [40001] });

    const big = cluster.place({ ...small, cpus: 3, mem: 4096, disk: 101, portCount: 3 });
    expect(big.ok).toBe(false);
    expect(big.evaluations.map((e) => e.reasons)).toEqual([
      ["InsufficientCpus", "InsufficientMemory", "InsufficientDisk", "InsufficientPorts"],
      ["InsufficientCpus", "InsufficientMemory", "InsufficientDisk", "InsufficientPorts"],
    ]);
    const roles = cluster.place({ ...small, acceptedResourceRoles: ["public"] });
    expect(roles.ok).toBe(false);
    expect(roles.evaluations[0]?.reasons).toEqual(["UnfulfilledRole"]);

    const required = cluster.place({ ...small, requiredPorts: [40003] });
    expect(required.ok && required.agent.hostname).toBe("agent-2");
    expect(required.ok && required.ports).toEqual([40003]);
    const takenPort = cluster.place({ ...small, requiredPorts: [40000] });
    expect(takenPort.ok).toBe(false);
    expect(takenPort.evaluations.map((e) => e.reasons)).toEqual([
      ["InsufficientPorts"],
      ["InsufficientPorts"],
    ]);

    let released = 0;
    cluster.onRelease(() => released++);
    cluster.release("a");
    expect(released).toBe(1);
    expect(cluster.free(first.agent.id).cpus).toBe(2);
    expect(() =>
      cluster.allocate("x", { agentId: first.agent.id, cpus: 5, mem: 1, disk: 0, gpus: 0, ports: [] }),
    ).toThrow();
  });

  it("honours constraints against the instances already placed", () => {
    const cluster = new AgentCluster([
      { hostname: "a", attributes: { site: "cern", rack: "r1" } },
      { hostname: "b", attributes: { site: "cern", rack: "r2" } },
      { hostname: "c", attributes: { site: "infn" } },
    ]);
    const [a, b, c] = cluster.agents;
    if (!a || !b || !c) throw new Error("agents");
    const on = (...agents: Agent[]) => agents.map((agent) => ({ agentId: agent.id }));
    const place = (constraints: string[][], placed: { agentId: string }[] = []) => {
      const result = cluster.place({ ...small, constraints }, placed);
      return result.ok ? result.agent.hostname : result.evaluations.map((e) => e.reasons.join("+")).join(",");
    };
    expect(place([["hostname", "UNIQUE"]], on(a, b))).toBe("c");
    expect(place([["hostname", "UNIQUE"]], on(a, b, c))).toBe(
      "UnfulfilledConstraint,UnfulfilledConstraint,UnfulfilledConstraint",
    );
    expect(place([["site", "CLUSTER", "infn"]])).toBe("c");
    expect(place([["site", "CLUSTER"]], on(b))).toBe("a");
    expect(place([["site", "LIKE", "cer"]])).toMatch(/UnfulfilledConstraint/);
    expect(place([["site", "LIKE", "cer.*"]])).toBe("a");
    expect(place([["site", "UNLIKE", "cern"]])).toBe("c");
    expect(place([["rack", "UNLIKE", "r1"]])).toBe("b");
    expect(place([["site", "IS", "infn"]])).toBe("c");
    expect(place([["site", "MAX_PER", "1"]], on(a))).toBe("c");
    // Without a value, Marathon only spreads over the values it has seen (it cannot know the others).
    expect(place([["site", "GROUP_BY"]], on(a))).toBe("a");
    expect(place([["site", "GROUP_BY", "2"]], on(a))).toBe("c");
    expect(place([["site", "GROUP_BY"]], on(a, c))).toBe("a");
    expect(
      place(
        [
          ["rack", "IS", "r2"],
          ["hostname", "UNIQUE"],
        ],
        on(b),
      ),
    ).toMatch(/^UnfulfilledConstraint/);
  });

  it("checks that constraints are well formed", () => {
    expect(constraintProblem(["hostname", "UNIQUE"])).toBeUndefined();
    expect(constraintProblem(["hostname", "LIKE"])).toBeDefined();
    expect(constraintProblem(["hostname", "LIKE", "("])).toBe("Invalid regular expression");
    expect(constraintProblem(["site", "MAX_PER", "x"])).toBe("Value was not a valid integer");
    expect(constraintProblem(["site", "NEAR", "x"])).toMatch(/must be one of/);
    expect(constraintProblem(["site"])).toBeDefined();
    const agent = new AgentCluster(1).agents[0];
    if (!agent) throw new Error("agent");
    expect(meetsConstraint(agent, ["hostname", "LIKE", "agent"], [])).toBe(false);
    expect(meetsConstraint(agent, ["hostname", "LIKE", "agent-\\d"], [])).toBe(true);
    expect(meetsConstraint(agent, ["missing", "UNLIKE", "x"], [])).toBe(true);
    expect(meetsConstraint(agent, ["missing", "LIKE", ".*"], [])).toBe(false);
  });
});
