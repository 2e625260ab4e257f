/**
 * Contract test: every example body of `shared/specs/mesos/examples/` (the request, response and event bodies printed
 * in the Mesos docs, plus a constructed RecordIO stream) goes through the schema its file name selects. Examples that
 * contradict the protos are listed in EXCEPTIONS with the reason, and must fail with exactly the issues listed there.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { parseMesosJson } from "./json.js";
import { readRecordIO } from "./recordio.js";
import {
  ExecutorCallSchema,
  ExecutorEventSchema,
  MasterStateSchema,
  OperatorCallSchema,
  OperatorEventSchema,
  OperatorResponseSchema,
  ProcessIOSchema,
  SchedulerCallSchema,
  SchedulerEventSchema,
} from "./schemas/index.js";

const EXAMPLES = new URL("../../../../../shared/specs/mesos/examples/", import.meta.url);

/** Every file under the examples folder, relative (`master/master-GET_STATE.call.json`). */
function listExamples(dir = fileURLToPath(EXAMPLES), prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...listExamples(`${dir}/${entry.name}`, `${prefix}${entry.name}/`));
    else out.push(`${prefix}${entry.name}`);
  }
  return out.sort();
}

type Kind = "call" | "response" | "event" | "legacy" | "recordio";
interface Mapping {
  schema: z.ZodType;
  kind: Kind;
  /** Why this schema, when the name alone does not say it. */
  note?: string;
}

/** Agent calls whose answer is a stream of `ProcessIO` records, not a `Response` (agent.proto). */
const PROCESS_IO_CALLS = new Set(["ATTACH_CONTAINER_OUTPUT", "LAUNCH_NESTED_CONTAINER_SESSION"]);

/** The schema a file name selects, or undefined when the name follows no known pattern. */
function schemaFor(file: string): Mapping | undefined {
  if (/^recordio\/scheduler-[\w-]+\.recordio$/.test(file))
    return { schema: SchedulerEventSchema, kind: "recordio" };
  if (/^legacy\/master-state[\w.-]*\.json$/.test(file)) return { schema: MasterStateSchema, kind: "legacy" };
  if (/^scheduler\/scheduler-SUBSCRIBE\.legacy-redirect-example(-\d+)?\.json$/.test(file)) {
    return {
      schema: SchedulerCallSchema,
      kind: "call",
      note: "the body of the docs' redirect example: a SUBSCRIBE",
    };
  }
  const m = /^(\w+)\/(scheduler|master|agent|executor)-([A-Z_]+)\.(call|response|event)(-\d+)?\.json$/.exec(
    file,
  );
  if (!m) return undefined;
  const [, dir, api, type, kind] = m as unknown as [
    string,
    string,
    string,
    string,
    "call" | "response" | "event",
  ];
  if (dir !== api) return undefined;
  switch (`${api}.${kind}`) {
    case "scheduler.call":
      return { schema: SchedulerCallSchema, kind };
    case "scheduler.event":
      return { schema: SchedulerEventSchema, kind };
    case "master.call":
    case "agent.call":
      return { schema: OperatorCallSchema, kind };
    case "master.response":
    case "agent.response":
      if (api === "agent" && PROCESS_IO_CALLS.has(type)) {
        return { schema: ProcessIOSchema, kind, note: "a streamed ProcessIO record" };
      }
      return { schema: OperatorResponseSchema, kind };
    case "master.event":
      return { schema: OperatorEventSchema, kind };
    case "executor.call":
      return { schema: ExecutorCallSchema, kind };
    case "executor.event":
      return { schema: ExecutorEventSchema, kind };
    default:
      return undefined;
  }
}

/** An example that contradicts the protos: why, and the exact issues (`path: code`) it must fail with. */
interface Exception {
  reason: string;
  issues: string[];
}

const EXCEPTIONS: Record<string, Exception> = {
  "scheduler/scheduler-ACKNOWLEDGE_OPERATION_STATUS.call.json": {
    reason:
      "operation_id is a bare string; scheduler.proto Call.AcknowledgeOperationStatus has an OperationID {value}",
    issues: ["acknowledge_operation_status.operation_id: custom"],
  },
  "scheduler/scheduler-REQUEST.call.json": {
    reason: "requests sit at the top level instead of request.requests (scheduler.proto Call.request)",
    issues: [": unrecognized_keys", "request: invalid_type"],
  },
  "scheduler/scheduler-SUBSCRIBE.legacy-redirect-example.json": {
    reason: "pre-1.0 body: framework_info at the top level instead of subscribe.framework_info",
    issues: [": unrecognized_keys", "subscribe: invalid_type"],
  },
  "scheduler/scheduler-SUBSCRIBE.legacy-redirect-example-2.json": {
    reason: "pre-1.0 body: framework_info at the top level instead of subscribe.framework_info",
    issues: [": unrecognized_keys", "subscribe: invalid_type"],
  },
  "scheduler/scheduler-UPDATE_OPERATION_STATUS.event.json": {
    reason: "status.uuid is a bare string; mesos.proto OperationStatus.uuid is a UUID message {value}",
    issues: ["update_operation_status.status.uuid: invalid_type"],
  },
  "master/master-TASK_ADDED.event.json": {
    reason:
      "task is a TaskInfo (command, no framework_id/state); master.proto Event.TaskAdded carries a Task",
    issues: ["task_added.task.framework_id: custom", "task_added.task.state: invalid_value"],
  },
  "executor/executor-SUBSCRIBED.event.json": {
    reason: "agent_info has host instead of hostname, which mesos.proto AgentInfo requires",
    issues: ["subscribed.agent_info.hostname: invalid_type"],
  },
  "executor/executor-SUBSCRIBE.call.json": {
    reason: "unacknowledged_updates[] carry framework_id; executor.proto Call.Update has only status",
    issues: ["subscribe.unacknowledged_updates.0: unrecognized_keys"],
  },
};

function issueKeys(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).sort();
}

/**
 * `input` with each number replaced by the bigint at the same place in `output` (the schemas turn int64 fields into
 * bigints), checking that the value is the same; everything else is left as is, so `toEqual(output)` compares the rest.
 */
function withInt64(input: unknown, output: unknown): unknown {
  if (typeof output === "bigint" && typeof input === "number") {
    expect(BigInt(input)).toBe(output);
    return output;
  }
  if (Array.isArray(input) && Array.isArray(output)) return input.map((v, i) => withInt64(v, output[i]));
  if (input !== null && typeof input === "object" && output !== null && typeof output === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input)) out[k] = withInt64(v, (output as Record<string, unknown>)[k]);
    return out;
  }
  return input;
}

async function bodiesOf(file: string, kind: Kind): Promise<unknown[]> {
  const url = new URL(file, EXAMPLES);
  if (kind !== "recordio") return [parseMesosJson(readFileSync(url, "utf8"))];
  const out: unknown[] = [];
  const bytes = readFileSync(url);
  for await (const record of readRecordIO(
    (async function* () {
      yield bytes;
    })(),
  )) {
    out.push(parseMesosJson(record));
  }
  return out;
}

const files = listExamples();

describe("Mesos doc examples", () => {
  it("are all covered by the file-name mapping", () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => schemaFor(f) === undefined)).toEqual([]);
  });

  it("list only existing files as exceptions, each with a reason", () => {
    for (const [file, exception] of Object.entries(EXCEPTIONS)) {
      expect(files, file).toContain(file);
      expect(exception.reason.length, file).toBeGreaterThan(10);
      expect(exception.issues.length, file).toBeGreaterThan(0);
    }
  });

  it.each(files)("%s", async (file) => {
    const mapping = schemaFor(file);
    if (mapping === undefined) throw new Error(`${file}: no schema for this file name`);
    const bodies = await bodiesOf(file, mapping.kind);
    expect(bodies.length).toBeGreaterThan(0);
    const exception = EXCEPTIONS[file];
    for (const body of bodies) {
      const result = mapping.schema.safeParse(body);
      if (exception !== undefined) {
        expect(result.success, `${file} should fail: ${exception.reason}`).toBe(false);
        if (!result.success)
          expect(issueKeys(result.error), exception.reason).toEqual([...exception.issues].sort());
        continue;
      }
      if (!result.success)
        throw new Error(`${file}: ${JSON.stringify(issueKeys(result.error))}\n${result.error}`);
      // Nothing is lost (unknown fields survive loose schemas) and nothing is added; int64 fields become bigints.
      expect(result.data).toEqual(withInt64(body, result.data));
    }
  });

  it("keep 64-bit integers exact", async () => {
    const [body] = await bodiesOf("master/master-GET_FRAMEWORKS.response.json", "response");
    const parsed = OperatorResponseSchema.parse(body);
    if (parsed.type !== "GET_FRAMEWORKS") throw new Error("wrong type");
    expect(parsed.get_frameworks.frameworks?.[0]?.registered_time?.nanoseconds).toBe(1470820171578306816n);
  });

  it("keep unknown fields of responses and events", async () => {
    const [body] = await bodiesOf("master/master-FRAMEWORK_UPDATED.event.json", "event");
    const parsed = OperatorEventSchema.parse(body);
    if (parsed.type !== "FRAMEWORK_UPDATED") throw new Error("wrong type");
    expect(parsed.framework_updated.framework).toHaveProperty("inverse_offers", []);
    const withExtra = { ...(body as object), extra: { a: 1 } };
    expect(OperatorEventSchema.parse(withExtra)).toHaveProperty("extra", { a: 1 });
  });
});
