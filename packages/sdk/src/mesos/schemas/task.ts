/**
 * Tasks and what they run: `CommandInfo`, `ContainerInfo` (Docker and Mesos containerizers), volumes, networks,
 * health checks, `ExecutorInfo`, `TaskInfo`/`TaskGroupInfo` (what a scheduler launches), `TaskStatus`, and `Task`
 * (what the operator API reports). Source: `include/mesos/v1/mesos.proto`; API.md §3 and §7.
 */
import { z } from "zod";
import {
  checked,
  isContainerId,
  isInt,
  isIpAddress,
  isNetworkInfo,
  isPortMapping,
  isRecord,
  optArrayOf,
  optLabels,
  optString,
} from "./checks.js";
import {
  BytesSchema,
  type ContainerId,
  DurationInfoSchema,
  IdSchema,
  type Labels,
  LabelsSchema,
  ParameterSchema,
  ResourceSchema,
  ScalarMapSchema,
  TimeInfoSchema,
} from "./common.js";

// ---------------------------------------------------------------------------------------------------------------
// Task states
// ---------------------------------------------------------------------------------------------------------------

/** Every `TaskState` (mesos.proto), in lifecycle order. */
export const MESOS_TASK_STATES = [
  "TASK_STAGING",
  "TASK_STARTING",
  "TASK_RUNNING",
  "TASK_KILLING",
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_UNREACHABLE",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
  "TASK_UNKNOWN",
] as const;
/** `TaskState` (mesos.proto, API.md §3). */
export const TaskStateSchema = z.enum(MESOS_TASK_STATES);
/** A `TaskState` name. */
export type TaskState = z.infer<typeof TaskStateSchema>;

/**
 * The states after which a task never runs again, as the master decides it (`isTerminalState` in
 * `src/common/protobuf_utils.cpp`): FINISHED, FAILED, KILLED, ERROR, DROPPED, GONE, GONE_BY_OPERATOR, and LOST (which
 * API.md §3 lists among the partition states: a LOST task of a non-partition-aware framework is gone for good).
 */
export const TERMINAL_TASK_STATES = [
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_ERROR",
  "TASK_LOST",
  "TASK_DROPPED",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
] as const satisfies readonly TaskState[];
/** A state of {@link TERMINAL_TASK_STATES}. */
export type TerminalTaskState = (typeof TERMINAL_TASK_STATES)[number];

const terminal: ReadonlySet<string> = new Set(TERMINAL_TASK_STATES);

/** Whether `state` is in {@link TERMINAL_TASK_STATES}. */
export function isTerminalTaskState(state: string): state is TerminalTaskState {
  return terminal.has(state);
}

// ---------------------------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------------------------

/** `Secret` (mesos.proto): a reference to a secret or its value; loosely modelled. */
export const SecretSchema = z.looseObject({
  type: z.string().optional(),
  reference: z.looseObject({ name: z.string(), key: z.string().optional() }).optional(),
  value: z.looseObject({ data: BytesSchema }).optional(),
});

/** `Environment.Variable` (mesos.proto): `{ name, type? (VALUE|SECRET), value?, secret? }`. */
export const EnvironmentVariableSchema = z.looseObject({
  name: z.string(),
  type: z.string().optional(),
  value: z.string().optional(),
  secret: SecretSchema.optional(),
});
/** `Environment` (mesos.proto): `{ variables: [...] }`. */
export const EnvironmentSchema = z.looseObject({ variables: z.array(EnvironmentVariableSchema).optional() });

/** `CommandInfo.URI` (mesos.proto): something the fetcher downloads into the sandbox. */
export const CommandUriSchema = z.looseObject({
  value: z.string(),
  executable: z.boolean().optional(),
  extract: z.boolean().optional(),
  cache: z.boolean().optional(),
  output_file: z.string().optional(),
});

const CommandInfoDef = z.looseObject({
  uris: z.array(CommandUriSchema).optional(),
  environment: EnvironmentSchema.optional(),
  shell: z.boolean().optional(),
  value: z.string().optional(),
  arguments: z.array(z.string()).optional(),
  user: z.string().optional(),
});
/** What {@link CommandInfoSchema} parses to. */
export interface CommandInfo extends z.output<typeof CommandInfoDef> {}
/** What {@link CommandInfoSchema} accepts. */
export interface CommandInfoInput extends z.input<typeof CommandInfoDef> {}
/**
 * `CommandInfo` (mesos.proto, API.md §7). With `shell` true (the default) `value` runs via `/bin/sh -c`; with `shell`
 * false `value` is the executable and `arguments` the whole argv (argv[0] included).
 */
export const CommandInfoSchema: z.ZodType<CommandInfo, CommandInfoInput> = CommandInfoDef;

// ---------------------------------------------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------------------------------------------

const ImageDef = z.looseObject({
  type: z.enum(["APPC", "DOCKER"]),
  appc: z
    .looseObject({ name: z.string(), id: z.string().optional(), labels: LabelsSchema.optional() })
    .optional(),
  docker: z
    .looseObject({
      name: z.string(),
      credential: z.looseObject({ principal: z.string(), secret: z.string().optional() }).optional(),
      config: SecretSchema.optional(),
    })
    .optional(),
  cached: z.boolean().optional(),
});
/** What {@link ImageSchema} parses to. */
export interface Image extends z.output<typeof ImageDef> {}
/** What {@link ImageSchema} accepts. */
export interface ImageInput extends z.input<typeof ImageDef> {}
/** `Image` (mesos.proto): a container image for the Mesos containerizer (`type` APPC or DOCKER). */
export const ImageSchema: z.ZodType<Image, ImageInput> = ImageDef;

/** `Volume.Mode` (mesos.proto). */
export const VolumeModeSchema = z.enum(["RW", "RO"]);

const VolumeDef = z.looseObject({
  mode: VolumeModeSchema,
  container_path: z.string(),
  host_path: z.string().optional(),
  image: ImageSchema.optional(),
  source: z.looseObject({ type: z.string().optional() }).optional(),
});
/** What {@link VolumeSchema} parses to. */
export interface Volume extends z.output<typeof VolumeDef> {}
/** What {@link VolumeSchema} accepts. */
export interface VolumeInput extends z.input<typeof VolumeDef> {}
/** `Volume` (mesos.proto, API.md §7): `{ container_path, host_path?, mode, image?, source? }`. */
export const VolumeSchema: z.ZodType<Volume, VolumeInput> = VolumeDef;

/** `NetworkInfo.PortMapping` / `ContainerInfo.DockerInfo.PortMapping` (mesos.proto). */
export interface PortMapping {
  host_port: number;
  container_port: number;
  protocol?: string | undefined;
  [key: string]: unknown;
}
/** `NetworkInfo.PortMapping` / `ContainerInfo.DockerInfo.PortMapping` (mesos.proto). Checked by one predicate. */
export const PortMappingSchema = checked<PortMapping>(
  isPortMapping,
  "a port mapping { host_port, container_port }",
);

/** `NetworkInfo.IPAddress` (mesos.proto). */
export interface IpAddress {
  protocol?: string | undefined;
  ip_address?: string | undefined;
  [key: string]: unknown;
}
/** `NetworkInfo.IPAddress` (mesos.proto). Checked by one predicate. */
export const IpAddressSchema = checked<IpAddress>(isIpAddress, "an IP address { protocol?, ip_address? }");

/** `NetworkInfo` (mesos.proto). */
export interface NetworkInfo {
  ip_addresses?: IpAddress[] | undefined;
  name?: string | undefined;
  groups?: string[] | undefined;
  labels?: Labels | undefined;
  port_mappings?: PortMapping[] | undefined;
  [key: string]: unknown;
}
/**
 * `NetworkInfo` (mesos.proto, API.md §7): a network a container joins (USER networks are named by `name`). Checked by
 * one predicate.
 */
export const NetworkInfoSchema = checked<NetworkInfo>(
  isNetworkInfo,
  "a network info { ip_addresses?, name?, groups?, labels?, port_mappings? }",
);

/** `ContainerInfo.DockerInfo.Network` (mesos.proto). */
export const DOCKER_NETWORKS = ["HOST", "BRIDGE", "NONE", "USER"] as const;
/** `ContainerInfo.DockerInfo.Network` (mesos.proto). */
export const DockerNetworkSchema = z.enum(DOCKER_NETWORKS);

const DockerInfoDef = z.looseObject({
  image: z.string(),
  network: DockerNetworkSchema.optional(),
  port_mappings: z.array(PortMappingSchema).optional(),
  privileged: z.boolean().optional(),
  parameters: z.array(ParameterSchema).optional(),
  force_pull_image: z.boolean().optional(),
  volume_driver: z.string().optional(),
});
/** What {@link DockerInfoSchema} parses to. */
export interface DockerInfo extends z.output<typeof DockerInfoDef> {}
/** What {@link DockerInfoSchema} accepts. */
export interface DockerInfoInput extends z.input<typeof DockerInfoDef> {}
/**
 * `ContainerInfo.DockerInfo` (mesos.proto, API.md §7): `{ image, network? (HOST default), port_mappings? (BRIDGE and
 * USER only), privileged?, parameters? (docker run --key=value), force_pull_image? }`.
 */
export const DockerInfoSchema: z.ZodType<DockerInfo, DockerInfoInput> = DockerInfoDef;

/** `ContainerInfo.Type` (mesos.proto). */
export const ContainerTypeSchema = z.enum(["DOCKER", "MESOS"]);

const ContainerInfoDef = z.looseObject({
  type: ContainerTypeSchema,
  volumes: z.array(VolumeSchema).optional(),
  hostname: z.string().optional(),
  docker: DockerInfoSchema.optional(),
  mesos: z.looseObject({ image: ImageSchema.optional() }).optional(),
  network_infos: z.array(NetworkInfoSchema).optional(),
  linux_info: z.looseObject({}).optional(),
  rlimit_info: z.looseObject({}).optional(),
  tty_info: z.looseObject({}).optional(),
});
/** What {@link ContainerInfoSchema} parses to. */
export interface ContainerInfo extends z.output<typeof ContainerInfoDef> {}
/** What {@link ContainerInfoSchema} accepts. */
export interface ContainerInfoInput extends z.input<typeof ContainerInfoDef> {}
/** `ContainerInfo` (mesos.proto, API.md §7): `type` is required. */
export const ContainerInfoSchema: z.ZodType<ContainerInfo, ContainerInfoInput> = ContainerInfoDef;

/** `ContainerStatus` (mesos.proto). */
export interface ContainerStatus {
  container_id?: ContainerId | undefined;
  network_infos?: NetworkInfo[] | undefined;
  cgroup_info?: Record<string, unknown> | undefined;
  executor_pid?: number | undefined;
  [key: string]: unknown;
}
/** `ContainerStatus` (mesos.proto): where the container runs and its IP addresses. Checked by one predicate. */
export const ContainerStatusSchema = checked<ContainerStatus>(
  (v) =>
    isRecord(v) &&
    (v.container_id === undefined || isContainerId(v.container_id)) &&
    optArrayOf(v.network_infos, isNetworkInfo) &&
    (v.cgroup_info === undefined || isRecord(v.cgroup_info)) &&
    (v.executor_pid === undefined || isInt(v.executor_pid)),
  "a container status { container_id?, network_infos?, executor_pid? }",
);

// ---------------------------------------------------------------------------------------------------------------
// Checks, kill policy, discovery
// ---------------------------------------------------------------------------------------------------------------

const HealthCheckDef = z.looseObject({
  delay_seconds: z.number().optional(),
  interval_seconds: z.number().optional(),
  timeout_seconds: z.number().optional(),
  consecutive_failures: z.int().optional(),
  grace_period_seconds: z.number().optional(),
  type: z.string().optional(),
  command: CommandInfoSchema.optional(),
  http: z
    .looseObject({
      protocol: z.string().optional(),
      scheme: z.string().optional(),
      port: z.int(),
      path: z.string().optional(),
      statuses: z.array(z.int()).optional(),
    })
    .optional(),
  tcp: z.looseObject({ protocol: z.string().optional(), port: z.int() }).optional(),
});
/** What {@link HealthCheckSchema} parses to. */
export interface HealthCheck extends z.output<typeof HealthCheckDef> {}
/** What {@link HealthCheckSchema} accepts. */
export interface HealthCheckInput extends z.input<typeof HealthCheckDef> {}
/** `HealthCheck` (mesos.proto): COMMAND, HTTP or TCP health check of a task. */
export const HealthCheckSchema: z.ZodType<HealthCheck, HealthCheckInput> = HealthCheckDef;

const CheckInfoDef = z.looseObject({
  type: z.string().optional(),
  command: z.looseObject({ command: CommandInfoSchema }).optional(),
  http: z.looseObject({ port: z.int(), path: z.string().optional() }).optional(),
  tcp: z.looseObject({ port: z.int() }).optional(),
  delay_seconds: z.number().optional(),
  interval_seconds: z.number().optional(),
  timeout_seconds: z.number().optional(),
});
/** What {@link CheckInfoSchema} parses to. */
export interface CheckInfo extends z.output<typeof CheckInfoDef> {}
/** What {@link CheckInfoSchema} accepts. */
export interface CheckInfoInput extends z.input<typeof CheckInfoDef> {}
/** `CheckInfo` (mesos.proto): a general (non-health) check. */
export const CheckInfoSchema: z.ZodType<CheckInfo, CheckInfoInput> = CheckInfoDef;

/** `KillPolicy` (mesos.proto): `{ grace_period: { nanoseconds } }` between SIGTERM and SIGKILL. */
export const KillPolicySchema = z.looseObject({ grace_period: DurationInfoSchema.optional() });

/** `Port` (mesos.proto): a port of a {@link DiscoveryInfoSchema}. */
export interface DiscoveryPort {
  number: number;
  name?: string | undefined;
  protocol?: string | undefined;
  visibility?: string | undefined;
  labels?: Labels | undefined;
  [key: string]: unknown;
}
const isDiscoveryPort = (v: unknown): boolean =>
  isRecord(v) &&
  isInt(v.number) &&
  optString(v.name) &&
  optString(v.protocol) &&
  optString(v.visibility) &&
  optLabels(v.labels);

const DiscoveryInfoDef = z.looseObject({
  visibility: z.string(),
  name: z.string().optional(),
  environment: z.string().optional(),
  location: z.string().optional(),
  version: z.string().optional(),
  ports: checked<{ ports?: DiscoveryPort[] | undefined; [key: string]: unknown }>(
    (v) => isRecord(v) && optArrayOf(v.ports, isDiscoveryPort),
    "ports { ports: [{ number, name?, protocol?, visibility?, labels? }] }",
  ).optional(),
  labels: LabelsSchema.optional(),
});
/** What {@link DiscoveryInfoSchema} parses to. */
export interface DiscoveryInfo extends z.output<typeof DiscoveryInfoDef> {}
/** What {@link DiscoveryInfoSchema} accepts. */
export interface DiscoveryInfoInput extends z.input<typeof DiscoveryInfoDef> {}
/** `DiscoveryInfo` (mesos.proto): service-discovery metadata (Mesos-DNS). */
export const DiscoveryInfoSchema: z.ZodType<DiscoveryInfo, DiscoveryInfoInput> = DiscoveryInfoDef;

// ---------------------------------------------------------------------------------------------------------------
// Executors and tasks
// ---------------------------------------------------------------------------------------------------------------

const ExecutorInfoDef = z.looseObject({
  type: z.string().optional(),
  executor_id: IdSchema,
  framework_id: IdSchema.optional(),
  command: CommandInfoSchema.optional(),
  container: ContainerInfoSchema.optional(),
  resources: z.array(ResourceSchema).optional(),
  name: z.string().optional(),
  source: z.string().optional(),
  data: BytesSchema.optional(),
  discovery: DiscoveryInfoSchema.optional(),
  shutdown_grace_period: DurationInfoSchema.optional(),
  labels: LabelsSchema.optional(),
});
/** What {@link ExecutorInfoSchema} parses to. */
export interface ExecutorInfo extends z.output<typeof ExecutorInfoDef> {}
/** What {@link ExecutorInfoSchema} accepts. */
export interface ExecutorInfoInput extends z.input<typeof ExecutorInfoDef> {}
/** `ExecutorInfo` (mesos.proto): a custom or default executor. */
export const ExecutorInfoSchema: z.ZodType<ExecutorInfo, ExecutorInfoInput> = ExecutorInfoDef;

const GroupTaskInfoDef = z.looseObject({
  name: z.string(),
  task_id: IdSchema,
  agent_id: IdSchema,
  resources: z.array(ResourceSchema).optional(),
  executor: ExecutorInfoSchema.optional(),
  command: CommandInfoSchema.optional(),
  container: ContainerInfoSchema.optional(),
  health_check: HealthCheckSchema.optional(),
  check: CheckInfoSchema.optional(),
  kill_policy: KillPolicySchema.optional(),
  data: BytesSchema.optional(),
  labels: LabelsSchema.optional(),
  discovery: DiscoveryInfoSchema.optional(),
  max_completion_time: DurationInfoSchema.optional(),
  limits: ScalarMapSchema.optional(),
});
/** What {@link GroupTaskInfoSchema} parses to. */
export interface GroupTaskInfo extends z.output<typeof GroupTaskInfoDef> {}
/** What {@link GroupTaskInfoSchema} accepts. */
export interface GroupTaskInfoInput extends z.input<typeof GroupTaskInfoDef> {}
/**
 * `TaskInfo` (mesos.proto) as a member of a `TaskGroupInfo`: the group's executor runs it, so it may have neither
 * `command` nor `executor` (the master's `validateTaskGroupAndExecutor` only requires that an executor, if set, be the
 * group's).
 */
export const GroupTaskInfoSchema: z.ZodType<GroupTaskInfo, GroupTaskInfoInput> = GroupTaskInfoDef;

const TaskInfoDef = GroupTaskInfoSchema.check((ctx) => {
  const task = ctx.value;
  if ((task.command === undefined) === (task.executor === undefined)) {
    ctx.issues.push({
      code: "custom",
      input: task,
      path: ["command"],
      message:
        task.command === undefined
          ? "a TaskInfo needs exactly one of command or executor (neither is set)"
          : "a TaskInfo needs exactly one of command or executor (both are set)",
    });
  }
});
/** What {@link TaskInfoSchema} parses to. */
export interface TaskInfo extends z.output<typeof TaskInfoDef> {}
/** What {@link TaskInfoSchema} accepts. */
export interface TaskInfoInput extends z.input<typeof TaskInfoDef> {}
/**
 * `TaskInfo` (mesos.proto, API.md §7): what a scheduler launches with `LAUNCH`. Exactly one of `command` and
 * `executor` must be set (the master's `validateTask`; the issue is reported on `command`).
 */
export const TaskInfoSchema: z.ZodType<TaskInfo, TaskInfoInput> = TaskInfoDef;

const TaskGroupInfoDef = z.looseObject({ tasks: z.array(GroupTaskInfoSchema) });
/** What {@link TaskGroupInfoSchema} parses to. */
export interface TaskGroupInfo extends z.output<typeof TaskGroupInfoDef> {}
/** What {@link TaskGroupInfoSchema} accepts. */
export interface TaskGroupInfoInput extends z.input<typeof TaskGroupInfoDef> {}
/** `TaskGroupInfo` (mesos.proto): tasks launched together by the default executor (`LAUNCH_GROUP`). */
export const TaskGroupInfoSchema: z.ZodType<TaskGroupInfo, TaskGroupInfoInput> = TaskGroupInfoDef;

/** `CheckStatusInfo` (mesos.proto): the last result of a `CheckInfo`. */
export const CheckStatusInfoSchema = z.looseObject({
  type: z.string().optional(),
  command: z.looseObject({ exit_code: z.int().optional() }).optional(),
  http: z.looseObject({ status_code: z.int().optional() }).optional(),
  tcp: z.looseObject({ succeeded: z.boolean().optional() }).optional(),
});

const TaskStatusDef = z.looseObject({
  task_id: IdSchema,
  state: TaskStateSchema,
  message: z.string().optional(),
  source: z.string().optional(),
  reason: z.string().optional(),
  data: BytesSchema.optional(),
  agent_id: IdSchema.optional(),
  executor_id: IdSchema.optional(),
  timestamp: z.number().optional(),
  uuid: BytesSchema.optional(),
  healthy: z.boolean().optional(),
  check_status: CheckStatusInfoSchema.optional(),
  labels: LabelsSchema.optional(),
  container_status: ContainerStatusSchema.optional(),
  unreachable_time: TimeInfoSchema.optional(),
  limitation: z.looseObject({ resources: z.array(ResourceSchema).optional() }).optional(),
});
/** What {@link TaskStatusSchema} parses to. */
export interface TaskStatus extends z.output<typeof TaskStatusDef> {}
/** What {@link TaskStatusSchema} accepts. */
export interface TaskStatusInput extends z.input<typeof TaskStatusDef> {}
/**
 * `TaskStatus` (mesos.proto, API.md §3): `{ task_id, state, message?, source?, reason?, agent_id?, executor_id?,
 * timestamp? (double seconds), uuid? (Base64: present ⇒ the scheduler must ACKNOWLEDGE), healthy?, container_status?,
 * ... }`.
 */
export const TaskStatusSchema: z.ZodType<TaskStatus, TaskStatusInput> = TaskStatusDef;

const TaskDef = z.looseObject({
  name: z.string(),
  task_id: IdSchema,
  framework_id: IdSchema,
  executor_id: IdSchema.optional(),
  agent_id: IdSchema,
  state: TaskStateSchema,
  resources: z.array(ResourceSchema).optional(),
  statuses: z.array(TaskStatusSchema).optional(),
  status_update_state: TaskStateSchema.optional(),
  status_update_uuid: BytesSchema.optional(),
  labels: LabelsSchema.optional(),
  discovery: DiscoveryInfoSchema.optional(),
  container: ContainerInfoSchema.optional(),
  health_check: HealthCheckSchema.optional(),
  kill_policy: KillPolicySchema.optional(),
  user: z.string().optional(),
  limits: ScalarMapSchema.optional(),
});
/** What {@link TaskSchema} parses to. */
export interface Task extends z.output<typeof TaskDef> {}
/** What {@link TaskSchema} accepts. */
export interface TaskInput extends z.input<typeof TaskDef> {}
/**
 * `Task` (mesos.proto): a task as the master knows it (operator `GET_TASKS`, `GET_STATE`, `TASK_ADDED`). Unlike
 * `TaskInfo` it has `framework_id`, `state` and `statuses`.
 */
export const TaskSchema: z.ZodType<Task, TaskInput> = TaskDef;
