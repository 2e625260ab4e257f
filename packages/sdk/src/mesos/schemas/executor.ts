/**
 * The executor HTTP API (`POST /api/v1/executor` on an agent) and the agent's container I/O records. Source:
 * `include/mesos/v1/executor/executor.proto` (`Call`, `Event`) and `include/mesos/v1/agent/agent.proto`
 * (`ProcessIO`); API.md §1–§2. Modelled so that every documented example body has a schema; bsaas itself runs
 * the stock executors.
 */
import { z } from "zod";
import { fast } from "../../schema/fast.js";
import { BytesSchema, ContainerIdSchema, DurationInfoSchema, IdSchema } from "./common.js";
import { AgentInfoSchema, FrameworkInfoSchema } from "./framework.js";
import {
  ExecutorInfoSchema,
  KillPolicySchema,
  TaskGroupInfoSchema,
  TaskInfoSchema,
  TaskStatusSchema,
} from "./task.js";

function call<T extends string, P extends z.ZodRawShape>(type: T, payload: P) {
  return z.strictObject({ type: z.literal(type), executor_id: IdSchema, framework_id: IdSchema, ...payload });
}

/** `Call.Update` (executor.proto): `{ status }`. */
const update = z.strictObject({ status: TaskStatusSchema });

const ExecutorCallDef = z.discriminatedUnion("type", [
  call("SUBSCRIBE", {
    subscribe: z.strictObject({
      unacknowledged_tasks: z.array(TaskInfoSchema).optional(),
      unacknowledged_updates: z.array(update).optional(),
    }),
  }),
  call("UPDATE", { update }),
  call("MESSAGE", { message: z.strictObject({ data: BytesSchema }) }),
  call("HEARTBEAT", {}),
]);
/** What {@link ExecutorCallSchema} parses to. */
export type ExecutorCall = z.output<typeof ExecutorCallDef>;
/** What {@link ExecutorCallSchema} accepts. */
export type ExecutorCallInput = z.input<typeof ExecutorCallDef>;
/**
 * An executor `Call` (executor.proto), discriminated on `type`; `executor_id` and `framework_id` are required on
 * every call. Strict.
 */
export const ExecutorCallSchema: z.ZodType<ExecutorCall, ExecutorCallInput> = ExecutorCallDef;

const ExecutorEventDef = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("SUBSCRIBED"),
    subscribed: z.looseObject({
      executor_info: ExecutorInfoSchema,
      framework_info: FrameworkInfoSchema,
      agent_info: AgentInfoSchema,
      container_id: ContainerIdSchema.optional(),
    }),
  }),
  z.looseObject({ type: z.literal("LAUNCH"), launch: z.looseObject({ task: TaskInfoSchema }) }),
  z.looseObject({
    type: z.literal("LAUNCH_GROUP"),
    launch_group: z.looseObject({ task_group: TaskGroupInfoSchema }),
  }),
  z.looseObject({
    type: z.literal("KILL"),
    kill: z.looseObject({ task_id: IdSchema, kill_policy: KillPolicySchema.optional() }),
  }),
  z.looseObject({
    type: z.literal("ACKNOWLEDGED"),
    acknowledged: z.looseObject({ task_id: IdSchema, uuid: BytesSchema }),
  }),
  z.looseObject({ type: z.literal("MESSAGE"), message: z.looseObject({ data: BytesSchema }) }),
  z.looseObject({ type: z.literal("ERROR"), error: z.looseObject({ message: z.string() }) }),
  z.looseObject({ type: z.literal("SHUTDOWN") }),
  z.looseObject({ type: z.literal("HEARTBEAT") }),
]);
/** What {@link ExecutorEventSchema} parses to. */
export type ExecutorEvent = z.output<typeof ExecutorEventDef>;
/** What {@link ExecutorEventSchema} accepts. */
export type ExecutorEventInput = z.input<typeof ExecutorEventDef>;
/** An executor `Event` (executor.proto), discriminated on `type`. Loose. */
export const ExecutorEventSchema: z.ZodType<ExecutorEvent, ExecutorEventInput> = fast(ExecutorEventDef);

const ProcessIODef = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("DATA"),
    data: z.looseObject({ type: z.string().optional(), data: BytesSchema.optional() }),
  }),
  z.looseObject({
    type: z.literal("CONTROL"),
    control: z.looseObject({
      type: z.string().optional(),
      tty_info: z.looseObject({}).optional(),
      heartbeat: z.looseObject({ interval: DurationInfoSchema.optional() }).optional(),
    }),
  }),
]);
/** What {@link ProcessIOSchema} parses to. */
export type ProcessIO = z.output<typeof ProcessIODef>;
/** What {@link ProcessIOSchema} accepts. */
export type ProcessIOInput = z.input<typeof ProcessIODef>;
/**
 * `ProcessIO` (agent.proto): one record of the streamed output of `ATTACH_CONTAINER_OUTPUT` and
 * `LAUNCH_NESTED_CONTAINER_SESSION` (and of the input sent with `ATTACH_CONTAINER_INPUT`): DATA (`data.type` STDIN,
 * STDOUT or STDERR, `data.data` Base64) or CONTROL (TTY size, heartbeat).
 */
export const ProcessIOSchema: z.ZodType<ProcessIO, ProcessIOInput> = ProcessIODef;
