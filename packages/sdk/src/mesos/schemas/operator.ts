/**
 * The operator HTTP API (`POST /api/v1` on a master or an agent): calls, synchronous responses and the `SUBSCRIBE`
 * event stream. Source: `include/mesos/v1/master/master.proto` (`Call`, `Response`, `Event`) and
 * `include/mesos/v1/agent/agent.proto` for the agent-only responses; API.md §4.
 *
 * The `Get*Schema`s are the payloads (`get_state`, `get_agents`, ...), as the operator client returns them;
 * {@link OperatorResponseSchema} is the whole body.
 */
import { z } from "zod";
import { fast } from "../../schema/fast.js";
import {
  BytesSchema,
  ContainerIdSchema,
  DurationInfoSchema,
  FileInfoSchema,
  FlagSchema,
  IdSchema,
  Int64Schema,
  MachineIdSchema,
  MetricSchema,
  ProtobufDurationSchema,
  ResourceSchema,
  RoleSchema,
  ScalarSchema,
  TimeInfoSchema,
  UnavailabilitySchema,
  VersionInfoSchema,
  WeightInfoSchema,
} from "./common.js";
import {
  AgentInfoSchema,
  FrameworkInfoSchema,
  InverseOfferSchema,
  MasterInfoSchema,
  OfferConstraintsSchema,
  OfferSchema,
  OperationRecordSchema,
} from "./framework.js";
import {
  ContainerStatusSchema,
  ExecutorInfoSchema,
  TaskSchema,
  TaskStateSchema,
  TaskStatusSchema,
} from "./task.js";

// ===============================================================================================================
// Calls
// ===============================================================================================================

const MaintenanceScheduleDef = z.looseObject({
  windows: z
    .array(
      z.looseObject({
        machine_ids: z.array(MachineIdSchema).optional(),
        unavailability: UnavailabilitySchema,
      }),
    )
    .optional(),
});
/** What {@link MaintenanceScheduleSchema} parses to. */
export interface MaintenanceSchedule extends z.output<typeof MaintenanceScheduleDef> {}
/** What {@link MaintenanceScheduleSchema} accepts. */
export interface MaintenanceScheduleInput extends z.input<typeof MaintenanceScheduleDef> {}
/** `maintenance.Schedule` (maintenance.proto): windows of machines and their unavailability. */
export const MaintenanceScheduleSchema: z.ZodType<MaintenanceSchedule, MaintenanceScheduleInput> =
  MaintenanceScheduleDef;

const agentOnly = z.strictObject({ agent_id: IdSchema });
const machines = z.strictObject({ machines: z.array(MachineIdSchema).optional() });
const volumes = z.strictObject({ agent_id: IdSchema, volumes: z.array(ResourceSchema).optional() });

function bare<T extends string>(type: T) {
  return z.strictObject({ type: z.literal(type) });
}

const KnownOperatorCallDef = z.discriminatedUnion("type", [
  bare("GET_HEALTH"),
  bare("GET_FLAGS"),
  bare("GET_VERSION"),
  z.strictObject({
    type: z.literal("GET_METRICS"),
    get_metrics: z.strictObject({ timeout: DurationInfoSchema.optional() }).optional(),
  }),
  bare("GET_LOGGING_LEVEL"),
  z.strictObject({
    type: z.literal("SET_LOGGING_LEVEL"),
    set_logging_level: z.strictObject({ level: z.int().min(0), duration: DurationInfoSchema }),
  }),
  z.strictObject({ type: z.literal("LIST_FILES"), list_files: z.strictObject({ path: z.string() }) }),
  z.strictObject({
    type: z.literal("READ_FILE"),
    read_file: z.strictObject({ path: z.string(), offset: Int64Schema, length: Int64Schema.optional() }),
  }),
  bare("GET_STATE"),
  bare("GET_AGENTS"),
  bare("GET_FRAMEWORKS"),
  bare("GET_EXECUTORS"),
  bare("GET_OPERATIONS"),
  bare("GET_TASKS"),
  bare("GET_ROLES"),
  bare("GET_WEIGHTS"),
  z.strictObject({
    type: z.literal("UPDATE_WEIGHTS"),
    update_weights: z.strictObject({ weight_infos: z.array(WeightInfoSchema) }),
  }),
  bare("GET_MASTER"),
  bare("SUBSCRIBE"),
  z.strictObject({
    type: z.literal("RESERVE_RESOURCES"),
    reserve_resources: z.strictObject({
      agent_id: IdSchema,
      source: z.array(ResourceSchema).optional(),
      resources: z.array(ResourceSchema).optional(),
    }),
  }),
  z.strictObject({
    type: z.literal("UNRESERVE_RESOURCES"),
    unreserve_resources: z.strictObject({
      agent_id: IdSchema,
      resources: z.array(ResourceSchema).optional(),
    }),
  }),
  z.strictObject({ type: z.literal("CREATE_VOLUMES"), create_volumes: volumes }),
  z.strictObject({ type: z.literal("DESTROY_VOLUMES"), destroy_volumes: volumes }),
  z.strictObject({
    type: z.literal("GROW_VOLUME"),
    grow_volume: z.strictObject({
      agent_id: IdSchema.optional(),
      volume: ResourceSchema,
      addition: ResourceSchema,
    }),
  }),
  z.strictObject({
    type: z.literal("SHRINK_VOLUME"),
    shrink_volume: z.strictObject({
      agent_id: IdSchema.optional(),
      volume: ResourceSchema,
      subtract: ScalarSchema,
    }),
  }),
  bare("GET_MAINTENANCE_STATUS"),
  bare("GET_MAINTENANCE_SCHEDULE"),
  z.strictObject({
    type: z.literal("UPDATE_MAINTENANCE_SCHEDULE"),
    update_maintenance_schedule: z.strictObject({ schedule: MaintenanceScheduleSchema }),
  }),
  z.strictObject({ type: z.literal("START_MAINTENANCE"), start_maintenance: machines }),
  z.strictObject({ type: z.literal("STOP_MAINTENANCE"), stop_maintenance: machines }),
  z.strictObject({
    type: z.literal("DRAIN_AGENT"),
    drain_agent: z.strictObject({
      agent_id: IdSchema,
      max_grace_period: ProtobufDurationSchema.optional(),
      mark_gone: z.boolean().optional(),
    }),
  }),
  z.strictObject({ type: z.literal("DEACTIVATE_AGENT"), deactivate_agent: agentOnly }),
  z.strictObject({ type: z.literal("REACTIVATE_AGENT"), reactivate_agent: agentOnly }),
  bare("GET_QUOTA"),
  z.strictObject({
    type: z.literal("UPDATE_QUOTA"),
    update_quota: z.strictObject({
      force: z.boolean().optional(),
      quota_configs: z
        .array(
          z.looseObject({
            role: z.string(),
            guarantees: z.record(z.string(), ScalarSchema).optional(),
            limits: z.record(z.string(), ScalarSchema).optional(),
          }),
        )
        .optional(),
    }),
  }),
  z.strictObject({
    type: z.literal("SET_QUOTA"),
    set_quota: z.strictObject({ quota_request: z.looseObject({}) }),
  }),
  z.strictObject({ type: z.literal("REMOVE_QUOTA"), remove_quota: z.strictObject({ role: z.string() }) }),
  z.strictObject({ type: z.literal("TEARDOWN"), teardown: z.strictObject({ framework_id: IdSchema }) }),
  z.strictObject({ type: z.literal("MARK_AGENT_GONE"), mark_agent_gone: agentOnly }),
]);
/** What {@link KnownOperatorCallSchema} parses to. */
export type KnownOperatorCall = z.output<typeof KnownOperatorCallDef>;
/** What {@link KnownOperatorCallSchema} accepts. */
export type KnownOperatorCallInput = z.input<typeof KnownOperatorCallDef>;
/**
 * The master operator `Call`s (master.proto, API.md §4), discriminated on `type`, strict. Calls without a payload
 * (GET_HEALTH, GET_STATE, SUBSCRIBE, ...) are `{ "type": ... }` alone.
 */
export const KnownOperatorCallSchema: z.ZodType<KnownOperatorCall, KnownOperatorCallInput> =
  KnownOperatorCallDef;

/** The `type`s of {@link KnownOperatorCallSchema}. */
export const KNOWN_OPERATOR_CALL_TYPES: ReadonlySet<string> = new Set(
  KnownOperatorCallDef.options.map((o) => o.shape.type.value),
);

/**
 * Any other operator call (agent-only calls such as `GET_CONTAINERS` or `LAUNCH_NESTED_CONTAINER`, calls of newer
 * versions): `{ type, ... }` kept as is.
 */
export const OtherOperatorCallSchema = z.looseObject({
  type: z
    .string()
    .regex(/^[A-Z][A-Z0-9_]*$/)
    .refine((t) => !KNOWN_OPERATOR_CALL_TYPES.has(t), { error: "a known call type with an invalid body" }),
});

const OperatorCallDef = z.union([KnownOperatorCallSchema, OtherOperatorCallSchema]);
/** What {@link OperatorCallSchema} parses to. */
export type OperatorCall = z.output<typeof OperatorCallDef>;
/** What {@link OperatorCallSchema} accepts. */
export type OperatorCallInput = z.input<typeof OperatorCallDef>;
/**
 * An operator `Call` (master.proto / agent.proto, API.md §4): a {@link KnownOperatorCallSchema} call (checked
 * strictly), or any other call type (tolerated, fields kept). Narrow with {@link isKnownOperatorCall} before
 * switching on `type`.
 */
export const OperatorCallSchema: z.ZodType<OperatorCall, OperatorCallInput> = OperatorCallDef;

/** Whether a parsed operator call is one of the modelled master calls (then `switch (call.type)` narrows). */
export function isKnownOperatorCall(call: OperatorCall): call is KnownOperatorCall {
  return KNOWN_OPERATOR_CALL_TYPES.has(call.type);
}

// ===============================================================================================================
// Responses
// ===============================================================================================================

/** `Response.GetHealth` (master.proto). */
export const GetHealthSchema = z.looseObject({ healthy: z.boolean() });
/** `Response.GetFlags` (master.proto). */
export const GetFlagsSchema = z.looseObject({ flags: z.array(FlagSchema).optional() });
/** `Response.GetVersion` (master.proto): `{ version_info }`. */
export const GetVersionSchema = z.looseObject({ version_info: VersionInfoSchema });
/** `Response.GetMetrics` (master.proto). */
export const GetMetricsSchema = z.looseObject({ metrics: z.array(MetricSchema).optional() });
/** `Response.GetLoggingLevel` (master.proto). */
export const GetLoggingLevelSchema = z.looseObject({ level: z.int() });
/** `Response.ListFiles` (master.proto). */
export const ListFilesSchema = z.looseObject({ file_infos: z.array(FileInfoSchema).optional() });
/** `Response.ReadFile` (master.proto): `size` of the whole file, `data` Base64. */
export const ReadFileSchema = z.looseObject({ size: Int64Schema, data: BytesSchema });

const AgentDef = z.looseObject({
  agent_info: AgentInfoSchema,
  active: z.boolean(),
  deactivated: z.boolean().optional(),
  version: z.string(),
  pid: z.string().optional(),
  registered_time: TimeInfoSchema.optional(),
  reregistered_time: TimeInfoSchema.optional(),
  total_resources: z.array(ResourceSchema).optional(),
  allocated_resources: z.array(ResourceSchema).optional(),
  offered_resources: z.array(ResourceSchema).optional(),
  capabilities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
  resource_providers: z.array(z.looseObject({ resource_provider_info: z.looseObject({}) })).optional(),
  drain_info: z.looseObject({ state: z.string() }).optional(),
  estimated_drain_start_time: TimeInfoSchema.optional(),
});
/** What {@link AgentSchema} parses to. */
export interface Agent extends z.output<typeof AgentDef> {}
/** What {@link AgentSchema} accepts. */
export interface AgentInput extends z.input<typeof AgentDef> {}
/** `Response.GetAgents.Agent` (master.proto): an agent as the master sees it. */
export const AgentSchema: z.ZodType<Agent, AgentInput> = AgentDef;

const GetAgentsDef = z.looseObject({
  agents: z.array(AgentSchema).optional(),
  recovered_agents: z.array(AgentInfoSchema).optional(),
});
/** What {@link GetAgentsSchema} parses to. */
export interface GetAgents extends z.output<typeof GetAgentsDef> {}
/** What {@link GetAgentsSchema} accepts. */
export interface GetAgentsInput extends z.input<typeof GetAgentsDef> {}
/** `Response.GetAgents` (master.proto, API.md §4). */
export const GetAgentsSchema: z.ZodType<GetAgents, GetAgentsInput> = fast(GetAgentsDef);

const FrameworkDef = z.looseObject({
  framework_info: FrameworkInfoSchema,
  active: z.boolean().optional(),
  connected: z.boolean().optional(),
  recovered: z.boolean().optional(),
  registered_time: TimeInfoSchema.optional(),
  reregistered_time: TimeInfoSchema.optional(),
  unregistered_time: TimeInfoSchema.optional(),
  offers: z.array(OfferSchema).optional(),
  inverse_offers: z.array(InverseOfferSchema).optional(),
  allocated_resources: z.array(ResourceSchema).optional(),
  offered_resources: z.array(ResourceSchema).optional(),
  offer_constraints: OfferConstraintsSchema.optional(),
});
/** What {@link FrameworkSchema} parses to. */
export interface Framework extends z.output<typeof FrameworkDef> {}
/** What {@link FrameworkSchema} accepts. */
export interface FrameworkInput extends z.input<typeof FrameworkDef> {}
/**
 * `Response.GetFrameworks.Framework` (master.proto; the agent's has `framework_info` only, so the flags are optional
 * here, and `recovered` is missing from older masters).
 */
export const FrameworkSchema: z.ZodType<Framework, FrameworkInput> = FrameworkDef;

const GetFrameworksDef = z.looseObject({
  frameworks: z.array(FrameworkSchema).optional(),
  completed_frameworks: z.array(FrameworkSchema).optional(),
  recovered_frameworks: z.array(FrameworkInfoSchema).optional(),
});
/** What {@link GetFrameworksSchema} parses to. */
export interface GetFrameworks extends z.output<typeof GetFrameworksDef> {}
/** What {@link GetFrameworksSchema} accepts. */
export interface GetFrameworksInput extends z.input<typeof GetFrameworksDef> {}
/** `Response.GetFrameworks` (master.proto, API.md §4). */
export const GetFrameworksSchema: z.ZodType<GetFrameworks, GetFrameworksInput> = fast(GetFrameworksDef);

const ExecutorDef = z.looseObject({
  executor_info: ExecutorInfoSchema,
  agent_id: IdSchema.optional(),
});
/** What {@link ExecutorSchema} parses to. */
export interface Executor extends z.output<typeof ExecutorDef> {}
/** What {@link ExecutorSchema} accepts. */
export interface ExecutorInput extends z.input<typeof ExecutorDef> {}
/** `Response.GetExecutors.Executor` (master.proto; the agent's has no `agent_id`). */
export const ExecutorSchema: z.ZodType<Executor, ExecutorInput> = ExecutorDef;

const GetExecutorsDef = z.looseObject({
  executors: z.array(ExecutorSchema).optional(),
  orphan_executors: z.array(ExecutorSchema).optional(),
  completed_executors: z.array(ExecutorSchema).optional(),
});
/** What {@link GetExecutorsSchema} parses to. */
export interface GetExecutors extends z.output<typeof GetExecutorsDef> {}
/** What {@link GetExecutorsSchema} accepts. */
export interface GetExecutorsInput extends z.input<typeof GetExecutorsDef> {}
/** `Response.GetExecutors` (master.proto). */
export const GetExecutorsSchema: z.ZodType<GetExecutors, GetExecutorsInput> = fast(GetExecutorsDef);

const GetTasksDef = z.looseObject({
  pending_tasks: z.array(TaskSchema).optional(),
  tasks: z.array(TaskSchema).optional(),
  unreachable_tasks: z.array(TaskSchema).optional(),
  completed_tasks: z.array(TaskSchema).optional(),
  orphan_tasks: z.array(TaskSchema).optional(),
});
/** What {@link GetTasksSchema} parses to. */
export interface GetTasks extends z.output<typeof GetTasksDef> {}
/** What {@link GetTasksSchema} accepts. */
export interface GetTasksInput extends z.input<typeof GetTasksDef> {}
/** `Response.GetTasks` (master.proto, API.md §4). */
export const GetTasksSchema: z.ZodType<GetTasks, GetTasksInput> = fast(GetTasksDef);

const GetStateDef = z.looseObject({
  get_tasks: GetTasksSchema.optional(),
  get_executors: GetExecutorsSchema.optional(),
  get_frameworks: GetFrameworksSchema.optional(),
  get_agents: GetAgentsSchema.optional(),
});
/** What {@link GetStateSchema} parses to. */
export interface GetState extends z.output<typeof GetStateDef> {}
/** What {@link GetStateSchema} accepts. */
export interface GetStateInput extends z.input<typeof GetStateDef> {}
/** `Response.GetState` (master.proto): tasks, executors, frameworks and agents in one snapshot. */
export const GetStateSchema: z.ZodType<GetState, GetStateInput> = fast(GetStateDef);

const GetOperationsDef = z.looseObject({ operations: z.array(OperationRecordSchema).optional() });
/** What {@link GetOperationsSchema} parses to. */
export interface GetOperations extends z.output<typeof GetOperationsDef> {}
/** What {@link GetOperationsSchema} accepts. */
export interface GetOperationsInput extends z.input<typeof GetOperationsDef> {}
/** `Response.GetOperations` (master.proto). */
export const GetOperationsSchema: z.ZodType<GetOperations, GetOperationsInput> = GetOperationsDef;
/** `Response.GetRoles` (master.proto). */
export const GetRolesSchema = z.looseObject({ roles: z.array(RoleSchema).optional() });
/** `Response.GetWeights` (master.proto). */
export const GetWeightsSchema = z.looseObject({ weight_infos: z.array(WeightInfoSchema).optional() });
/** `Response.GetMaster` (master.proto): `{ master_info, start_time, elected_time }` (times in seconds). */
export const GetMasterSchema = z.looseObject({
  master_info: MasterInfoSchema.optional(),
  start_time: z.number().optional(),
  elected_time: z.number().optional(),
});
/** `Response.GetMaintenanceStatus` (master.proto). */
export const GetMaintenanceStatusSchema = z.looseObject({ status: z.looseObject({}) });
/** `Response.GetMaintenanceSchedule` (master.proto). */
export const GetMaintenanceScheduleSchema = z.looseObject({ schedule: MaintenanceScheduleSchema });
/** `Response.GetQuota` (master.proto). */
export const GetQuotaSchema = z.looseObject({ status: z.looseObject({}) });

/** `Response.GetContainers` (agent.proto). */
export const GetContainersSchema = z.looseObject({
  containers: z
    .array(
      z.looseObject({
        framework_id: IdSchema.optional(),
        executor_id: IdSchema.optional(),
        executor_name: z.string().optional(),
        container_id: ContainerIdSchema,
        container_status: ContainerStatusSchema.optional(),
      }),
    )
    .optional(),
});
/** `Response.GetResourceProviders` (agent.proto). */
export const GetResourceProvidersSchema = z.looseObject({
  resource_providers: z
    .array(
      z.looseObject({
        resource_provider_info: z.looseObject({ type: z.string(), name: z.string() }),
        total_resources: z.array(ResourceSchema).optional(),
      }),
    )
    .optional(),
});
/** `Response.WaitNestedContainer` / `WaitContainer` (agent.proto). */
export const WaitContainerSchema = z.looseObject({
  exit_status: z.int().optional(),
  state: TaskStateSchema.optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

function response<T extends string, K extends string, S extends z.ZodType>(type: T, key: K, payload: S) {
  return z.looseObject({ type: z.literal(type), [key]: payload } as { type: z.ZodLiteral<T> } & {
    [P in K]: S;
  });
}

const OperatorResponseDef = z.discriminatedUnion("type", [
  response("GET_HEALTH", "get_health", GetHealthSchema),
  response("GET_FLAGS", "get_flags", GetFlagsSchema),
  response("GET_VERSION", "get_version", GetVersionSchema),
  response("GET_METRICS", "get_metrics", GetMetricsSchema),
  response("GET_LOGGING_LEVEL", "get_logging_level", GetLoggingLevelSchema),
  response("LIST_FILES", "list_files", ListFilesSchema),
  response("READ_FILE", "read_file", ReadFileSchema),
  response("GET_STATE", "get_state", GetStateSchema),
  response("GET_AGENTS", "get_agents", GetAgentsSchema),
  response("GET_FRAMEWORKS", "get_frameworks", GetFrameworksSchema),
  response("GET_EXECUTORS", "get_executors", GetExecutorsSchema),
  response("GET_OPERATIONS", "get_operations", GetOperationsSchema),
  response("GET_TASKS", "get_tasks", GetTasksSchema),
  response("GET_ROLES", "get_roles", GetRolesSchema),
  response("GET_WEIGHTS", "get_weights", GetWeightsSchema),
  response("GET_MASTER", "get_master", GetMasterSchema),
  response("GET_MAINTENANCE_STATUS", "get_maintenance_status", GetMaintenanceStatusSchema),
  response("GET_MAINTENANCE_SCHEDULE", "get_maintenance_schedule", GetMaintenanceScheduleSchema),
  response("GET_QUOTA", "get_quota", GetQuotaSchema),
  response("GET_CONTAINERS", "get_containers", GetContainersSchema),
  response("GET_RESOURCE_PROVIDERS", "get_resource_providers", GetResourceProvidersSchema),
  response("WAIT_NESTED_CONTAINER", "wait_nested_container", WaitContainerSchema),
  response("WAIT_CONTAINER", "wait_container", WaitContainerSchema),
]);
/** What {@link OperatorResponseSchema} parses to. */
export type OperatorResponse = z.output<typeof OperatorResponseDef>;
/** What {@link OperatorResponseSchema} accepts. */
export type OperatorResponseInput = z.input<typeof OperatorResponseDef>;
/**
 * An operator `Response` body (master.proto / agent.proto, API.md §4): `{ "type": T, "<t>": payload }`,
 * discriminated on `type`. Loose: unknown fields survive.
 */
export const OperatorResponseSchema: z.ZodType<OperatorResponse, OperatorResponseInput> =
  fast(OperatorResponseDef);
/** The operator response of one `type`, e.g. `OperatorResponseOf<"GET_STATE">`. */
export type OperatorResponseOf<T extends OperatorResponse["type"]> = Extract<OperatorResponse, { type: T }>;

// ===============================================================================================================
// Events (operator SUBSCRIBE stream)
// ===============================================================================================================

const TaskUpdatedDef = z
  .looseObject({
    framework_id: IdSchema.optional(),
    status: TaskStatusSchema.optional(),
    state: TaskStateSchema,
    task_id: IdSchema.optional(),
    agent_id: IdSchema.optional(),
    executor_id: IdSchema.optional(),
  })
  .check((ctx) => {
    if (ctx.value.status === undefined && ctx.value.task_id === undefined) {
      ctx.issues.push({
        code: "custom",
        input: ctx.value,
        path: ["status"],
        message: "TASK_UPDATED needs status (master.proto) or task_id (docs' example)",
      });
    }
  });
/** What {@link TaskUpdatedSchema} parses to. */
export interface TaskUpdated extends z.output<typeof TaskUpdatedDef> {}
/** What {@link TaskUpdatedSchema} accepts. */
export interface TaskUpdatedInput extends z.input<typeof TaskUpdatedDef> {}
/**
 * `Event.TaskUpdated` (master.proto): `{ framework_id, status, state }`. The docs' JSON example has
 * `{ task_id, agent_id, executor_id, state }` instead; both shapes are accepted (one of `status` and `task_id` is
 * required) — read the task id with {@link taskUpdatedTaskId}.
 */
export const TaskUpdatedSchema: z.ZodType<TaskUpdated, TaskUpdatedInput> = TaskUpdatedDef;

const OperatorEventDef = z.discriminatedUnion("type", [
  z.looseObject({
    type: z.literal("SUBSCRIBED"),
    subscribed: z.looseObject({
      get_state: GetStateSchema.optional(),
      heartbeat_interval_seconds: z.number().optional(),
    }),
  }),
  z.looseObject({ type: z.literal("TASK_ADDED"), task_added: z.looseObject({ task: TaskSchema }) }),
  z.looseObject({ type: z.literal("TASK_UPDATED"), task_updated: TaskUpdatedSchema }),
  z.looseObject({ type: z.literal("AGENT_ADDED"), agent_added: z.looseObject({ agent: AgentSchema }) }),
  z.looseObject({ type: z.literal("AGENT_REMOVED"), agent_removed: z.looseObject({ agent_id: IdSchema }) }),
  z.looseObject({
    type: z.literal("FRAMEWORK_ADDED"),
    framework_added: z.looseObject({ framework: FrameworkSchema }),
  }),
  z.looseObject({
    type: z.literal("FRAMEWORK_UPDATED"),
    framework_updated: z.looseObject({ framework: FrameworkSchema }),
  }),
  z.looseObject({
    type: z.literal("FRAMEWORK_REMOVED"),
    framework_removed: z.looseObject({ framework_info: FrameworkInfoSchema }),
  }),
  z.looseObject({ type: z.literal("HEARTBEAT") }),
]);
/** What {@link OperatorEventSchema} parses to. */
export type OperatorEvent = z.output<typeof OperatorEventDef>;
/** What {@link OperatorEventSchema} accepts. */
export type OperatorEventInput = z.input<typeof OperatorEventDef>;
/**
 * An operator `Event` (master.proto, API.md §4), discriminated on `type`: a `SUBSCRIBED` snapshot
 * (`get_state`, `heartbeat_interval_seconds`), then changes. Loose: unknown fields survive.
 */
export const OperatorEventSchema: z.ZodType<OperatorEvent, OperatorEventInput> = fast(OperatorEventDef);
/** The operator event of one `type`, e.g. `OperatorEventOf<"TASK_UPDATED">`. */
export type OperatorEventOf<T extends OperatorEvent["type"]> = Extract<OperatorEvent, { type: T }>;

/** The task id of a `TASK_UPDATED` event, whichever shape it has (`status.task_id`, else `task_id`). */
export function taskUpdatedTaskId(event: OperatorEventOf<"TASK_UPDATED">): string {
  const updated = event.task_updated;
  return updated.status?.task_id.value ?? updated.task_id?.value ?? "";
}
