/**
 * Building blocks of the Mesos v1 JSON messages: 64-bit integers, ids, times, values and resources, labels.
 *
 * Conventions of every schema under `mesos/schemas/` (source of truth: `include/mesos/v1/*.proto` at apache/mesos
 * `c1b42f79d157`, summarised in `shared/specs/mesos/API.md`; the proto message is cited in each TSDoc line):
 * - Field names are the proto names in snake_case, enums their names as strings (API.md §1).
 * - Messages are `z.looseObject`: fields this SDK does not model survive parsing, and the same schema reads a master's
 *   answer and checks what we send. Proto `required` fields are required; `optional`/`repeated` ones may be absent.
 *   No defaults and no transforms are added, except that int64 fields always come out as `bigint` ({@link Int64Schema}).
 * - The envelopes of requests (scheduler/operator/executor `Call`s and their payloads) are `z.strictObject`, so a
 *   misspelt field is an error rather than silently ignored by the master.
 * - Enums whose set of values is fixed by the (frozen) protos and matters to callers are checked (`TaskState`,
 *   `Value.Type`, `ContainerInfo.Type`, ...); the open-ended ones (reasons, capabilities) are plain strings.
 * - Speed (big GET_STATE answers, busy event streams): the small, frequent leaves (ids, labels, scalars, IP addresses,
 *   network infos, container statuses) are `z.custom` predicates that return the value itself (`checks.ts`), and the
 *   big response/event schemas are wrapped by `fast()` (`fast.ts`), which checks valid input without zod's copies
 *   and falls back to zod for the exact errors. Exported schemas are typed `z.ZodType<T, TInput>` with named
 *   interfaces, which keeps the published declarations small.
 */
import { z } from "zod";
import {
  checked,
  isAllocationInfo,
  isContainerId,
  isId,
  isInt,
  isLabels,
  isParameter,
  isRecord,
  isScalar,
  optArrayOf,
} from "./checks.js";

// ---------------------------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------------------------

/**
 * A proto `int64`/`uint64` field. Accepts a JSON number (integral) or a `bigint` (what `parseMesosJson` returns for
 * values beyond 2^53) and always outputs a `bigint`, so callers see one type whatever the size. Write requests
 * containing bigints with `stringifyMesosJson`.
 */
export const Int64Schema = z
  .union([z.bigint(), z.number().refine(Number.isInteger, { error: "expected an integer" })])
  .transform((v): bigint => (typeof v === "bigint" ? v : BigInt(v)));
/** What {@link Int64Schema} accepts: a number or a bigint. */
export type Int64Input = z.input<typeof Int64Schema>;

/** A proto `uint32`/`int32` field (ports, counts, exit codes). */
export const Int32Schema = z.int();

// ---------------------------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------------------------

/** What {@link IdSchema} parses to: `{ value }` (other fields kept). */
export interface Id {
  value: string;
  [key: string]: unknown;
}
/**
 * The `{ value }` id messages (`FrameworkID`, `AgentID`, `TaskID`, `OfferID`, `ExecutorID`, `OperationID`, ...).
 * Checked by one predicate and returned as is (see `checks.ts`).
 */
export const IdSchema = checked<Id>(isId, "an id object { value: string }");

/** `FrameworkID` (mesos.proto). */
export const FrameworkIdSchema = IdSchema;
/** `AgentID` (mesos.proto). */
export const AgentIdSchema = IdSchema;
/** `TaskID` (mesos.proto). */
export const TaskIdSchema = IdSchema;
/** `OfferID` (mesos.proto). */
export const OfferIdSchema = IdSchema;
/** `ExecutorID` (mesos.proto). */
export const ExecutorIdSchema = IdSchema;
/** `OperationID` (mesos.proto). */
export const OperationIdSchema = IdSchema;
/** `ResourceProviderID` (mesos.proto). */
export const ResourceProviderIdSchema = IdSchema;

/** `ContainerID` (mesos.proto): `{ value, parent? }`, nested containers chain their parents. */
export interface ContainerId {
  value: string;
  parent?: ContainerId | undefined;
  [key: string]: unknown;
}
/** `ContainerID` (mesos.proto). Checked by one predicate. */
export const ContainerIdSchema = checked<ContainerId>(isContainerId, "a container id { value, parent? }");

/** `UUID` (mesos.proto): `{ value }` with `value` Base64 (operations use it; task status `uuid` is bare bytes). */
export const UuidSchema = z.looseObject({ value: z.string() });

/** A proto `bytes` field: a Base64 string (API.md §1). Not decoded, not checked (doc examples omit the padding). */
export const BytesSchema = z.string();

// ---------------------------------------------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------------------------------------------

/** `TimeInfo` (mesos.proto): nanoseconds since the epoch, exact. */
export const TimeInfoSchema = z.looseObject({ nanoseconds: Int64Schema });
/** What {@link TimeInfoSchema} parses to. */
export type TimeInfo = z.infer<typeof TimeInfoSchema>;

/** `DurationInfo` (mesos.proto): a duration in nanoseconds, exact. */
export const DurationInfoSchema = z.looseObject({ nanoseconds: Int64Schema });
/** What {@link DurationInfoSchema} parses to. */
export type DurationInfo = z.infer<typeof DurationInfoSchema>;

/** `google.protobuf.Duration` as Mesos' JSON writes it (`DRAIN_AGENT.max_grace_period`): `{ seconds, nanos? }`. */
export const ProtobufDurationSchema = z.looseObject({
  seconds: Int64Schema.optional(),
  nanos: z.int().optional(),
});

/** `Unavailability` (mesos.proto): a maintenance window. */
export const UnavailabilitySchema = z.looseObject({
  start: TimeInfoSchema,
  duration: DurationInfoSchema.optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Labels, parameters, addresses
// ---------------------------------------------------------------------------------------------------------------

/** `Label` (mesos.proto). */
export interface Label {
  key: string;
  value?: string | undefined;
  [key: string]: unknown;
}
/** `Label` (mesos.proto). */
export const LabelSchema = z.looseObject({ key: z.string(), value: z.string().optional() });
/** `Labels` (mesos.proto). */
export interface Labels {
  labels?: Label[] | undefined;
  [key: string]: unknown;
}
/** `Labels` (mesos.proto): `{ labels: [{ key, value }] }`. Checked by one predicate. */
export const LabelsSchema = checked<Labels>(isLabels, "labels { labels: [{ key, value? }] }");

/** `Parameter` (mesos.proto). */
export interface Parameter {
  key: string;
  value: string;
  [key: string]: unknown;
}
/** `Parameter` (mesos.proto): `{ key, value }`, e.g. a `docker run --key=value` option. Checked by one predicate. */
export const ParameterSchema = checked<Parameter>(isParameter, "a parameter { key, value }");
/** `Parameters` (mesos.proto). */
export const ParametersSchema = z.looseObject({ parameter: z.array(ParameterSchema).optional() });

/** `Address` (mesos.proto). */
export const AddressSchema = z.looseObject({
  hostname: z.string().optional(),
  ip: z.string().optional(),
  port: z.int(),
});

/** `URL` (mesos.proto). */
export const UrlSchema = z.looseObject({
  scheme: z.string(),
  address: AddressSchema,
  path: z.string().optional(),
  query: z.array(ParameterSchema).optional(),
  fragment: z.string().optional(),
});

/** `DomainInfo` (mesos.proto): fault domain (region/zone). */
export const DomainInfoSchema = z.looseObject({
  fault_domain: z
    .looseObject({
      region: z.looseObject({ name: z.string() }),
      zone: z.looseObject({ name: z.string() }),
    })
    .optional(),
});

/** `MachineID` (mesos.proto). */
export const MachineIdSchema = z.looseObject({ hostname: z.string().optional(), ip: z.string().optional() });

// ---------------------------------------------------------------------------------------------------------------
// Values, resources, attributes
// ---------------------------------------------------------------------------------------------------------------

/** `Value.Type` (mesos.proto). TEXT only appears in attributes. */
export const VALUE_TYPES = ["SCALAR", "RANGES", "SET", "TEXT"] as const;
/** `Value.Type` (mesos.proto). */
export const ValueTypeSchema = z.enum(VALUE_TYPES);
/** A `Value.Type` name. */
export type ValueType = z.infer<typeof ValueTypeSchema>;

/** `Value.Scalar` (mesos.proto). */
export interface Scalar {
  value: number;
  [key: string]: unknown;
}
/** `Value.Scalar` (mesos.proto): `{ value }`, a double. Checked by one predicate. */
export const ScalarSchema = checked<Scalar>(isScalar, "a scalar { value: number }");
/** `Value.Range` (mesos.proto): inclusive `uint64` bounds (always `bigint` after parsing). */
export const RangeSchema = z.looseObject({ begin: Int64Schema, end: Int64Schema });

const isInt64 = (v: unknown): boolean => typeof v === "bigint" || isInt(v);
const isRangeInput = (v: unknown): boolean => isRecord(v) && isInt64(v.begin) && isInt64(v.end);

/** What {@link RangesSchema} accepts. */
export interface RangesInput {
  range?: { begin: number | bigint; end: number | bigint; [key: string]: unknown }[] | undefined;
  [key: string]: unknown;
}
/** What {@link RangesSchema} parses to. */
export interface Ranges {
  range?: { begin: bigint; end: bigint; [key: string]: unknown }[] | undefined;
  [key: string]: unknown;
}
/**
 * `Value.Ranges` (mesos.proto): `{ range: [{ begin, end }] }`, bounds as `bigint` after parsing (like
 * {@link RangeSchema}). Checked by one predicate, then copied once with the bounds converted.
 */
export const RangesSchema = checked<RangesInput>(
  (v) => isRecord(v) && optArrayOf(v.range, isRangeInput),
  "ranges { range: [{ begin, end }] } with integer bounds",
).transform(
  (r): Ranges =>
    r.range === undefined
      ? (r as Ranges)
      : { ...r, range: r.range.map((x) => ({ ...x, begin: BigInt(x.begin), end: BigInt(x.end) })) },
);
/** `Value.Set` (mesos.proto): `{ item: [...] }`. */
export const SetSchema = z.looseObject({ item: z.array(z.string()).optional() });
/** `Value.Text` (mesos.proto). */
export const TextSchema = z.looseObject({ value: z.string() });

/** `Resource.AllocationInfo` (mesos.proto): `{ role }`. Checked by one predicate. */
export const AllocationInfoSchema = checked<{ role?: string | undefined; [key: string]: unknown }>(
  isAllocationInfo,
  "allocation info { role? }",
);

/** `Resource.ReservationInfo` (mesos.proto). */
export const ReservationInfoSchema = z.looseObject({
  type: z.string().optional(),
  role: z.string().optional(),
  principal: z.string().optional(),
  labels: LabelsSchema.optional(),
});

/** `Resource.DiskInfo` (mesos.proto): persistence, volume and source of a disk resource; loosely modelled. */
export const DiskInfoSchema = z.looseObject({
  persistence: z.looseObject({ id: z.string(), principal: z.string().optional() }).optional(),
  volume: z.looseObject({ container_path: z.string(), mode: z.string() }).optional(),
  source: z.looseObject({ type: z.string() }).optional(),
});

const ResourceDef = z.looseObject({
  name: z.string(),
  type: ValueTypeSchema,
  scalar: ScalarSchema.optional(),
  ranges: RangesSchema.optional(),
  set: SetSchema.optional(),
  role: z.string().optional(),
  allocation_info: AllocationInfoSchema.optional(),
  reservation: ReservationInfoSchema.optional(),
  reservations: z.array(ReservationInfoSchema).optional(),
  disk: DiskInfoSchema.optional(),
  provider_id: IdSchema.optional(),
  revocable: z.looseObject({}).optional(),
  shared: z.looseObject({}).optional(),
});
/** What {@link ResourceSchema} parses to. */
export interface Resource extends z.output<typeof ResourceDef> {}
/** What {@link ResourceSchema} accepts. */
export interface ResourceInput extends z.input<typeof ResourceDef> {}
/**
 * `Resource` (mesos.proto, API.md §7): `{ name, type, scalar | ranges | set, role?, allocation_info?, reservations?,
 * disk?, provider_id?, revocable?, shared? }`. Standard names: `cpus`, `mem` (MB), `disk` (MB), `ports`, `gpus`.
 */
export const ResourceSchema: z.ZodType<Resource, ResourceInput> = ResourceDef;

const AttributeDef = z.looseObject({
  name: z.string(),
  type: ValueTypeSchema,
  scalar: ScalarSchema.optional(),
  ranges: RangesSchema.optional(),
  set: SetSchema.optional(),
  text: TextSchema.optional(),
});
/** What {@link AttributeSchema} parses to. */
export interface Attribute extends z.output<typeof AttributeDef> {}
/** What {@link AttributeSchema} accepts. */
export interface AttributeInput extends z.input<typeof AttributeDef> {}
/** `Attribute` (mesos.proto, API.md §7): `{ name, type, text | scalar | ranges | set }` on agents and offers. */
export const AttributeSchema: z.ZodType<Attribute, AttributeInput> = AttributeDef;

/**
 * A `map<string, Value.Scalar>` field such as `TaskInfo.limits`. The docs also show bare numbers and the string
 * `"Infinity"` (API.md §1); all three forms are accepted.
 */
export const ScalarMapSchema = z.record(
  z.string(),
  z.union([ScalarSchema, z.number(), z.literal("Infinity")]),
);

// ---------------------------------------------------------------------------------------------------------------
// Small info messages
// ---------------------------------------------------------------------------------------------------------------

/** `VersionInfo` (mesos.proto): `GET_VERSION.version_info`. */
export const VersionInfoSchema = z.looseObject({
  version: z.string(),
  build_date: z.string().optional(),
  build_time: z.number().optional(),
  build_user: z.string().optional(),
  git_sha: z.string().optional(),
  git_branch: z.string().optional(),
  git_tag: z.string().optional(),
});

/** `Flag` (mesos.proto): `{ name, value }`. */
export const FlagSchema = z.looseObject({ name: z.string(), value: z.string().optional() });

/** `WeightInfo` (mesos.proto). */
export const WeightInfoSchema = z.looseObject({ weight: z.number(), role: z.string().optional() });

/** `Metric` (mesos.proto). */
export const MetricSchema = z.looseObject({ name: z.string(), value: z.number().optional() });

/** `FileInfo` (mesos.proto): an entry of `LIST_FILES`. */
export const FileInfoSchema = z.looseObject({
  path: z.string(),
  nlink: z.int().optional(),
  size: Int64Schema.optional(),
  mtime: TimeInfoSchema.optional(),
  mode: z.int().optional(),
  uid: z.string().optional(),
  gid: z.string().optional(),
});

/** `Role` (mesos.proto): an entry of `GET_ROLES`. */
export const RoleSchema = z.looseObject({
  name: z.string(),
  weight: z.number(),
  frameworks: z.array(IdSchema).optional(),
  resources: z.array(ResourceSchema).optional(),
});
