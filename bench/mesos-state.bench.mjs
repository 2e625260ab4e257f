// Cost of reading a large operator GET_STATE response exactly — `parseMesosJson` (int64 nanosecond timestamps kept as
// bigints) then `OperatorResponseSchema` — against `JSON.parse` alone. The response holds 10,000 tasks shaped like a
// master's (resources with allocation info, port ranges, Docker containers with port mappings, statuses with
// container_status/network_infos, labels, health checks), their executors, 100 agents and a few frameworks with
// nanosecond registration times beyond 2^53. Each round times both, interleaved so machine noise hits both alike;
// median of BENCH_RUNS (default 15, at least 15) rounds each, after warm-up rounds (JIT, schema compilation).
// Needs the built SDK: `cd packages/sdk && npx tsup` (or `npm run bench`, which builds first).
import { strictEqual } from "node:assert/strict";
import {
  OperatorResponseSchema,
  parseMesosJson,
  stringifyMesosJson,
} from "../packages/sdk/dist/mesos/index.js";
import { fmt, interleave, prng, report } from "./lib.mjs";

const TASKS = 10_000;
const AGENTS = 100;
const runs = Math.max(15, Number(process.env.BENCH_RUNS ?? 15));
const warmups = 5;

const rand = prng(11);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const b64 = () => Buffer.from(hex(16), "hex").toString("base64");
// Nanoseconds since the epoch in 2024: ~1.7e18, beyond Number.MAX_SAFE_INTEGER.
const nanos = () =>
  1_700_000_000_000_000_000n + BigInt(int(0, 1e9)) * 1_000_000_000n + BigInt(int(0, 999_999_999));

const clusterId = uuid();
const sites = ["desy", "kit", "cern", "fnal", "infn", "ral", "in2p3", "pic"];
const roles = ["condor-execute", "condor-submit", "condor-cm", "monitoring"];

const scalar = (name, value, role) => ({
  name,
  type: "SCALAR",
  scalar: { value },
  role: "*",
  allocation_info: { role },
});
const portsResource = (ports, role) => ({
  name: "ports",
  type: "RANGES",
  ranges: { range: ports.map((p) => ({ begin: p, end: p })) },
  role: "*",
  allocation_info: { role },
});

const agents = Array.from({ length: AGENTS }, (_, i) => {
  const hostname = `wn${i}.${sites[i % sites.length]}.example.org`;
  const total = [
    scalar("cpus", 64, "*"),
    scalar("mem", 256_000, "*"),
    scalar("disk", 1_800_000, "*"),
    { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 32000 }] }, role: "*" },
  ].map(({ allocation_info: _, ...r }) => r);
  return {
    agent_info: {
      hostname,
      port: 5051,
      id: { value: `${clusterId}-S${i}` },
      resources: total,
      attributes: [
        { name: "rack", type: "TEXT", text: { value: `r${i % 12}` } },
        { name: "site", type: "TEXT", text: { value: sites[i % sites.length] } },
      ],
      domain: { fault_domain: { region: { name: "eu" }, zone: { name: `zone-${i % 3}` } } },
    },
    active: true,
    deactivated: false,
    version: "1.11.0",
    pid: `slave(1)@10.1.${i >> 8}.${i & 255}:5051`,
    registered_time: { nanoseconds: nanos() },
    reregistered_time: { nanoseconds: nanos() },
    total_resources: total,
    allocated_resources: [scalar("cpus", 40, "condor-execute"), scalar("mem", 160_000, "condor-execute")],
    offered_resources: [],
    capabilities: ["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT", "RESOURCE_PROVIDER"].map(
      (type) => ({
        type,
      }),
    ),
  };
});

const frameworks = Array.from({ length: 4 }, (_, i) => ({
  framework_info: {
    user: "condor",
    name: `bsaas-${sites[i]}`,
    id: { value: `${clusterId}-000${i}` },
    failover_timeout: 604800,
    checkpoint: true,
    roles,
    hostname: `scheduler${i}.example.org`,
    principal: "bsaas",
    capabilities: [{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }, { type: "TASK_KILLING_STATE" }],
    labels: { labels: [{ key: "bsaas.io/cluster", value: `c-${i}` }] },
  },
  active: true,
  connected: true,
  recovered: false,
  registered_time: { nanoseconds: nanos() },
  reregistered_time: { nanoseconds: nanos() },
  offers: [],
  inverse_offers: [],
  allocated_resources: [scalar("cpus", 1000, "condor-execute")],
  offered_resources: [],
}));

function status(task, state, timestamp, ip) {
  return {
    task_id: task.task_id,
    state,
    source: "SOURCE_EXECUTOR",
    agent_id: task.agent_id,
    executor_id: task.executor_id,
    timestamp,
    uuid: b64(),
    healthy: true,
    container_status: {
      container_id: { value: uuid() },
      network_infos: [{ ip_addresses: [{ protocol: "IPv4", ip_address: ip }], name: "condor-net" }],
      executor_pid: int(1000, 99999),
    },
    labels: { labels: [] },
  };
}

const tasks = [];
const executors = [];
for (let i = 0; i < TASKS; i++) {
  const role = roles[i % roles.length];
  const agent = agents[i % AGENTS];
  const framework = frameworks[i % frameworks.length];
  const name = `${role}-${i}`;
  const id = `${name}.${uuid()}`;
  const hostPort = 31000 + (i % 1000);
  const task = {
    name,
    task_id: { value: id },
    framework_id: framework.framework_info.id,
    executor_id: { value: id },
    agent_id: agent.agent_info.id,
    state: "TASK_RUNNING",
    resources: [
      scalar("cpus", pick([0.5, 1, 2, 4]), role),
      scalar("mem", pick([512, 2048, 8192]), role),
      scalar("disk", pick([0, 1024]), role),
      portsResource([hostPort], role),
    ],
    statuses: [],
    status_update_state: "TASK_RUNNING",
    status_update_uuid: b64(),
    labels: {
      labels: [
        { key: "bsaas.io/site", value: sites[i % sites.length] },
        { key: "bsaas.io/role", value: role },
        { key: "bsaas.io/cluster", value: `c-${i % 13}` },
      ],
    },
    discovery: {
      visibility: "FRAMEWORK",
      name,
      ports: { ports: [{ number: hostPort, name: "condor", protocol: "tcp" }] },
    },
    container: {
      type: "DOCKER",
      docker: {
        image: pick(["htcondor/execute:23.0", "htcondor/submit:23.0", "htcondor/cm:23.0"]),
        network: "BRIDGE",
        port_mappings: [{ host_port: hostPort, container_port: 9618, protocol: "tcp" }],
        privileged: false,
        parameters: [{ key: "ulimit", value: "nofile=65536:65536" }],
        force_pull_image: false,
      },
      volumes: [{ container_path: "/var/lib/condor", host_path: "/data/condor", mode: "RW" }],
    },
    health_check: {
      delay_seconds: 15,
      interval_seconds: 10,
      timeout_seconds: 20,
      consecutive_failures: 3,
      grace_period_seconds: 300,
      type: "COMMAND",
      command: { shell: true, value: "condor_who -quick" },
    },
    user: "condor",
  };
  const ip = `172.17.${(i >> 8) & 255}.${i & 255}`;
  const started = 1_700_000_000 + rand() * 1e6;
  task.statuses.push(status(task, "TASK_STARTING", started, ip));
  task.statuses.push(status(task, "TASK_RUNNING", started + 2.5, ip));
  tasks.push(task);
  executors.push({
    executor_info: {
      executor_id: task.executor_id,
      framework_id: task.framework_id,
      command: { shell: false, value: "/usr/libexec/mesos/mesos-docker-executor" },
      resources: [scalar("cpus", 0.1, role), scalar("mem", 32, role)],
      name: `Command Executor (Task: ${id})`,
    },
    agent_id: task.agent_id,
  });
}

const text = stringifyMesosJson({
  type: "GET_STATE",
  get_state: {
    get_tasks: { tasks, completed_tasks: [] },
    get_executors: { executors },
    get_frameworks: { frameworks, completed_frameworks: [] },
    get_agents: { agents, recovered_agents: [] },
  },
});

// The schema must accept the document and keep the 64-bit values exact, or the timing means nothing.
const checked = OperatorResponseSchema.parse(parseMesosJson(text));
strictEqual(checked.type, "GET_STATE");
strictEqual(checked.get_state.get_tasks.tasks.length, TASKS);
strictEqual(
  checked.get_state.get_agents.agents[7].registered_time.nanoseconds,
  agents[7].registered_time.nanoseconds,
);
strictEqual(stringifyMesosJson(checked).length, text.length);

const jsonOnly = () => JSON.parse(text);
const withSchema = () => OperatorResponseSchema.parse(parseMesosJson(text));
const { json: j, schema: s } = await interleave({ json: jsonOnly, schema: withSchema }, { runs, warmups });
console.log(
  `document: GET_STATE with ${TASKS} tasks, ${AGENTS} agents, ${frameworks.length} frameworks, ${(text.length / 1e6).toFixed(1)} MB of JSON`,
);
console.log(
  `JSON.parse                                median ${fmt(j.median)}  min ${fmt(j.min)}  p90 ${fmt(j.p90)}  (${j.runs} runs)`,
);
console.log(
  `parseMesosJson + OperatorResponseSchema   median ${fmt(s.median)}  min ${fmt(s.min)}  p90 ${fmt(s.p90)}  (${s.runs} runs)`,
);
report("mesos-state", {
  ratio: s.median / j.median,
  baseline: `JSON.parse median ${fmt(j.median)}`,
  goal: 2.0,
});
