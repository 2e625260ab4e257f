/**
 * The legacy, unversioned JSON endpoints of the master: `GET /master/state`, `GET /master/state-summary` and
 * `GET /version`. Their shapes come from the generated endpoint docs (`docs/endpoints/master/state.md` at apache/mesos
 * `538abbc21c9d`), `src/master/readonly_handler.cpp` and the mesos-dns fixtures; API.md §5.
 *
 * These endpoints differ from the v1 API: agents are `slaves`, ids are plain strings, times are float seconds,
 * resources are flattened maps (`{ cpus: 4, mem: 1024, ports: "[31000-32000]" }`), labels are `[{ key, value }]`.
 * Everything is `z.looseObject`, with only the fields callers rely on required.
 */
import { z } from "zod";
import { fast } from "../../schema/fast.js";
import { MasterInfoSchema } from "./framework.js";

/** Legacy resources: name → scalar, or a range string such as `"[31000-32000]"` for ports. */
export const LegacyResourcesSchema = z.record(z.string(), z.union([z.number(), z.string()]));
/** What {@link LegacyResourcesSchema} parses to. */
export type LegacyResources = z.infer<typeof LegacyResourcesSchema>;

/** Legacy labels: `[{ key, value }]`. */
export const LegacyLabelsSchema = z.array(z.looseObject({ key: z.string(), value: z.string().optional() }));

/** A task status in the legacy endpoints: `{ state, timestamp, container_status? }`. */
export const LegacyTaskStatusSchema = z.looseObject({
  state: z.string(),
  timestamp: z.number(),
  container_status: z.looseObject({}).optional(),
});

const LegacyTaskDef = z.looseObject({
  id: z.string(),
  name: z.string(),
  framework_id: z.string(),
  executor_id: z.string().optional(),
  slave_id: z.string(),
  state: z.string(),
  resources: LegacyResourcesSchema.optional(),
  role: z.string().optional(),
  statuses: z.array(LegacyTaskStatusSchema).optional(),
  user: z.string().optional(),
  labels: LegacyLabelsSchema.optional(),
  discovery: z.looseObject({}).optional(),
  container: z.looseObject({}).optional(),
  health_check: z.looseObject({}).optional(),
});
/** What {@link LegacyTaskSchema} parses to. */
export interface LegacyTask extends z.output<typeof LegacyTaskDef> {}
/** What {@link LegacyTaskSchema} accepts. */
export interface LegacyTaskInput extends z.input<typeof LegacyTaskDef> {}
/** A task in `/master/state` (`frameworks[].tasks[]`): note `slave_id`, plain-string ids and flattened resources. */
export const LegacyTaskSchema: z.ZodType<LegacyTask, LegacyTaskInput> = LegacyTaskDef;

const LegacyAgentDef = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  port: z.int().optional(),
  pid: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  registered_time: z.number().optional(),
  reregistered_time: z.number().optional(),
  resources: LegacyResourcesSchema.optional(),
  used_resources: LegacyResourcesSchema.optional(),
  offered_resources: LegacyResourcesSchema.optional(),
  reserved_resources: z.record(z.string(), LegacyResourcesSchema).optional(),
  unreserved_resources: LegacyResourcesSchema.optional(),
  active: z.boolean(),
  deactivated: z.boolean().optional(),
  version: z.string().optional(),
  capabilities: z.array(z.string()).optional(),
});
/** What {@link LegacyAgentSchema} parses to. */
export interface LegacyAgent extends z.output<typeof LegacyAgentDef> {}
/** What {@link LegacyAgentSchema} accepts. */
export interface LegacyAgentInput extends z.input<typeof LegacyAgentDef> {}
/** An agent in `/master/state` (`slaves[]`). */
export const LegacyAgentSchema: z.ZodType<LegacyAgent, LegacyAgentInput> = LegacyAgentDef;

const LegacyFrameworkDef = z.looseObject({
  id: z.string(),
  name: z.string(),
  pid: z.string().optional(),
  used_resources: LegacyResourcesSchema.optional(),
  offered_resources: LegacyResourcesSchema.optional(),
  capabilities: z.array(z.string()).optional(),
  hostname: z.string().optional(),
  webui_url: z.string().optional(),
  active: z.boolean().optional(),
  connected: z.boolean().optional(),
  recovered: z.boolean().optional(),
  user: z.string().optional(),
  failover_timeout: z.number().optional(),
  checkpoint: z.boolean().optional(),
  registered_time: z.number().optional(),
  reregistered_time: z.number().optional(),
  unregistered_time: z.number().optional(),
  principal: z.string().optional(),
  role: z.string().optional(),
  roles: z.array(z.string()).optional(),
  tasks: z.array(LegacyTaskSchema).optional(),
  unreachable_tasks: z.array(LegacyTaskSchema).optional(),
  completed_tasks: z.array(LegacyTaskSchema).optional(),
  offers: z.array(z.looseObject({})).optional(),
  executors: z.array(z.looseObject({})).optional(),
  labels: LegacyLabelsSchema.optional(),
});
/** What {@link LegacyFrameworkSchema} parses to. */
export interface LegacyFramework extends z.output<typeof LegacyFrameworkDef> {}
/** What {@link LegacyFrameworkSchema} accepts. */
export interface LegacyFrameworkInput extends z.input<typeof LegacyFrameworkDef> {}
/** A framework in `/master/state` (`frameworks[]`, `completed_frameworks[]`). */
export const LegacyFrameworkSchema: z.ZodType<LegacyFramework, LegacyFrameworkInput> = LegacyFrameworkDef;

const MasterStateDef = z.looseObject({
  version: z.string(),
  git_sha: z.string().optional(),
  git_branch: z.string().optional(),
  git_tag: z.string().optional(),
  build_date: z.string().optional(),
  build_time: z.number().optional(),
  build_user: z.string().optional(),
  start_time: z.number().optional(),
  elected_time: z.number().optional(),
  id: z.string(),
  pid: z.string(),
  hostname: z.string(),
  capabilities: z.array(z.string()).optional(),
  activated_slaves: z.number().optional(),
  deactivated_slaves: z.number().optional(),
  unreachable_slaves: z.number().optional(),
  leader: z.string().optional(),
  leader_info: MasterInfoSchema.optional(),
  cluster: z.string().optional(),
  log_dir: z.string().optional(),
  external_log_file: z.string().optional(),
  flags: z.record(z.string(), z.string()).optional(),
  slaves: z.array(LegacyAgentSchema),
  recovered_slaves: z.array(z.looseObject({})).optional(),
  frameworks: z.array(LegacyFrameworkSchema),
  completed_frameworks: z.array(LegacyFrameworkSchema).optional(),
  orphan_tasks: z.array(LegacyTaskSchema).optional(),
  unregistered_frameworks: z.array(z.string()).optional(),
});
/** What {@link MasterStateSchema} parses to. */
export interface MasterState extends z.output<typeof MasterStateDef> {}
/** What {@link MasterStateSchema} accepts. */
export interface MasterStateInput extends z.input<typeof MasterStateDef> {}
/** `GET /master/state` (alias `/state`, `/master/state.json`), API.md §5. */
export const MasterStateSchema: z.ZodType<MasterState, MasterStateInput> = fast(MasterStateDef);

const taskCounts = {
  TASK_STAGING: z.number().optional(),
  TASK_STARTING: z.number().optional(),
  TASK_RUNNING: z.number().optional(),
  TASK_KILLING: z.number().optional(),
  TASK_FINISHED: z.number().optional(),
  TASK_KILLED: z.number().optional(),
  TASK_FAILED: z.number().optional(),
  TASK_LOST: z.number().optional(),
  TASK_ERROR: z.number().optional(),
  TASK_UNREACHABLE: z.number().optional(),
};

const MasterStateSummaryDef = z.looseObject({
  hostname: z.string(),
  cluster: z.string().optional(),
  slaves: z.array(
    z.looseObject({
      id: z.string(),
      pid: z.string().optional(),
      hostname: z.string(),
      registered_time: z.number().optional(),
      resources: LegacyResourcesSchema.optional(),
      used_resources: LegacyResourcesSchema.optional(),
      offered_resources: LegacyResourcesSchema.optional(),
      reserved_resources: z.record(z.string(), LegacyResourcesSchema).optional(),
      unreserved_resources: LegacyResourcesSchema.optional(),
      attributes: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      active: z.boolean().optional(),
      version: z.string().optional(),
      framework_ids: z.array(z.string()).optional(),
      ...taskCounts,
    }),
  ),
  frameworks: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      pid: z.string().optional(),
      used_resources: LegacyResourcesSchema.optional(),
      offered_resources: LegacyResourcesSchema.optional(),
      capabilities: z.array(z.string()).optional(),
      hostname: z.string().optional(),
      webui_url: z.string().optional(),
      active: z.boolean().optional(),
      connected: z.boolean().optional(),
      recovered: z.boolean().optional(),
      slave_ids: z.array(z.string()).optional(),
      ...taskCounts,
    }),
  ),
});
/** What {@link MasterStateSummarySchema} parses to. */
export interface MasterStateSummary extends z.output<typeof MasterStateSummaryDef> {}
/** What {@link MasterStateSummarySchema} accepts. */
export interface MasterStateSummaryInput extends z.input<typeof MasterStateSummaryDef> {}
/** `GET /master/state-summary`, API.md §5: agents and frameworks with task counts, without the tasks. */
export const MasterStateSummarySchema: z.ZodType<MasterStateSummary, MasterStateSummaryInput> =
  fast(MasterStateSummaryDef);

/** `GET /version`, API.md §5. */
export const VersionSchema = z.looseObject({
  version: z.string(),
  build_date: z.string().optional(),
  build_time: z.number().optional(),
  build_user: z.string().optional(),
  git_sha: z.string().optional(),
  git_branch: z.string().optional(),
  git_tag: z.string().optional(),
});
/** What {@link VersionSchema} parses to. */
export type Version = z.infer<typeof VersionSchema>;
