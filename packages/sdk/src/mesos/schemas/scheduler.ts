/**
 * The scheduler HTTP API (`POST /api/v1/scheduler`): the calls a framework sends and the events the master streams
 * back. Source: `include/mesos/v1/scheduler/scheduler.proto` (`Call`, `Event`); API.md §3.
 */
import { z } from "zod";
import { fast } from "../../schema/fast.js";
import { BytesSchema, IdSchema, ResourceSchema } from "./common.js";
import {
  FiltersSchema,
  FrameworkInfoSchema,
  InverseOfferSchema,
  MasterInfoSchema,
  OfferConstraintsSchema,
  OfferSchema,
  OperationSchema,
  OperationStatusSchema,
} from "./framework.js";
import { KillPolicySchema, TaskStatusSchema } from "./task.js";

// ===============================================================================================================
// Calls (request side: strict envelopes and payloads)
// ===============================================================================================================

/** `Call.Type` values (scheduler.proto), in proto order. */
export const SCHEDULER_CALL_TYPES = [
  "SUBSCRIBE",
  "TEARDOWN",
  "ACCEPT",
  "DECLINE",
  "ACCEPT_INVERSE_OFFERS",
  "DECLINE_INVERSE_OFFERS",
  "REVIVE",
  "KILL",
  "SHUTDOWN",
  "ACKNOWLEDGE",
  "ACKNOWLEDGE_OPERATION_STATUS",
  "RECONCILE",
  "RECONCILE_OPERATIONS",
  "MESSAGE",
  "REQUEST",
  "SUPPRESS",
  "UPDATE_FRAMEWORK",
] as const;

/** A call other than SUBSCRIBE: `framework_id` is required (API.md §3, step 3). */
function call<T extends string, P extends z.ZodRawShape>(type: T, payload: P) {
  return z.strictObject({ type: z.literal(type), framework_id: IdSchema, ...payload });
}

const SubscribeCallPayloadDef = z.strictObject({
  framework_info: FrameworkInfoSchema,
  suppressed_roles: z.array(z.string()).optional(),
  offer_constraints: OfferConstraintsSchema.optional(),
});
/** What {@link SubscribeCallPayloadSchema} parses to. */
export interface SubscribeCallPayload extends z.output<typeof SubscribeCallPayloadDef> {}
/** What {@link SubscribeCallPayloadSchema} accepts. */
export interface SubscribeCallPayloadInput extends z.input<typeof SubscribeCallPayloadDef> {}
/** `Call.Subscribe` (scheduler.proto). */
export const SubscribeCallPayloadSchema: z.ZodType<SubscribeCallPayload, SubscribeCallPayloadInput> =
  SubscribeCallPayloadDef;

/** `Call.UpdateFramework` (scheduler.proto): same fields as `Call.Subscribe`. */
export const UpdateFrameworkCallPayloadSchema = SubscribeCallPayloadSchema;

const inverseOffers = z.strictObject({
  inverse_offer_ids: z.array(IdSchema),
  filters: FiltersSchema.optional(),
});
const roles = z.strictObject({ roles: z.array(z.string()).optional() });

const SchedulerCallDef = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("SUBSCRIBE"),
    framework_id: IdSchema.optional(),
    subscribe: SubscribeCallPayloadSchema,
  }),
  call("TEARDOWN", {}),
  call("ACCEPT", {
    accept: z.strictObject({
      offer_ids: z.array(IdSchema),
      operations: z.array(OperationSchema).optional(),
      filters: FiltersSchema.optional(),
    }),
  }),
  call("DECLINE", {
    decline: z.strictObject({ offer_ids: z.array(IdSchema), filters: FiltersSchema.optional() }),
  }),
  call("ACCEPT_INVERSE_OFFERS", { accept_inverse_offers: inverseOffers }),
  call("DECLINE_INVERSE_OFFERS", { decline_inverse_offers: inverseOffers }),
  call("REVIVE", { revive: roles.optional() }),
  call("SUPPRESS", { suppress: roles.optional() }),
  call("KILL", {
    kill: z.strictObject({
      task_id: IdSchema,
      agent_id: IdSchema.optional(),
      kill_policy: KillPolicySchema.optional(),
    }),
  }),
  call("SHUTDOWN", { shutdown: z.strictObject({ executor_id: IdSchema, agent_id: IdSchema }) }),
  call("ACKNOWLEDGE", {
    acknowledge: z.strictObject({ agent_id: IdSchema, task_id: IdSchema, uuid: BytesSchema }),
  }),
  call("ACKNOWLEDGE_OPERATION_STATUS", {
    acknowledge_operation_status: z.strictObject({
      agent_id: IdSchema.optional(),
      resource_provider_id: IdSchema.optional(),
      uuid: BytesSchema,
      operation_id: IdSchema,
    }),
  }),
  call("RECONCILE", {
    reconcile: z.strictObject({
      tasks: z.array(z.strictObject({ task_id: IdSchema, agent_id: IdSchema.optional() })).optional(),
    }),
  }),
  call("RECONCILE_OPERATIONS", {
    reconcile_operations: z.strictObject({
      operations: z
        .array(
          z.strictObject({
            operation_id: IdSchema,
            agent_id: IdSchema.optional(),
            resource_provider_id: IdSchema.optional(),
          }),
        )
        .optional(),
    }),
  }),
  call("MESSAGE", {
    message: z.strictObject({ agent_id: IdSchema, executor_id: IdSchema, data: BytesSchema }),
  }),
  call("REQUEST", {
    request: z.strictObject({
      requests: z
        .array(
          z.strictObject({ agent_id: IdSchema.optional(), resources: z.array(ResourceSchema).optional() }),
        )
        .optional(),
    }),
  }),
  call("UPDATE_FRAMEWORK", { update_framework: UpdateFrameworkCallPayloadSchema }),
]);
/** What {@link SchedulerCallSchema} parses to. */
export type SchedulerCall = z.output<typeof SchedulerCallDef>;
/** What {@link SchedulerCallSchema} accepts. */
export type SchedulerCallInput = z.input<typeof SchedulerCallDef>;
/**
 * A scheduler `Call` (scheduler.proto, API.md §3), discriminated on `type`; each type carries its payload under the
 * lower-cased type name (`accept`, `decline`, ...). `framework_id` is required on every call but SUBSCRIBE (where it
 * is set only when re-subscribing). Strict: unknown fields are errors.
 */
export const SchedulerCallSchema: z.ZodType<SchedulerCall, SchedulerCallInput> = SchedulerCallDef;
/** The scheduler call of one `type`. */
export type SchedulerCallOf<T extends SchedulerCall["type"]> = Extract<SchedulerCall, { type: T }>;

// ===============================================================================================================
// Events (response side: loose)
// ===============================================================================================================

/** `Event.Type` values (scheduler.proto). */
export const SCHEDULER_EVENT_TYPES = [
  "SUBSCRIBED",
  "OFFERS",
  "INVERSE_OFFERS",
  "RESCIND",
  "RESCIND_INVERSE_OFFER",
  "UPDATE",
  "UPDATE_OPERATION_STATUS",
  "MESSAGE",
  "FAILURE",
  "ERROR",
  "HEARTBEAT",
] as const;

/** `Event.Subscribed` (scheduler.proto): the first event of a subscription. */
export const SubscribedEventPayloadSchema = z.looseObject({
  framework_id: IdSchema,
  heartbeat_interval_seconds: z.number().optional(),
  master_info: MasterInfoSchema.optional(),
});

const SchedulerEventDef = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("SUBSCRIBED"), subscribed: SubscribedEventPayloadSchema }),
  z.looseObject({
    type: z.literal("OFFERS"),
    offers: z.looseObject({ offers: z.array(OfferSchema).optional() }),
  }),
  z.looseObject({
    type: z.literal("INVERSE_OFFERS"),
    inverse_offers: z.looseObject({ inverse_offers: z.array(InverseOfferSchema).optional() }),
  }),
  z.looseObject({ type: z.literal("RESCIND"), rescind: z.looseObject({ offer_id: IdSchema }) }),
  z.looseObject({
    type: z.literal("RESCIND_INVERSE_OFFER"),
    rescind_inverse_offer: z.looseObject({ inverse_offer_id: IdSchema }),
  }),
  z.looseObject({ type: z.literal("UPDATE"), update: z.looseObject({ status: TaskStatusSchema }) }),
  z.looseObject({
    type: z.literal("UPDATE_OPERATION_STATUS"),
    update_operation_status: z.looseObject({ status: OperationStatusSchema }),
  }),
  z.looseObject({
    type: z.literal("MESSAGE"),
    message: z.looseObject({ agent_id: IdSchema, executor_id: IdSchema, data: BytesSchema }),
  }),
  z.looseObject({
    type: z.literal("FAILURE"),
    failure: z.looseObject({
      agent_id: IdSchema.optional(),
      executor_id: IdSchema.optional(),
      status: z.int().optional(),
    }),
  }),
  z
    .looseObject({
      type: z.literal("ERROR"),
      error: z.looseObject({ message: z.string() }).optional(),
      message: z.string().optional(),
    })
    .check((ctx) => {
      if (ctx.value.error === undefined && ctx.value.message === undefined) {
        ctx.issues.push({
          code: "custom",
          input: ctx.value,
          path: ["error"],
          message: "an ERROR event needs error.message (or a top-level message)",
        });
      }
    }),
  z.looseObject({ type: z.literal("HEARTBEAT") }),
]);
/** What {@link SchedulerEventSchema} parses to. */
export type SchedulerEvent = z.output<typeof SchedulerEventDef>;
/** What {@link SchedulerEventSchema} accepts. */
export type SchedulerEventInput = z.input<typeof SchedulerEventDef>;
/**
 * A scheduler `Event` (scheduler.proto, API.md §3), discriminated on `type`, payload under the lower-cased type name.
 * `ERROR` carries its text as `error.message` (proto) or as a top-level `message` (the docs' example): both are
 * accepted, at least one is required; read it with {@link schedulerErrorMessage}. Loose: unknown fields survive.
 */
export const SchedulerEventSchema: z.ZodType<SchedulerEvent, SchedulerEventInput> = fast(SchedulerEventDef);
/** The scheduler event of one `type`, e.g. `SchedulerEventOf<"OFFERS">`. */
export type SchedulerEventOf<T extends SchedulerEvent["type"]> = Extract<SchedulerEvent, { type: T }>;

/** The text of an `ERROR` event, wherever it is (`error.message` or top-level `message`). */
export function schedulerErrorMessage(event: SchedulerEventOf<"ERROR">): string {
  return event.error?.message ?? event.message ?? "";
}
