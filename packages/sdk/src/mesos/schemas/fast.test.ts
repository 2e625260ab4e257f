import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { fast, setFastPath } from "../../schema/fast.js";
import { parseMesosJson } from "../json.js";
import {
  ExecutorEventSchema,
  GetStateSchema,
  MasterStateSchema,
  MasterStateSummarySchema,
  OperatorEventSchema,
  OperatorResponseSchema,
  SchedulerEventSchema,
} from "./index.js";

const EXAMPLES = fileURLToPath(new URL("../../../../../../shared/specs/mesos/examples/", import.meta.url));

function examples(): unknown[] {
  const out: unknown[] = [];
  for (const dir of ["master", "agent", "scheduler", "executor", "legacy"]) {
    for (const f of readdirSync(`${EXAMPLES}${dir}`)) {
      if (f.endsWith(".json")) out.push(parseMesosJson(readFileSync(`${EXAMPLES}${dir}/${f}`, "utf8")));
    }
  }
  return out;
}

const WRAPPED: [string, z.ZodType][] = [
  ["OperatorResponseSchema", OperatorResponseSchema],
  ["OperatorEventSchema", OperatorEventSchema],
  ["SchedulerEventSchema", SchedulerEventSchema],
  ["ExecutorEventSchema", ExecutorEventSchema],
  ["MasterStateSchema", MasterStateSchema],
  ["MasterStateSummarySchema", MasterStateSummarySchema],
];

/** Parses with the fast path and with zod alone; both results, to compare. */
function both(
  schema: z.ZodType,
  value: unknown,
): [z.ZodSafeParseResult<unknown>, z.ZodSafeParseResult<unknown>] {
  setFastPath(true);
  const quick = schema.safeParse(value);
  setFastPath(false);
  const slow = schema.safeParse(value);
  setFastPath(true);
  return [quick, slow];
}

function expectSame(schema: z.ZodType, value: unknown, label: string): void {
  const [quick, slow] = both(schema, value);
  expect(quick.success, label).toBe(slow.success);
  if (quick.success && slow.success) expect(quick.data, label).toEqual(slow.data);
  if (!quick.success && !slow.success) expect(quick.error.issues, label).toEqual(slow.error.issues);
}

// Deterministic PRNG (mulberry32).
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every [parent, key] pair of a JSON tree. */
function slots(value: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([value, i]);
      slots(v, out);
    });
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push([value as Record<string, unknown>, k]);
      slots(v, out);
    }
  }
  return out;
}

const REPLACEMENTS: unknown[] = [
  undefined,
  null,
  "TASK_BOGUS",
  42,
  1.5,
  -1,
  true,
  {},
  [],
  "x",
  12345678901234567890n,
];

const task = {
  name: "t",
  task_id: { value: "t-1" },
  framework_id: { value: "f" },
  agent_id: { value: "a" },
  state: "TASK_RUNNING",
  resources: [
    { name: "cpus", type: "SCALAR", scalar: { value: 1 }, allocation_info: { role: "r" } },
    { name: "ports", type: "RANGES", ranges: { range: [{ begin: 31000, end: 31001 }] }, role: "*" },
  ],
  statuses: [
    {
      task_id: { value: "t-1" },
      state: "TASK_RUNNING",
      timestamp: 1.5,
      unreachable_time: { nanoseconds: 12 },
      container_status: {
        container_id: { value: "c", parent: { value: "p" } },
        network_infos: [{ ip_addresses: [{ protocol: "IPv4", ip_address: "10.0.0.1" }], name: "n" }],
      },
      labels: { labels: [{ key: "k", value: "v" }] },
    },
  ],
  labels: { labels: [{ key: "k" }] },
  discovery: { visibility: "FRAMEWORK", ports: { ports: [{ number: 1, name: "p" }] } },
  container: {
    type: "DOCKER",
    docker: { image: "i", network: "BRIDGE", port_mappings: [{ host_port: 1, container_port: 2 }] },
    volumes: [{ container_path: "/a", mode: "RW" }],
  },
  kill_policy: { grace_period: { nanoseconds: 5 } },
  limits: { cpus: "Infinity", mem: { value: 1 } },
  extra: { kept: true },
};
const getState = {
  type: "GET_STATE",
  get_state: {
    get_tasks: { tasks: [task], completed_tasks: [task] },
    get_agents: {
      agents: [
        {
          agent_info: { hostname: "h", id: { value: "a" } },
          active: true,
          version: "1.11.0",
          registered_time: { nanoseconds: 1470820171578306816n },
        },
      ],
    },
    get_frameworks: { frameworks: [{ framework_info: { user: "u", name: "n" }, active: true }] },
    get_executors: { executors: [{ executor_info: { executor_id: { value: "e" } } }] },
  },
};

afterEach(() => setFastPath(true));

describe("fast schemas", () => {
  it("give zod's results on every doc example", () => {
    const docs = examples();
    expect(docs.length).toBeGreaterThan(80);
    for (const [name, schema] of WRAPPED) {
      for (const [i, doc] of docs.entries()) expectSame(schema, doc, `${name} #${i}`);
    }
  });

  it("give zod's results on a GET_STATE document and on hundreds of broken copies of it", () => {
    expectSame(OperatorResponseSchema, getState, "valid");
    const parsed = OperatorResponseSchema.parse(getState) as unknown as typeof getState;
    const t = parsed.get_state.get_tasks.tasks[0] as unknown as {
      resources: { ranges?: { range: { begin: unknown }[] } }[];
      kill_policy: { grace_period: { nanoseconds: unknown } };
    };
    expect(t.resources[1]?.ranges?.range[0]?.begin).toBe(31000n);
    expect(t.kill_policy.grace_period.nanoseconds).toBe(5n);

    const rand = prng(3);
    const count = slots(getState).length;
    for (let n = 0; n < 600; n++) {
      const copy = structuredClone(getState);
      const all = slots(copy);
      const [parent, key] = all[Math.floor(rand() * count)] as [
        Record<string | number, unknown>,
        string | number,
      ];
      const replacement = REPLACEMENTS[Math.floor(rand() * REPLACEMENTS.length)];
      if (replacement === undefined && !Array.isArray(parent)) delete parent[key];
      else parent[key] = replacement;
      expectSame(OperatorResponseSchema, copy, `mutation ${n}: ${String(key)} → ${String(replacement)}`);
    }
  });

  it("share unchanged objects with the input and copy the way to converted int64 fields", () => {
    const doc = structuredClone(getState);
    const out = GetStateSchema.parse(doc.get_state) as unknown as typeof doc.get_state;
    expect(out.get_frameworks).toBe(doc.get_state.get_frameworks);
    expect(out.get_tasks).not.toBe(doc.get_state.get_tasks);
    expect(doc.get_state.get_tasks.tasks[0]?.kill_policy.grace_period.nanoseconds).toBe(5);
  });

  it("handle strict, stripping and checked objects, unions and records like zod", () => {
    const schema = fast(
      z.object({
        strict: z.strictObject({ a: z.int().min(0) }).optional(),
        strip: z.object({ a: z.string().regex(/^x/) }).optional(),
        checked: z
          .looseObject({ a: z.number().optional(), b: z.number().optional() })
          .refine((v) => v.a !== undefined || v.b !== undefined)
          .optional(),
        union: z.union([z.string(), z.number().transform((n) => n * 2)]).optional(),
        record: z.record(z.string(), z.bigint().or(z.number())).optional(),
        nullable: z.string().nullable().optional(),
        literal: z.literal(["A", "B"]).optional(),
      }),
    );
    const cases: unknown[] = [
      {},
      { strict: { a: 1 } },
      { strict: { a: -1 } },
      { strict: { a: 1, b: 2 } },
      { strict: { a: 1.5 } },
      { strip: { a: "xy", b: 1 } },
      { strip: { a: "yy" } },
      { checked: {} },
      { checked: { a: 1, c: 3 } },
      { union: "s" },
      { union: 2 },
      { union: true },
      { record: { a: 1, b: 2n } },
      { record: { a: "x" } },
      { nullable: null },
      { literal: "B" },
      { literal: "C" },
      [],
      null,
      { unknownKey: 1 },
    ];
    for (const [i, c] of cases.entries()) expectSame(schema, c, `case ${i}`);
    expect(schema.parse({ union: 2, strip: { a: "x", b: 1 } })).toEqual({ union: 4, strip: { a: "x" } });
  });

  it("report zod's issues, with paths, when the fast check fails", () => {
    const result = OperatorResponseSchema.safeParse({ type: "GET_HEALTH", get_health: { healthy: "yes" } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join("."), i.code])).toEqual([
      ["get_health.healthy", "invalid_type"],
    ]);
    const nested = z.object({ r: OperatorResponseSchema }).safeParse({ r: { type: "NOPE" } });
    expect(nested.error?.issues[0]?.path).toEqual(["r", "type"]);
  });
});
