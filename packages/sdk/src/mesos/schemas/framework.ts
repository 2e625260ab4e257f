/**
 * Frameworks, masters, agents, offers and offer operations. Source: `include/mesos/v1/mesos.proto` and
 * `include/mesos/v1/scheduler/scheduler.proto`; API.md §3, §6 and §7.
 */
import { z } from "zod";
import {
  AllocationInfoSchema,
  AttributeSchema,
  DomainInfoSchema,
  IdSchema,
  LabelsSchema,
  ResourceSchema,
  ScalarSchema,
  UnavailabilitySchema,
  UrlSchema,
  UuidSchema,
} from "./common.js";
import { ExecutorInfoSchema, TaskGroupInfoSchema, TaskInfoSchema } from "./task.js";

// ---------------------------------------------------------------------------------------------------------------
// Frameworks
// ---------------------------------------------------------------------------------------------------------------

/** `FrameworkInfo.Capability.Type` values (mesos.proto), for reference; the schemas accept any string. */
export const FRAMEWORK_CAPABILITIES = [
  "REVOCABLE_RESOURCES",
  "TASK_KILLING_STATE",
  "GPU_RESOURCES",
  "SHARED_RESOURCES",
  "PARTITION_AWARE",
  "MULTI_ROLE",
  "RESERVATION_REFINEMENT",
  "REGION_AWARE",
] as const;

/** `OfferFilters` (mesos.proto): per-role minimum allocatable resources. */
export const OfferFiltersSchema = z.looseObject({
  min_allocatable_resources: z
    .looseObject({
      quantities: z
        .array(z.looseObject({ quantities: z.record(z.string(), ScalarSchema).optional() }))
        .optional(),
    })
    .optional(),
});

const FrameworkInfoDef = z.looseObject({
  user: z.string(),
  name: z.string(),
  id: IdSchema.optional(),
  failover_timeout: z.number().optional(),
  checkpoint: z.boolean().optional(),
  role: z.string().optional(),
  roles: z.array(z.string()).optional(),
  hostname: z.string().optional(),
  principal: z.string().optional(),
  webui_url: z.string().optional(),
  capabilities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
  labels: LabelsSchema.optional(),
  offer_filters: z.record(z.string(), OfferFiltersSchema).optional(),
});
/** What {@link FrameworkInfoSchema} parses to. */
export interface FrameworkInfo extends z.output<typeof FrameworkInfoDef> {}
/** What {@link FrameworkInfoSchema} accepts. */
export interface FrameworkInfoInput extends z.input<typeof FrameworkInfoDef> {}
/**
 * `FrameworkInfo` (mesos.proto, API.md §3): `user` and `name` are required; `id` is set when re-subscribing;
 * `failover_timeout` in seconds (0 ⇒ tasks are killed as soon as the scheduler disconnects); `roles` with the
 * `MULTI_ROLE` capability, else the deprecated `role`.
 */
export const FrameworkInfoSchema: z.ZodType<FrameworkInfo, FrameworkInfoInput> = FrameworkInfoDef;

// ---------------------------------------------------------------------------------------------------------------
// Masters and agents
// ---------------------------------------------------------------------------------------------------------------

const MasterInfoDef = z.looseObject({
  id: z.string(),
  ip: z.int(),
  port: z.int(),
  pid: z.string().optional(),
  hostname: z.string().optional(),
  version: z.string().optional(),
  address: z
    .looseObject({ hostname: z.string().optional(), ip: z.string().optional(), port: z.int() })
    .optional(),
  domain: DomainInfoSchema.optional(),
  capabilities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});
/** What {@link MasterInfoSchema} parses to. */
export interface MasterInfo extends z.output<typeof MasterInfoDef> {}
/** What {@link MasterInfoSchema} accepts. */
export interface MasterInfoInput extends z.input<typeof MasterInfoDef> {}
/**
 * `MasterInfo` (mesos.proto, API.md §6): also the content of the ZooKeeper `json.info_*` nodes. `ip` is the IPv4
 * address in network byte order read as a little-endian uint32; prefer `address`.
 */
export const MasterInfoSchema: z.ZodType<MasterInfo, MasterInfoInput> = MasterInfoDef;

const AgentInfoDef = z.looseObject({
  hostname: z.string(),
  port: z.int().optional(),
  resources: z.array(ResourceSchema).optional(),
  attributes: z.array(AttributeSchema).optional(),
  id: IdSchema.optional(),
  domain: DomainInfoSchema.optional(),
});
/** What {@link AgentInfoSchema} parses to. */
export interface AgentInfo extends z.output<typeof AgentInfoDef> {}
/** What {@link AgentInfoSchema} accepts. */
export interface AgentInfoInput extends z.input<typeof AgentInfoDef> {}
/** `AgentInfo` (mesos.proto): `hostname` is required; `port` defaults to 5051. */
export const AgentInfoSchema: z.ZodType<AgentInfo, AgentInfoInput> = AgentInfoDef;

// ---------------------------------------------------------------------------------------------------------------
// Offers
// ---------------------------------------------------------------------------------------------------------------

const OfferDef = z.looseObject({
  id: IdSchema,
  framework_id: IdSchema,
  agent_id: IdSchema,
  hostname: z.string(),
  url: UrlSchema.optional(),
  domain: DomainInfoSchema.optional(),
  resources: z.array(ResourceSchema).optional(),
  attributes: z.array(AttributeSchema).optional(),
  executor_ids: z.array(IdSchema).optional(),
  unavailability: UnavailabilitySchema.optional(),
  allocation_info: AllocationInfoSchema.optional(),
});
/** What {@link OfferSchema} parses to. */
export interface Offer extends z.output<typeof OfferDef> {}
/** What {@link OfferSchema} accepts. */
export interface OfferInput extends z.input<typeof OfferDef> {}
/**
 * `Offer` (mesos.proto, API.md §3): resources of one agent offered to one framework, with the agent's attributes.
 */
export const OfferSchema: z.ZodType<Offer, OfferInput> = OfferDef;

const InverseOfferDef = z.looseObject({
  id: IdSchema,
  url: UrlSchema.optional(),
  framework_id: IdSchema,
  agent_id: IdSchema.optional(),
  unavailability: UnavailabilitySchema,
  resources: z.array(ResourceSchema).optional(),
});
/** What {@link InverseOfferSchema} parses to. */
export interface InverseOffer extends z.output<typeof InverseOfferDef> {}
/** What {@link InverseOfferSchema} accepts. */
export interface InverseOfferInput extends z.input<typeof InverseOfferDef> {}
/** `InverseOffer` (mesos.proto): a request to give resources back for maintenance. */
export const InverseOfferSchema: z.ZodType<InverseOffer, InverseOfferInput> = InverseOfferDef;

/**
 * `Filters` (mesos.proto): `{ refuse_seconds }` — how long the master should not re-offer declined resources
 * (default 5 s, capped at one year). Request side, strict.
 */
export const FiltersSchema = z.strictObject({ refuse_seconds: z.number().min(0).optional() });
/** What {@link FiltersSchema} parses to. */
export type Filters = z.infer<typeof FiltersSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Offer operations
// ---------------------------------------------------------------------------------------------------------------

/** `Offer.Operation.Type` values (mesos.proto). */
export const OPERATION_TYPES = [
  "LAUNCH",
  "LAUNCH_GROUP",
  "RESERVE",
  "UNRESERVE",
  "CREATE",
  "DESTROY",
  "GROW_VOLUME",
  "SHRINK_VOLUME",
  "CREATE_DISK",
  "DESTROY_DISK",
] as const;

const resources = z.array(ResourceSchema);

const OperationDef = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("LAUNCH"),
    id: IdSchema.optional(),
    launch: z.looseObject({ task_infos: z.array(TaskInfoSchema) }),
  }),
  z.strictObject({
    type: z.literal("LAUNCH_GROUP"),
    id: IdSchema.optional(),
    launch_group: z.looseObject({ executor: ExecutorInfoSchema, task_group: TaskGroupInfoSchema }),
  }),
  z.strictObject({
    type: z.literal("RESERVE"),
    id: IdSchema.optional(),
    reserve: z.looseObject({ source: resources.optional(), resources: resources.optional() }),
  }),
  z.strictObject({
    type: z.literal("UNRESERVE"),
    id: IdSchema.optional(),
    unreserve: z.looseObject({ resources: resources.optional() }),
  }),
  z.strictObject({
    type: z.literal("CREATE"),
    id: IdSchema.optional(),
    create: z.looseObject({ volumes: resources.optional() }),
  }),
  z.strictObject({
    type: z.literal("DESTROY"),
    id: IdSchema.optional(),
    destroy: z.looseObject({ volumes: resources.optional() }),
  }),
  z.strictObject({
    type: z.literal("GROW_VOLUME"),
    id: IdSchema.optional(),
    grow_volume: z.looseObject({ volume: ResourceSchema, addition: ResourceSchema }),
  }),
  z.strictObject({
    type: z.literal("SHRINK_VOLUME"),
    id: IdSchema.optional(),
    shrink_volume: z.looseObject({ volume: ResourceSchema, subtract: ScalarSchema }),
  }),
  z.strictObject({
    type: z.literal("CREATE_DISK"),
    id: IdSchema.optional(),
    create_disk: z.looseObject({
      source: ResourceSchema,
      target_type: z.string(),
      target_profile: z.string().optional(),
    }),
  }),
  z.strictObject({
    type: z.literal("DESTROY_DISK"),
    id: IdSchema.optional(),
    destroy_disk: z.looseObject({ source: ResourceSchema }),
  }),
]);
/** What {@link OperationSchema} parses to. */
export type Operation = z.output<typeof OperationDef>;
/** What {@link OperationSchema} accepts. */
export type OperationInput = z.input<typeof OperationDef>;
/**
 * `Offer.Operation` (mesos.proto, API.md §3): what `ACCEPT` does with offered resources, discriminated on `type`.
 * LAUNCH (`launch.task_infos`, each a valid {@link TaskInfoSchema}) and LAUNCH_GROUP (`launch_group.executor` and
 * `task_group`) are fully modelled; the reservation and volume operations are checked for their required fields
 * only. `id` (non-launch operations) asks for operation status updates. The envelope is strict.
 */
export const OperationSchema: z.ZodType<Operation, OperationInput> = OperationDef;

/** `OperationState` values (mesos.proto). */
export const OPERATION_STATES = [
  "OPERATION_UNSUPPORTED",
  "OPERATION_PENDING",
  "OPERATION_FINISHED",
  "OPERATION_FAILED",
  "OPERATION_ERROR",
  "OPERATION_DROPPED",
  "OPERATION_UNREACHABLE",
  "OPERATION_GONE_BY_OPERATOR",
  "OPERATION_RECOVERING",
  "OPERATION_UNKNOWN",
] as const;

const OperationStatusDef = z.looseObject({
  operation_id: IdSchema.optional(),
  state: z.string(),
  message: z.string().optional(),
  converted_resources: resources.optional(),
  uuid: UuidSchema.optional(),
  agent_id: IdSchema.optional(),
  resource_provider_id: IdSchema.optional(),
});
/** What {@link OperationStatusSchema} parses to. */
export interface OperationStatus extends z.output<typeof OperationStatusDef> {}
/** What {@link OperationStatusSchema} accepts. */
export interface OperationStatusInput extends z.input<typeof OperationStatusDef> {}
/**
 * `OperationStatus` (mesos.proto): `uuid` is a `UUID` message `{ value }` (unlike `TaskStatus.uuid`, bare bytes).
 */
export const OperationStatusSchema: z.ZodType<OperationStatus, OperationStatusInput> = OperationStatusDef;

const OperationRecordDef = z.looseObject({
  framework_id: IdSchema.optional(),
  agent_id: IdSchema.optional(),
  info: OperationSchema,
  latest_status: OperationStatusSchema,
  statuses: z.array(OperationStatusSchema).optional(),
  uuid: UuidSchema,
});
/** What {@link OperationRecordSchema} parses to. */
export interface OperationRecord extends z.output<typeof OperationRecordDef> {}
/** What {@link OperationRecordSchema} accepts. */
export interface OperationRecordInput extends z.input<typeof OperationRecordDef> {}
/** `Operation` (mesos.proto): an offer operation with its status history, as `GET_OPERATIONS` lists it. */
export const OperationRecordSchema: z.ZodType<OperationRecord, OperationRecordInput> = OperationRecordDef;

const OfferConstraintsDef = z.looseObject({
  role_constraints: z
    .record(
      z.string(),
      z.looseObject({
        groups: z
          .array(
            z.looseObject({
              attribute_constraints: z
                .array(z.looseObject({ selector: z.looseObject({}), predicate: z.looseObject({}) }))
                .optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
});
/** What {@link OfferConstraintsSchema} parses to. */
export interface OfferConstraints extends z.output<typeof OfferConstraintsDef> {}
/** What {@link OfferConstraintsSchema} accepts. */
export interface OfferConstraintsInput extends z.input<typeof OfferConstraintsDef> {}
/** `OfferConstraints` (scheduler.proto): per-role attribute constraints on offers; loosely modelled. */
export const OfferConstraintsSchema: z.ZodType<OfferConstraints, OfferConstraintsInput> = OfferConstraintsDef;
