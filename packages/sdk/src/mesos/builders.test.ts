import { describe, expect, it } from "vitest";
import { BsaasError } from "../errors.js";
import {
  commandTask,
  type DockerTaskOptions,
  declineFilters,
  dockerTask,
  mergePorts,
  ranges,
  scalar,
} from "./builders.js";
import { stringifyMesosJson } from "./json.js";
import { FiltersSchema, OperationSchema, SchedulerCallSchema, TaskInfoSchema } from "./schemas/index.js";

const base = { name: "condor-startd", agentId: "a1-S3", cpus: 1.5, mem: 2048 };

function thrown(fn: () => unknown): BsaasError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BsaasError);
    return error as BsaasError;
  }
  throw new Error("expected a BsaasError");
}

describe("resource helpers", () => {
  it("build scalar and ranges resources", () => {
    expect(scalar("cpus", 2)).toEqual({ name: "cpus", type: "SCALAR", scalar: { value: 2 } });
    expect(scalar("mem", 64, "condor")).toEqual({
      name: "mem",
      type: "SCALAR",
      scalar: { value: 64 },
      allocation_info: { role: "condor" },
    });
    expect(ranges("ports", [[31000, 31002]])).toEqual({
      name: "ports",
      type: "RANGES",
      ranges: { range: [{ begin: 31000, end: 31002 }] },
    });
  });

  it("merge ports into ranges", () => {
    expect(mergePorts([31002, 31000, 31001, 31005, 31001])).toEqual([
      [31000, 31002],
      [31005, 31005],
    ]);
    expect(mergePorts([])).toEqual([]);
  });

  it("build decline filters", () => {
    expect(FiltersSchema.parse(declineFilters(30))).toEqual({ refuse_seconds: 30 });
    expect(() => declineFilters(-1)).toThrow(BsaasError);
  });
});

describe("commandTask", () => {
  it("builds a shell command task that parses", () => {
    const task = commandTask({
      ...base,
      taskId: "t-1",
      disk: 100,
      ports: [31001, 31000, 31005],
      command: "condor_master -f",
      env: { CONDOR_HOST: "cm.example.org" },
      uris: [
        "https://example.org/config.tgz",
        { value: "https://example.org/run.sh", executable: true, extract: false },
      ],
      labels: { "bsaas.io/site": "desy" },
      role: "condor",
      killGracePeriodSeconds: 30,
      healthCheck: { type: "COMMAND", command: { value: "condor_who" }, interval_seconds: 10 },
    });
    expect(task).toEqual({
      name: "condor-startd",
      task_id: { value: "t-1" },
      agent_id: { value: "a1-S3" },
      resources: [
        { name: "cpus", type: "SCALAR", scalar: { value: 1.5 }, allocation_info: { role: "condor" } },
        { name: "mem", type: "SCALAR", scalar: { value: 2048 }, allocation_info: { role: "condor" } },
        { name: "disk", type: "SCALAR", scalar: { value: 100 }, allocation_info: { role: "condor" } },
        {
          name: "ports",
          type: "RANGES",
          ranges: {
            range: [
              { begin: 31000, end: 31001 },
              { begin: 31005, end: 31005 },
            ],
          },
          allocation_info: { role: "condor" },
        },
      ],
      command: {
        shell: true,
        value: "condor_master -f",
        environment: { variables: [{ name: "CONDOR_HOST", value: "cm.example.org" }] },
        uris: [
          { value: "https://example.org/config.tgz" },
          { value: "https://example.org/run.sh", executable: true, extract: false },
        ],
      },
      labels: { labels: [{ key: "bsaas.io/site", value: "desy" }] },
      health_check: { type: "COMMAND", command: { value: "condor_who" }, interval_seconds: 10 },
      kill_policy: { grace_period: { nanoseconds: 30_000_000_000 } },
    });
    const parsed = TaskInfoSchema.parse(task);
    expect(parsed.kill_policy?.grace_period?.nanoseconds).toBe(30_000_000_000n);
    expect(parsed.resources?.[3]?.ranges?.range?.[0]).toEqual({ begin: 31000n, end: 31001n });
    // Plain JSON: JSON.stringify works on builder output.
    expect(JSON.parse(JSON.stringify(task))).toEqual(task);
  });

  it("runs an argv without a shell, argv[0] being the executable", () => {
    const task = commandTask({ ...base, command: { argv: ["/usr/sbin/condor_master", "-f"] } });
    expect(task.command).toEqual({
      shell: false,
      value: "/usr/sbin/condor_master",
      arguments: ["/usr/sbin/condor_master", "-f"],
    });
    expect(task.task_id.value).toMatch(/^condor-startd\.[0-9a-f-]{36}$/);
    expect(task.resources).toHaveLength(2);
    TaskInfoSchema.parse(task);
  });

  it("names the wrong field", () => {
    expect(thrown(() => commandTask({ ...base, cpus: 0, command: "x" })).message).toMatch(/cpus/);
    expect(thrown(() => commandTask({ ...base, mem: Number.NaN, command: "x" })).message).toMatch(/mem/);
    expect(thrown(() => commandTask({ ...base, ports: [70000], command: "x" })).message).toMatch(
      /ports\[0\]/,
    );
    expect(thrown(() => commandTask({ ...base, command: { argv: [] } })).message).toMatch(/command\.argv/);
    expect(thrown(() => commandTask({ ...base, command: " " })).message).toMatch(/command/);
    expect(thrown(() => commandTask({ ...base, name: "", command: "x" })).message).toMatch(/name/);
    expect(thrown(() => commandTask({ ...base, command: "x", killGracePeriodSeconds: -1 })).code).toBe(
      "MESOS_TASK_INVALID",
    );
  });

  it("goes into a LAUNCH operation of an ACCEPT call", () => {
    const task = commandTask({ ...base, command: "sleep 10" });
    const call = {
      type: "ACCEPT",
      framework_id: { value: "fw-1" },
      accept: {
        offer_ids: [{ value: "o-1" }],
        operations: [{ type: "LAUNCH", launch: { task_infos: [task] } }],
        filters: declineFilters(5),
      },
    };
    expect(SchedulerCallSchema.parse(call).type).toBe("ACCEPT");
    expect(OperationSchema.parse(call.accept.operations[0]).type).toBe("LAUNCH");
    expect(JSON.parse(stringifyMesosJson(SchedulerCallSchema.parse(call)))).toEqual(call);
  });
});

describe("dockerTask", () => {
  const docker: DockerTaskOptions = { ...base, image: "htcondor/execute:23.0", network: "BRIDGE" };

  it("builds a BRIDGE task with port mappings, volumes and parameters", () => {
    const task = dockerTask({
      ...docker,
      taskId: "d-1",
      portMappings: [
        { hostPort: 31000, containerPort: 9618 },
        { hostPort: 31001, containerPort: 9100, protocol: "udp" },
      ],
      parameters: [{ key: "ulimit", value: "nofile=65536:65536" }],
      volumes: [
        { containerPath: "/var/lib/condor", hostPath: "/data/condor", mode: "RW" },
        { containerPath: "/etc/grid-security", mode: "RO" },
      ],
      forcePullImage: true,
      privileged: false,
      command: { argv: ["-f"] },
    });
    expect(task.container).toEqual({
      type: "DOCKER",
      docker: {
        image: "htcondor/execute:23.0",
        network: "BRIDGE",
        port_mappings: [
          { host_port: 31000, container_port: 9618, protocol: "tcp" },
          { host_port: 31001, container_port: 9100, protocol: "udp" },
        ],
        parameters: [{ key: "ulimit", value: "nofile=65536:65536" }],
        force_pull_image: true,
        privileged: false,
      },
      volumes: [
        { container_path: "/var/lib/condor", host_path: "/data/condor", mode: "RW" },
        { container_path: "/etc/grid-security", mode: "RO" },
      ],
    });
    // argv goes to the entrypoint: docker run IMAGE -f
    expect(task.command).toEqual({ shell: false, arguments: ["-f"] });
    // Host ports of the mappings are reserved.
    expect(task.resources?.[2]).toEqual({
      name: "ports",
      type: "RANGES",
      ranges: { range: [{ begin: 31000, end: 31001 }] },
    });
    expect(TaskInfoSchema.parse(task).container?.type).toBe("DOCKER");
  });

  it("builds HOST and USER tasks", () => {
    const host = dockerTask({ ...docker, network: "HOST", command: "condor_master -f" });
    expect(host.container?.docker?.network).toBe("HOST");
    expect(host.command).toEqual({ shell: true, value: "condor_master -f" });
    TaskInfoSchema.parse(host);

    const user = dockerTask({
      ...docker,
      network: "USER",
      networkName: "condor-net",
      portMappings: [{ hostPort: 31000, containerPort: 9618 }],
    });
    expect(user.container?.network_infos).toEqual([{ name: "condor-net" }]);
    expect(user.command).toEqual({ shell: false });
    TaskInfoSchema.parse(user);
  });

  it("rejects wrong combinations, naming the field", () => {
    const mapping = [{ hostPort: 31000, containerPort: 80 }];
    expect(thrown(() => dockerTask({ ...docker, network: "HOST", portMappings: mapping })).message).toMatch(
      /portMappings/,
    );
    expect(thrown(() => dockerTask({ ...docker, network: "USER" })).message).toMatch(/networkName/);
    expect(thrown(() => dockerTask({ ...docker, networkName: "x" })).message).toMatch(/networkName/);
    expect(thrown(() => dockerTask({ ...docker, image: "" })).message).toMatch(/image/);
    expect(
      thrown(() => dockerTask({ ...docker, portMappings: [{ hostPort: 31000, containerPort: -1 }] })).message,
    ).toMatch(/portMappings\[0\]\.containerPort/);
    expect(
      thrown(() => dockerTask({ ...docker, volumes: [{ containerPath: "", mode: "RW" }] })).message,
    ).toMatch(/volumes\[0\]\.containerPath/);
    expect(thrown(() => dockerTask({ ...docker, network: "OVERLAY" as unknown as "HOST" })).message).toMatch(
      /network/,
    );
  });
});
