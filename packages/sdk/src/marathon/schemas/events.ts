/**
 * Events of the `GET /v2/events` Server-Sent Events stream: one schema per `eventType`, combined into the
 * discriminated union {@link MarathonEventSchema}. The RAML (`v2/events.raml`) only describes the stream, not the
 * payloads; fields come from ENDPOINTS.md ("Events"), the RAML types they embed (`app.App`, `healthCheck.AppHealthCheck`,
 * `deploymentPlan.DeploymentPlan`, `deploymentSteps.DeploymentStep`, `task.IpAddr`) and the examples in
 * `examples/events/` (taken from upstream's `docs/event-bus.md`).
 *
 * Every event is a loose object (unknown fields survive) with `eventType` and `timestamp`. An unknown `eventType`
 * does not parse: clients look at `eventType` first and handle types they do not know themselves.
 */
import { z } from "zod";
import { AppHealthCheckSchema, AppSchema } from "./app.js";
import { IpAddrSchema, NumberListSchema } from "./common.js";
import { DeploymentActionSchema } from "./deployment.js";

/**
 * Every `eventType` Marathon sends (ENDPOINTS.md "Events"); the same strings are the SSE `event:` names of
 * `v2/events.raml`, which defines no payload types.
 */
export const MARATHON_EVENT_TYPES = [
  "event_stream_attached",
  "event_stream_detached",
  "subscribe_event",
  "unsubscribe_event",
  "api_post_event",
  "status_update_event",
  "instance_changed_event",
  "instance_health_changed_event",
  "health_status_changed_event",
  "failed_health_check_event",
  "add_health_check_event",
  "remove_health_check_event",
  "unhealthy_instance_kill_event",
  "unhealthy_task_kill_event",
  "app_terminated_event",
  "group_change_success",
  "group_change_failed",
  "deployment_info",
  "deployment_step_success",
  "deployment_step_failure",
  "deployment_success",
  "deployment_failed",
  "framework_message_event",
  "unknown_instance_terminated_event",
  "pod_created_event",
  "pod_updated_event",
  "pod_deleted_event",
  "scheduler_registered_event",
  "scheduler_reregistered_event",
  "scheduler_disconnected_event",
] as const;
/** One of {@link MARATHON_EVENT_TYPES} (SSE event names of `v2/events.raml`). */
export type MarathonEventType = (typeof MARATHON_EVENT_TYPES)[number];

/** A loose event object: `eventType` (literal), `timestamp`, and the event's own fields. */
const event = <const T extends MarathonEventType, S extends z.core.$ZodLooseShape>(eventType: T, shape: S) =>
  z.looseObject({ eventType: z.literal(eventType), timestamp: z.string(), ...shape });

// ---------------------------------------------------------------------------------------------------------------
// Deployment plans as events carry them
// ---------------------------------------------------------------------------------------------------------------

/**
 * The legacy form of RAML `deploymentAction.DeploymentAction` in upstream's event-bus examples: `{ type, app }`
 * instead of `{ action, app }`
 * (`examples/events/deployment_step_failure.json`). Servers since 1.0 write `action`; both are accepted.
 */
export const LegacyDeploymentActionSchema = z.looseObject({
  type: z.string(),
  app: z.string().optional(),
  pod: z.string().optional(),
});

/**
 * An action inside an event's plan or current step (RAML `deploymentAction.DeploymentAction`, or the legacy `{ type }`
 * form of {@link LegacyDeploymentActionSchema}).
 */
export const DeploymentEventActionSchema = z.union([DeploymentActionSchema, LegacyDeploymentActionSchema]);
/** What {@link DeploymentEventActionSchema} parses to (RAML `deploymentAction.DeploymentAction`). */
export type DeploymentEventAction = z.infer<typeof DeploymentEventActionSchema>;

/** A step inside an event (RAML `deploymentSteps.DeploymentStep`, actions possibly in the legacy form). */
export const DeploymentEventStepSchema = z.looseObject({ actions: z.array(DeploymentEventActionSchema) });
/** What {@link DeploymentEventStepSchema} parses to (RAML `deploymentSteps.DeploymentStep`). */
export type DeploymentEventStep = z.infer<typeof DeploymentEventStepSchema>;

/**
 * A deployment plan as events carry it (RAML `deploymentPlan.DeploymentPlan`: `{id, steps, version}`; the deprecated
 * heavy plan format adds `original` and `target` groups, kept as unknown values). Upstream's
 * `deployment_step_failure.json` example lists bare actions as `steps` instead of `{ actions }` objects (the pre-1.0
 * format); the RAML and ENDPOINTS.md say steps are `{ actions }`; both forms are accepted.
 */
export const DeploymentPlanSchema = z.looseObject({
  id: z.string(),
  version: z.string(),
  steps: z.array(z.union([DeploymentEventStepSchema, DeploymentEventActionSchema])),
  original: z.unknown().optional(),
  target: z.unknown().optional(),
});
/** What {@link DeploymentPlanSchema} parses to (RAML `deploymentPlan.DeploymentPlan`). */
export type DeploymentPlan = z.infer<typeof DeploymentPlanSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Stream and subscriptions
// ---------------------------------------------------------------------------------------------------------------

/**
 * First event after connecting. The server (ENDPOINTS.md) writes `remoteAddress`; upstream's example
 * (`examples/events/event_stream_attached.json`) shows `clientIp` and `callbackUrl` instead (copied from the
 * subscribe event). All three are optional so both parse.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/event_stream_attached.json`.
 */
export const EventStreamAttachedEventSchema = event("event_stream_attached", {
  remoteAddress: z.string().optional(),
  clientIp: z.string().optional(),
  callbackUrl: z.string().optional(),
});

/**
 * A client detached from the event stream (`remoteAddress`).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const EventStreamDetachedEventSchema = event("event_stream_detached", {
  remoteAddress: z.string().optional(),
});

/**
 * An HTTP callback subscriber was added (legacy callbacks, removed in 1.7/1.8).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/subscribe_event.json`.
 */
export const SubscribeEventSchema = event("subscribe_event", {
  clientIp: z.string(),
  callbackUrl: z.string(),
});

/**
 * An HTTP callback subscriber was removed (legacy callbacks, removed in 1.7/1.8).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/unsubscribe_event.json`.
 */
export const UnsubscribeEventSchema = event("unsubscribe_event", {
  clientIp: z.string(),
  callbackUrl: z.string(),
});

// ---------------------------------------------------------------------------------------------------------------
// API
// ---------------------------------------------------------------------------------------------------------------

/**
 * An app was posted/changed through the REST API; `appDefinition` is an `app.App` as returned.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/api_post_event.json`.
 */
export const ApiPostEventSchema = event("api_post_event", {
  clientIp: z.string(),
  uri: z.string(),
  appDefinition: AppSchema,
});

/**
 * A pod was created through the REST API.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/pod_created_event.json`.
 */
export const PodCreatedEventSchema = event("pod_created_event", { clientIp: z.string(), uri: z.string() });

/**
 * A pod was updated through the REST API.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/pod_updated_event.json`.
 */
export const PodUpdatedEventSchema = event("pod_updated_event", { clientIp: z.string(), uri: z.string() });

/**
 * A pod was deleted through the REST API.
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const PodDeletedEventSchema = event("pod_deleted_event", { clientIp: z.string(), uri: z.string() });

// ---------------------------------------------------------------------------------------------------------------
// Tasks and instances
// ---------------------------------------------------------------------------------------------------------------

/**
 * A Mesos task status update: `taskStatus` is a Mesos task state (see `MESOS_TASK_STATES`), `ipAddresses` are
 * `task.IpAddr` objects (absent or `null` before the task has an address).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const StatusUpdateEventSchema = event("status_update_event", {
  slaveId: z.string(),
  taskId: z.string(),
  taskStatus: z.string(),
  message: z.string().optional(),
  appId: z.string(),
  host: z.string(),
  ipAddresses: z.array(IpAddrSchema).nullable().optional(),
  ports: NumberListSchema.optional(),
  version: z.string().optional(),
});

/**
 * An instance changed its condition (`condition` is a RAML `strings.Condition`, `goal` a `strings.Goal`).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const InstanceChangedEventSchema = event("instance_changed_event", {
  instanceId: z.string(),
  condition: z.string(),
  runSpecId: z.string(),
  runSpecVersion: z.string().optional(),
  agentId: z.string().optional(),
  host: z.string().optional(),
  goal: z.string().optional(),
});

/**
 * An instance's health changed; `healthy` is `null` when no health check has produced a result yet.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/instance_health_changed_event.json`.
 */
export const InstanceHealthChangedEventSchema = event("instance_health_changed_event", {
  instanceId: z.string(),
  runSpecId: z.string(),
  runSpecVersion: z.string().optional(),
  healthy: z.boolean().nullable().optional(),
});

/**
 * An instance Marathon does not know about terminated.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/unknown_instance_terminated_event.json`.
 */
export const UnknownInstanceTerminatedEventSchema = event("unknown_instance_terminated_event", {
  instanceId: z.string(),
  runSpecId: z.string(),
  condition: z.string(),
});

/**
 * All tasks of an app are gone after the app was deleted.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/app_terminated_event.json`.
 */
export const AppTerminatedEventSchema = event("app_terminated_event", { appId: z.string() });

/**
 * A framework message from an executor; `message` is base64.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/framework_message_event.json`.
 */
export const FrameworkMessageEventSchema = event("framework_message_event", {
  slaveId: z.string(),
  executorId: z.string(),
  message: z.string(),
});

// ---------------------------------------------------------------------------------------------------------------
// Health checks
// ---------------------------------------------------------------------------------------------------------------

/**
 * A health check's verdict on a task changed (`instanceId` since 1.4, `taskId` before).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const HealthStatusChangedEventSchema = event("health_status_changed_event", {
  appId: z.string(),
  instanceId: z.string().optional(),
  taskId: z.string().optional(),
  version: z.string().optional(),
  alive: z.boolean(),
});

/**
 * A health check failed on a task (`instanceId` since 1.4, `taskId` before).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const FailedHealthCheckEventSchema = event("failed_health_check_event", {
  appId: z.string(),
  instanceId: z.string().optional(),
  taskId: z.string().optional(),
  healthCheck: AppHealthCheckSchema,
});

/**
 * A health check was added to an app (`healthCheck` is a RAML `healthCheck.AppHealthCheck`).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/add_health_check_event.json`.
 */
export const AddHealthCheckEventSchema = event("add_health_check_event", {
  appId: z.string(),
  version: z.string().optional(),
  healthCheck: AppHealthCheckSchema,
});

/**
 * A health check was removed from an app.
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/remove_health_check_event.json`.
 */
export const RemoveHealthCheckEventSchema = event("remove_health_check_event", {
  appId: z.string(),
  version: z.string().optional(),
  healthCheck: AppHealthCheckSchema.optional(),
});

/**
 * Marathon killed an unhealthy instance (1.4+ name of {@link UnhealthyTaskKillEventSchema}).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const UnhealthyInstanceKillEventSchema = event("unhealthy_instance_kill_event", {
  appId: z.string(),
  taskId: z.string(),
  instanceId: z.string().optional(),
  version: z.string(),
  reason: z.string(),
  host: z.string(),
  slaveId: z.string().nullable().optional(),
});

/**
 * Marathon killed an unhealthy task (pre-1.4 name of {@link UnhealthyInstanceKillEventSchema}).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/unhealthy_task_kill_event.json`.
 */
export const UnhealthyTaskKillEventSchema = event("unhealthy_task_kill_event", {
  appId: z.string(),
  taskId: z.string(),
  version: z.string(),
  reason: z.string(),
  host: z.string(),
  slaveId: z.string().nullable().optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Groups and deployments
// ---------------------------------------------------------------------------------------------------------------

/**
 * A group change was deployed (`version` is the new group version).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/group_change_success.json`.
 */
export const GroupChangeSuccessEventSchema = event("group_change_success", {
  groupId: z.string(),
  version: z.string(),
});

/**
 * A group change failed.
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const GroupChangeFailedEventSchema = event("group_change_failed", {
  groupId: z.string(),
  version: z.string(),
  reason: z.string().optional(),
});

const stepEventShape = { plan: DeploymentPlanSchema, currentStep: DeploymentEventStepSchema };

/**
 * A deployment step started (`plan`, `currentStep`).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const DeploymentInfoEventSchema = event("deployment_info", stepEventShape);

/**
 * A deployment step finished (`plan`, `currentStep`).
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const DeploymentStepSuccessEventSchema = event("deployment_step_success", stepEventShape);

/**
 * A deployment step failed (`plan`, `currentStep`).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/deployment_step_failure.json`.
 */
export const DeploymentStepFailureEventSchema = event("deployment_step_failure", stepEventShape);

/**
 * A deployment finished (`id`; newer servers add the `plan`).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/deployment_success.json`.
 */
export const DeploymentSuccessEventSchema = event("deployment_success", {
  id: z.string(),
  plan: DeploymentPlanSchema.optional(),
});

/**
 * A deployment failed or was cancelled (`id`; newer servers add the `plan`).
 * RAML: none (`v2/events.raml` has no payload types). Example: `examples/events/deployment_failed.json`.
 */
export const DeploymentFailedEventSchema = event("deployment_failed", {
  id: z.string(),
  plan: DeploymentPlanSchema.optional(),
  reason: z.string().optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Scheduler
// ---------------------------------------------------------------------------------------------------------------

/**
 * Marathon registered with a Mesos master.
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const SchedulerRegisteredEventSchema = event("scheduler_registered_event", {
  frameworkId: z.string(),
  master: z.string(),
});

/**
 * Marathon re-registered with a Mesos master.
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const SchedulerReregisteredEventSchema = event("scheduler_reregistered_event", {
  master: z.string().optional(),
});

/**
 * Marathon lost its Mesos master.
 * RAML: none (`v2/events.raml` has no payload types). Fields: ENDPOINTS.md and the server.
 */
export const SchedulerDisconnectedEventSchema = event("scheduler_disconnected_event", {});

// ---------------------------------------------------------------------------------------------------------------
// Union
// ---------------------------------------------------------------------------------------------------------------

/**
 * Any Marathon event of the `v2/events.raml` stream, chosen by `eventType` (ENDPOINTS.md "Events"). An unknown
 * `eventType` fails.
 */
export const MarathonEventSchema = z.discriminatedUnion("eventType", [
  EventStreamAttachedEventSchema,
  EventStreamDetachedEventSchema,
  SubscribeEventSchema,
  UnsubscribeEventSchema,
  ApiPostEventSchema,
  StatusUpdateEventSchema,
  InstanceChangedEventSchema,
  InstanceHealthChangedEventSchema,
  HealthStatusChangedEventSchema,
  FailedHealthCheckEventSchema,
  AddHealthCheckEventSchema,
  RemoveHealthCheckEventSchema,
  UnhealthyInstanceKillEventSchema,
  UnhealthyTaskKillEventSchema,
  AppTerminatedEventSchema,
  GroupChangeSuccessEventSchema,
  GroupChangeFailedEventSchema,
  DeploymentInfoEventSchema,
  DeploymentStepSuccessEventSchema,
  DeploymentStepFailureEventSchema,
  DeploymentSuccessEventSchema,
  DeploymentFailedEventSchema,
  FrameworkMessageEventSchema,
  UnknownInstanceTerminatedEventSchema,
  PodCreatedEventSchema,
  PodUpdatedEventSchema,
  PodDeletedEventSchema,
  SchedulerRegisteredEventSchema,
  SchedulerReregisteredEventSchema,
  SchedulerDisconnectedEventSchema,
]);
/** Any Marathon event of the `v2/events.raml` stream. */
export type MarathonEvent = z.infer<typeof MarathonEventSchema>;
/** The event of the `v2/events.raml` stream with the given `eventType`, e.g. `MarathonEventOf<"deployment_success">`. */
export type MarathonEventOf<T extends MarathonEventType> = Extract<MarathonEvent, { eventType: T }>;
