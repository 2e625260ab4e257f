/**
 * Tasks (`GET /v2/tasks`, `GET /v2/apps/{id}/tasks`, `embed=apps.tasks`), task failures and statistics, and the
 * readiness-check results that appear in apps and deployments. All response schemas: loose, no defaults.
 */
import { z } from "zod";
import { IpAddrSchema, NumberListSchema } from "./common.js";

/** One of {@link MESOS_TASK_STATES}. */
export type { TaskState as MesosTaskState } from "../../mesos/schemas/task.js";
/**
 * Mesos task states (RAML `strings.MesosTaskState`, plus the states Mesos added that Marathon passes through): the
 * Mesos SDK's list. Responses keep `state` a plain string so that a new Mesos state still parses.
 */
export { MESOS_TASK_STATES } from "../../mesos/schemas/task.js";

/**
 * The result of one health check on one task (RAML `health.Health`). The RAML names the id `instanceId`; servers
 * before 1.4 wrote `taskId`, so both are optional. Timestamps are `null` until the first success/failure on old servers.
 */
export const HealthCheckResultSchema = z.looseObject({
  alive: z.boolean(),
  consecutiveFailures: z.number(),
  firstSuccess: z.string().nullable().optional(),
  lastFailure: z.string().nullable().optional(),
  lastSuccess: z.string().nullable().optional(),
  lastFailureCause: z.string().nullable().optional(),
  instanceId: z.string().optional(),
  taskId: z.string().optional(),
});
/** What {@link HealthCheckResultSchema} parses to (RAML `health.Health`). */
export type HealthCheckResult = z.infer<typeof HealthCheckResultSchema>;

/** Result of a Mesos check (RAML `check.CheckStatus`). */
export const CheckStatusSchema = z.looseObject({
  http: z.looseObject({ statusCode: z.number() }).optional(),
  tcp: z.looseObject({ succeeded: z.boolean() }).optional(),
  command: z.looseObject({ exitCode: z.number() }).optional(),
});
/** What {@link CheckStatusSchema} parses to (RAML `check.CheckStatus`). */
export type CheckStatus = z.infer<typeof CheckStatusSchema>;

/** A persistent local volume of a resident task (RAML `localVolumes.LocalVolumeId`). */
export const LocalVolumeIdSchema = z.looseObject({
  runSpecId: z.string().optional(),
  containerPath: z.string(),
  uuid: z.string().optional(),
  persistenceId: z.string(),
});
/** What {@link LocalVolumeIdSchema} parses to (RAML `localVolumes.LocalVolumeId`). */
export type LocalVolumeId = z.infer<typeof LocalVolumeIdSchema>;

/**
 * A task (RAML `task.Task`). `state` is a Mesos task state ({@link MESOS_TASK_STATES}). `role` is required by the
 * RAML but only written since Marathon 1.9, so it is optional here; `startedAt` is `null` for staging tasks on old
 * servers; `agentId` is written next to the deprecated `slaveId` by newer servers.
 */
export const TaskSchema = z.looseObject({
  id: z.string(),
  appId: z.string(),
  host: z.string(),
  state: z.string(),
  ports: NumberListSchema.optional(),
  servicePorts: NumberListSchema.optional(),
  slaveId: z.string().nullable().optional(),
  agentId: z.string().optional(),
  stagedAt: z.string().nullable().optional(),
  startedAt: z.string().nullable().optional(),
  version: z.string().optional(),
  ipAddresses: z.array(IpAddrSchema).optional(),
  healthCheckResults: z.array(HealthCheckResultSchema).optional(),
  checkResult: CheckStatusSchema.optional(),
  localVolumes: z.array(LocalVolumeIdSchema).optional(),
  region: z.string().optional(),
  zone: z.string().optional(),
  role: z.string().optional(),
});
/** What {@link TaskSchema} parses to (RAML `task.Task`). */
export type Task = z.infer<typeof TaskSchema>;

/** `GET /v2/tasks`, `GET /v2/apps/{id}/tasks`, `DELETE .../tasks?scale=false` (RAML `task.TaskList`). */
export const TaskListResponseSchema = z.looseObject({ tasks: z.array(TaskSchema) });
/** What {@link TaskListResponseSchema} parses to (RAML `task.TaskList`). */
export type TaskListResponse = z.infer<typeof TaskListResponseSchema>;

/** `DELETE /v2/apps/{id}/tasks/{taskId}?scale=false` (RAML `task.TaskSingle`). */
export const TaskResponseSchema = z.looseObject({ task: TaskSchema });
/** What {@link TaskResponseSchema} parses to (RAML `task.TaskSingle`). */
export type TaskResponse = z.infer<typeof TaskResponseSchema>;

/** The last failed task of an app (RAML `task.TaskFailure`), `embed=apps.lastTaskFailure`. */
export const TaskFailureSchema = z.looseObject({
  appId: z.string(),
  host: z.string(),
  message: z.string(),
  state: z.string(),
  taskId: z.string(),
  timestamp: z.string(),
  version: z.string(),
  slaveId: z.string().nullable().optional(),
});
/** What {@link TaskFailureSchema} parses to (RAML `task.TaskFailure`). */
export type TaskFailure = z.infer<typeof TaskFailureSchema>;

/** Task counts (RAML `task.TaskCounts`). */
export const TaskCountsSchema = z.looseObject({
  staged: z.number(),
  running: z.number(),
  healthy: z.number(),
  unhealthy: z.number(),
});

/** `{ stats: { counts, lifeTime? } }` (RAML `task.Stats` of `task.TaskStats`). */
export const TaskStatsEntrySchema = z.looseObject({
  stats: z.looseObject({
    counts: TaskCountsSchema,
    lifeTime: z.looseObject({ averageSeconds: z.number(), medianSeconds: z.number() }).optional(),
  }),
});

/**
 * Task statistics per version (RAML `task.TaskStatsByVersion`), `embed=apps.taskStats`. The RAML `AppInfo` calls the
 * field `tasksStats`; the server writes `taskStats` (ENDPOINTS.md), which is what {@link TaskStatsSchema} is used for.
 */
export const TaskStatsSchema = z.looseObject({
  startedAfterLastScaling: TaskStatsEntrySchema.optional(),
  withLatestConfig: TaskStatsEntrySchema.optional(),
  withOutdatedConfig: TaskStatsEntrySchema.optional(),
  totalSummary: TaskStatsEntrySchema.optional(),
});
/** What {@link TaskStatsSchema} parses to (RAML `task.TaskStatsByVersion`). */
export type TaskStats = z.infer<typeof TaskStatsSchema>;

/** The last HTTP response of a readiness check (RAML `readinessCheck.ReadinessCheckHttpResponse`). */
export const ReadinessCheckHttpResponseSchema = z.looseObject({
  status: z.number(),
  contentType: z.string(),
  body: z.string(),
});

/** A readiness check result for one task (RAML `readinessCheck.TaskReadinessCheckResult`). */
export const TaskReadinessCheckResultSchema = z.looseObject({
  name: z.string(),
  taskId: z.string(),
  ready: z.boolean(),
  lastResponse: ReadinessCheckHttpResponseSchema.nullable().optional(),
});
/** What {@link TaskReadinessCheckResultSchema} parses to (RAML `readinessCheck.TaskReadinessCheckResult`). */
export type TaskReadinessCheckResult = z.infer<typeof TaskReadinessCheckResultSchema>;
