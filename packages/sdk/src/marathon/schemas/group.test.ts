import { describe, expect, expectTypeOf, it } from "vitest";
import { type Group, GroupPartialUpdateSchema, GroupSchema, GroupUpdateSchema } from "./group.js";

const podSpec = {
  id: "/hpc/pods/p",
  containers: [{ name: "c1", resources: { cpus: 0.1, mem: 32 }, exec: { command: { shell: "sleep 1" } } }],
};

const tree = {
  id: "/",
  version: "2024-01-02T03:04:05.678Z",
  enforceRole: false,
  dependencies: [],
  apps: [],
  pods: [],
  groups: [
    {
      id: "/hpc",
      apps: [{ id: "/hpc/cm", instances: 1, tasksRunning: 1, futureAppField: 1 }],
      pods: [
        {
          id: "/hpc/pods/p",
          spec: podSpec,
          status: "STABLE",
          statusSince: "2024-01-02T03:04:05.678Z",
          lastUpdated: "2024-01-02T03:04:05.678Z",
          lastChanged: "2024-01-02T03:04:05.678Z",
        },
        podSpec,
      ],
      groups: [
        {
          id: "/hpc/site-a",
          apps: [{ id: "/hpc/site-a/execute", container: { docker: { image: "x", newDockerField: 1 } } }],
          groups: [{ id: "/hpc/site-a/deep", futureGroupField: "kept" }],
        },
      ],
      dependencies: ["/storage"],
    },
  ],
};

describe("GroupSchema (response)", () => {
  it("parses a group tree recursively without changing it", () => {
    expect(GroupSchema.parse(tree)).toStrictEqual(tree);
  });

  it("checks nested groups and apps", () => {
    expect(GroupSchema.safeParse({ id: "/", groups: [{ apps: [] }] }).success).toBe(false);
    expect(GroupSchema.safeParse({ id: "/", groups: [{ id: "/a", groups: [{ id: 3 }] }] }).success).toBe(
      false,
    );
    expect(GroupSchema.safeParse({ id: "/", groups: [{ id: "/a", apps: [{ instances: 1 }] }] }).success).toBe(
      false,
    );
  });

  it("infers a recursive type", () => {
    expectTypeOf<NonNullable<Group["groups"]>[number]["id"]>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<NonNullable<Group["groups"]>[number]["groups"]>[number]>().toExtend<Group>();
  });
});

describe("GroupUpdateSchema (request)", () => {
  const update = {
    id: "/hpc",
    apps: [{ id: "/hpc/cm", cmd: "condor_master -f", instances: 1 }],
    groups: [
      {
        id: "/hpc/site-a",
        apps: [{ id: "/hpc/site-a/execute", cmd: "x", instances: 10 }],
        groups: [{ id: "/hpc/site-a/deep", dependencies: ["/hpc/cm"] }],
      },
    ],
    pods: [podSpec],
    dependencies: ["/storage"],
    enforceRole: true,
  };

  it("accepts a nested group definition unchanged", () => {
    expect(GroupUpdateSchema.parse(update)).toStrictEqual(update);
  });

  it("accepts the special bodies: rollback to a version, scale by a factor", () => {
    expect(GroupUpdateSchema.safeParse({ version: "2024-01-02T03:04:05.678Z" }).success).toBe(true);
    expect(GroupUpdateSchema.safeParse({ scaleBy: 1.5 }).success).toBe(true);
    expect(GroupUpdateSchema.safeParse({ scaleBy: -1 }).success).toBe(false);
    expect(GroupUpdateSchema.safeParse({ version: "last week" }).success).toBe(false);
  });

  it("rejects unknown keys and invalid apps at any depth", () => {
    expect(GroupUpdateSchema.safeParse({ ...update, color: "red" }).success).toBe(false);
    expect(
      GroupUpdateSchema.safeParse({ id: "/a", groups: [{ id: "/a/b", groups: [{ id: "/a/b/c", x: 1 }] }] })
        .success,
    ).toBe(false);
    expect(
      GroupUpdateSchema.safeParse({
        id: "/a",
        groups: [{ id: "/a/b", apps: [{ id: "/a/b/c", instances: -1 }] }],
      }).success,
    ).toBe(false);
    expect(GroupUpdateSchema.safeParse({ id: "/a", apps: [{ id: "/a/x", instancez: 1 }] }).success).toBe(
      false,
    );
    expect(GroupUpdateSchema.safeParse({ id: "/A" }).success).toBe(false);
    expect(GroupUpdateSchema.safeParse({ id: "/a", dependencies: ["/B"] }).success).toBe(false);
  });
});

describe("GroupPartialUpdateSchema", () => {
  it("carries enforceRole", () => {
    expect(GroupPartialUpdateSchema.safeParse({ enforceRole: true }).success).toBe(true);
    expect(GroupPartialUpdateSchema.safeParse({ enforceRole: "yes" }).success).toBe(false);
  });
});
