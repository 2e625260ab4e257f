// Cost of validating a large `GET /v2/apps` response with the SDK's zod schema, against `JSON.parse` alone.
// The response holds 5,000 apps shaped like Marathon's own examples (docker containers with port mappings, health and
// readiness checks, env with secrets, labels, constraints, some with embedded tasks and last task failures). Each
// round times `JSON.parse(text)` and `AppListResponseSchema.parse(JSON.parse(text))`, interleaved so machine noise
// hits both alike; median of BENCH_RUNS (default 15) rounds each, after warm-up rounds (JIT, schema compilation).
// Needs the built SDK: `cd packages/sdk && npx tsup` (or `npm run bench`, which builds first).
import { deepStrictEqual } from "node:assert/strict";
import { AppListResponseSchema } from "../packages/sdk/dist/marathon/index.js";
import { fmt, interleave, prng, report } from "./lib.mjs";

const APPS = 5000;
const runs = Math.max(15, Number(process.env.BENCH_RUNS ?? 15));
const warmups = 5;

const rand = prng(42);
const pick = (list) => list[Math.floor(rand() * list.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const hex = (n) => Array.from({ length: n }, () => "0123456789abcdef"[int(0, 15)]).join("");
const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
const ts = (day, ms) => new Date(Date.UTC(2024, 0, day, 0, 0, 0, ms)).toISOString();

const sites = ["desy", "kit", "cern", "fnal", "infn", "ral", "in2p3", "pic"];
const roles = ["condor-execute", "condor-submit", "condor-cm", "monitoring", "storage", "tools"];
const images = [
  "htcondor/execute:23.0",
  "htcondor/submit:23.0",
  "htcondor/cm:23.0",
  "prom/node-exporter:v1.7.0",
];
const hosts = Array.from({ length: 200 }, (_, i) => `srv${i}.hw.${pick(sites)}.example.org`);

function healthCheck(i) {
  return pick([
    {
      gracePeriodSeconds: 300,
      ignoreHttp1xx: false,
      intervalSeconds: 20,
      maxConsecutiveFailures: 3,
      path: "/health",
      portIndex: 0,
      protocol: "MESOS_HTTP",
      timeoutSeconds: 20,
      delaySeconds: 15,
      ipProtocol: "IPv4",
    },
    {
      gracePeriodSeconds: 60 + (i % 5),
      intervalSeconds: 10,
      maxConsecutiveFailures: 5,
      protocol: "COMMAND",
      command: { value: "condor_who -quick || exit 1" },
      timeoutSeconds: 10,
      delaySeconds: 15,
    },
    {
      gracePeriodSeconds: 120,
      intervalSeconds: 30,
      maxConsecutiveFailures: 3,
      portIndex: 0,
      protocol: "TCP",
      timeoutSeconds: 5,
      delaySeconds: 15,
    },
  ]);
}

function task(app, n, version) {
  const host = pick(hosts);
  const port = int(31000, 32000);
  const started = rand() > 0.1;
  return {
    appId: app.id,
    healthCheckResults: app.healthChecks.length
      ? [
          {
            alive: rand() > 0.05,
            consecutiveFailures: int(0, 2),
            firstSuccess: ts(int(2, 20), int(0, 999)),
            lastFailure: rand() > 0.7 ? ts(int(2, 20), int(0, 999)) : null,
            lastSuccess: ts(int(20, 28), int(0, 999)),
            lastFailureCause: rand() > 0.7 ? "ConnectionRefused" : null,
            instanceId: `${app.id.slice(1).replaceAll("/", "_")}.marathon-${uuid()}`,
          },
        ]
      : [],
    host,
    id: `${app.id.slice(1).replaceAll("/", "_")}.instance-${uuid()}._app.${n}`,
    ipAddresses: [{ ipAddress: `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`, protocol: "IPv4" }],
    ports: [port],
    servicePorts: [int(10000, 20000)],
    slaveId: `${uuid()}-S${int(0, 400)}`,
    state: started ? "TASK_RUNNING" : "TASK_STAGING",
    stagedAt: ts(int(2, 20), int(0, 999)),
    startedAt: started ? ts(int(2, 20), int(0, 999)) : null,
    version,
    localVolumes: [],
    region: "eu-central",
    zone: pick(["a", "b", "c"]),
    role: "*",
  };
}

function app(i) {
  const site = sites[i % sites.length];
  const role = roles[i % roles.length];
  const id = `/bsaas/${site}/pool-${i % 97}/${role}-${i}`;
  const version = ts(int(1, 28), int(0, 999));
  const docker = i % 3 !== 0;
  const env = {
    CONDOR_HOST: `cm.${site}.example.org`,
    POOL: `pool-${i % 97}`,
    SITE: site,
    NUM_SLOTS: String(int(1, 64)),
    ...(i % 4 === 0 ? { POOL_PASSWORD: { secret: "poolpw" }, TOKEN: { secret: "token" } } : {}),
    ...(i % 5 === 0 ? { EXTRA_ARGS: "-debug D_FULLDEBUG", LOG_LEVEL: "info" } : {}),
  };
  const labels = {
    "bsaas.io/cluster": `c-${i % 13}`,
    "bsaas.io/site": site,
    "bsaas.io/role": role,
    owner: pick(["ops", "physics", "astro", "bio"]),
    ...(i % 2 === 0
      ? { HAPROXY_GROUP: "external", HAPROXY_0_VHOST: `${role}-${i}.${site}.example.org` }
      : {}),
  };
  const base = {
    id,
    acceptedResourceRoles: i % 7 === 0 ? ["slave_public"] : null,
    backoffFactor: 1.15,
    backoffSeconds: 1,
    cmd: docker ? null : `condor_master -f -t ${i}`,
    args: docker && i % 2 === 0 ? ["-f", "-t"] : null,
    constraints: [
      ["hostname", "UNIQUE"],
      ...(i % 3 === 0 ? [["rack", "GROUP_BY", "3"]] : []),
      ["zone", "LIKE", "eu-.*"],
    ],
    container: docker
      ? {
          type: pick(["DOCKER", "MESOS"]),
          docker: {
            forcePullImage: i % 2 === 0,
            image: pick(images),
            parameters: [
              { key: "ulimit", value: "nofile=65536:65536" },
              { key: "label", value: `bsaas=${i}` },
            ],
            privileged: false,
          },
          portMappings: [
            {
              containerPort: 9618,
              hostPort: 0,
              labels: { VIP_0: `/condor-${i}:9618` },
              name: "condor",
              protocol: "tcp",
              servicePort: 10000 + (i % 9000),
            },
            ...(i % 2 === 0
              ? [{ containerPort: 9100, hostPort: 0, name: "metrics", protocol: "tcp", servicePort: 0 }]
              : []),
          ],
          volumes: [
            { containerPath: "/var/lib/condor", hostPath: "/data/condor", mode: "RW" },
            ...(i % 10 === 0
              ? [{ containerPath: "data", mode: "RW", persistent: { type: "root", size: 1024 } }]
              : []),
          ],
        }
      : null,
    cpus: pick([0.1, 0.5, 1, 2, 4, 8]),
    dependencies: i % 6 === 0 ? [`/bsaas/${site}/pool-${i % 97}/condor-cm`] : [],
    disk: pick([0, 100, 1024]),
    env,
    executor: "",
    fetch:
      i % 4 === 0
        ? [
            {
              uri: `https://repo.example.org/${site}/config-${i}.tgz`,
              extract: true,
              executable: false,
              cache: false,
            },
          ]
        : [],
    gpus: 0,
    healthChecks: i % 8 === 7 ? [] : [healthCheck(i), ...(i % 5 === 0 ? [healthCheck(i + 1)] : [])],
    instances: int(0, 200),
    labels,
    maxLaunchDelaySeconds: 300,
    mem: pick([128, 512, 2048, 8192]),
    networks: docker ? [{ mode: "container/bridge" }] : [{ mode: "host" }],
    portDefinitions: docker
      ? []
      : [{ port: 10000 + (i % 9000), protocol: "tcp", name: "condor", labels: {} }],
    readinessChecks:
      i % 9 === 0
        ? [
            {
              name: "readiness",
              protocol: "HTTP",
              path: "/ready",
              portName: "condor",
              intervalSeconds: 30,
              timeoutSeconds: 10,
              httpStatusCodesForReady: [200],
              preserveLastResponse: false,
            },
          ]
        : [],
    requirePorts: false,
    secrets:
      i % 4 === 0
        ? { poolpw: { source: `/bsaas/${site}/poolpw` }, token: { source: `/bsaas/${site}/token` } }
        : {},
    taskKillGracePeriodSeconds: i % 3 === 0 ? 30 : null,
    upgradeStrategy: { maximumOverCapacity: 1, minimumHealthCapacity: pick([0, 0.5, 1]) },
    user: i % 5 === 0 ? "condor" : null,
    version,
    versionInfo: { lastScalingAt: version, lastConfigChangeAt: ts(1, int(0, 999)) },
    killSelection: pick(["YOUNGEST_FIRST", "OLDEST_FIRST"]),
    unreachableStrategy: i % 11 === 0 ? "disabled" : { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    role: pick(["*", "bsaas"]),
    tasksStaged: int(0, 3),
    tasksRunning: int(0, 200),
    tasksHealthy: int(0, 200),
    tasksUnhealthy: int(0, 2),
    deployments: i % 20 === 0 ? [{ id: uuid() }] : [],
  };
  if (i % 5 === 0) base.tasks = Array.from({ length: int(1, 4) }, (_, n) => task(base, n + 1, version));
  if (i % 25 === 0)
    base.lastTaskFailure = {
      appId: id,
      host: pick(hosts),
      message: "Command exited with status 1",
      state: "TASK_FAILED",
      taskId: `${id.slice(1).replaceAll("/", "_")}.${uuid()}`,
      timestamp: ts(int(1, 28), int(0, 999)),
      version,
      slaveId: `${uuid()}-S1`,
    };
  return base;
}

const text = JSON.stringify({ apps: Array.from({ length: APPS }, (_, i) => app(i)) });

// The schema must accept the document and give back the same data (no fields dropped), or the timing means nothing.
deepStrictEqual(AppListResponseSchema.parse(JSON.parse(text)), JSON.parse(text));

const jsonOnly = () => JSON.parse(text);
const withSchema = () => AppListResponseSchema.parse(JSON.parse(text));
const { json: j, schema: s } = await interleave({ json: jsonOnly, schema: withSchema }, { runs, warmups });
console.log(`document: ${APPS} apps, ${(text.length / 1e6).toFixed(1)} MB of JSON`);
console.log(
  `JSON.parse                      median ${fmt(j.median)}  min ${fmt(j.min)}  p90 ${fmt(j.p90)}  (${j.runs} runs)`,
);
console.log(
  `JSON.parse + AppListResponse    median ${fmt(s.median)}  min ${fmt(s.min)}  p90 ${fmt(s.p90)}  (${s.runs} runs)`,
);
report("marathon-parse", {
  ratio: s.median / j.median,
  baseline: `JSON.parse median ${fmt(j.median)}`,
  goal: 2.0,
});
