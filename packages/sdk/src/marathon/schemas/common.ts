/**
 * Building blocks shared by the Marathon v2 schemas: ids, labels, ports, constraints, environment variables,
 * secrets, artifacts, networks and the other small RAML types used by apps, pods and groups.
 *
 * Two families live side by side:
 * - request schemas (`...DefinitionSchema`): what we send. They follow the upstream constraints (patterns, minimums,
 *   enums) and are `z.strictObject` where upstream `schema/AppDefinition.json` says `additionalProperties: false`,
 *   `z.looseObject` where upstream leaves objects open (RAML object types are open by default);
 * - response schemas (plain names): what Marathon returns. They are `z.looseObject` all the way down so that fields
 *   this SDK does not know survive parsing, they do not check patterns or enum values (newer servers add values), and
 *   they never add defaults or transforms.
 *
 * Source of truth: `shared/specs/marathon/raml/v2/types/*.raml` (RAML type names are cited in each TSDoc line).
 */
import { z } from "zod";

// ---------------------------------------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------------------------------------

/**
 * The app/group id pattern exactly as written in upstream `schema/AppDefinition.json` (`definitions.pathType`) and
 * `schema/Group.json`. Kept for reference and for the equivalence test; do not use it to validate untrusted input:
 * it backtracks exponentially on long runs of `/`.
 */
export const UPSTREAM_PATH_ID_PATTERN = /^(\/?((\.{2})|([a-z0-9][a-z0-9\-.]*[a-z0-9]+)|([a-z0-9]*))($|\/))+$/;

/**
 * The same language as {@link UPSTREAM_PATH_ID_PATTERN}, rewritten so that it cannot backtrack badly: names separated by
 * `/`, each name empty, `..`, or lowercase letters/digits with inner `-`/`.` (not at either end).
 * `schemas/common.test.ts` checks both accept the same strings.
 */
export const PATH_ID_PATTERN =
  /^(?:\.\.|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)?(?:\/(?:\.\.|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)?)*$/;

/** An app, pod or group id (RAML `strings.PathId`; pattern from `AppDefinition.json` `pathType`). Request side. */
export const PathIdSchema = z.string().min(1).regex(PATH_ID_PATTERN, {
  error:
    "must be a path of names separated by '/': lowercase letters, digits, '-' and '.', not starting or ending with '-' or '.'",
});

/** A lowercase DNS-style name (RAML `strings.Name`): container, endpoint and volume names. */
export const NameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

/** Like {@link NameSchema} without the length limit (RAML `strings.LegacyName`): port and readiness-check port names. */
export const LegacyNameSchema = z
  .string()
  .min(1)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);

/** A container network name (RAML `strings.NetworkName`). */
export const NetworkNameSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$/);

/** A URI (RAML `strings.Uri`). */
export const UriSchema = z.string().min(1).max(1024);

/** A timestamp as Marathon writes it (RAML `datetime`), e.g. `2015-09-29T15:59:51.164Z`. Request side. */
export const DateTimeSchema = z.iso.datetime({ offset: true });

/** `{ id }` (RAML `strings.Identifiable`), e.g. the entries of an app's `deployments`. */
export const IdentifiableSchema = z.looseObject({ id: z.string() });
/** What {@link IdentifiableSchema} parses to (RAML `strings.Identifiable`). */
export type Identifiable = z.infer<typeof IdentifiableSchema>;

/** `{ message }` (RAML `strings.Message`), e.g. the body of `DELETE /v2/leader`. */
export const MessageSchema = z.looseObject({ message: z.string() });
/** What {@link MessageSchema} parses to (RAML `strings.Message`). */
export type Message = z.infer<typeof MessageSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------------------------

/** A port number, 0 meaning "assign one" (RAML `numbers.AnyPort`). */
export const AnyPortSchema = z.int().min(0).max(65535);

/** A port number that must be set (RAML `numbers.Port`). */
export const PortSchema = z.int().min(1).max(65535);

/** A non-negative 32-bit integer (RAML `integer`, `format: int32`, `minimum: 0`). */
export const NonNegativeIntSchema = z.int().min(0);

// ---------------------------------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------------------------------

/** Constraint operators (RAML `constraint.ConstraintOperator`). */
export const MARATHON_CONSTRAINT_OPERATORS = [
  "UNIQUE",
  "CLUSTER",
  "GROUP_BY",
  "LIKE",
  "UNLIKE",
  "MAX_PER",
  "IS",
] as const;
/** A constraint operator (RAML `constraint.ConstraintOperator`). */
export const ConstraintOperatorSchema = z.enum(MARATHON_CONSTRAINT_OPERATORS);
/** What {@link ConstraintOperatorSchema} parses to (RAML `constraint.ConstraintOperator`). */
export type ConstraintOperator = z.infer<typeof ConstraintOperatorSchema>;

/** Port protocols (RAML `strings.NetworkProtocol`). */
export const NETWORK_PROTOCOLS = ["tcp", "udp", "udp,tcp"] as const;
/** A port protocol (RAML `strings.NetworkProtocol`). */
export const NetworkProtocolSchema = z.enum(NETWORK_PROTOCOLS);

/** Network modes of the 1.5+ networking API (RAML `network.NetworkMode`). */
export const NETWORK_MODES = ["container", "container/bridge", "host"] as const;
/** A network mode (RAML `network.NetworkMode`). */
export const NetworkModeSchema = z.enum(NETWORK_MODES);

/** HTTP schemes of checks (RAML `strings.HttpScheme`). */
export const HttpSchemeSchema = z.enum(["HTTP", "HTTPS"]);

/** IP protocols (RAML `strings.IpProtocol`). */
export const IpProtocolSchema = z.enum(["IPv4", "IPv6"]);

/** Volume access modes (RAML `strings.ReadMode`). */
export const ReadModeSchema = z.enum(["RO", "RW"]);

/** Which instance is killed first when scaling down (RAML `killSelection.KillSelection`). */
export const KILL_SELECTIONS = ["YOUNGEST_FIRST", "OLDEST_FIRST"] as const;
/** Which instance is killed first (RAML `killSelection.KillSelection`). */
export const KillSelectionSchema = z.enum(KILL_SELECTIONS);

// ---------------------------------------------------------------------------------------------------------------
// Labels, constraints, environment, secrets
// ---------------------------------------------------------------------------------------------------------------

/** Free-form string labels (RAML `label.KVLabels`). Same schema for requests and responses. */
export const KVLabelsSchema = z.record(z.string(), z.string());
/** What {@link KVLabelsSchema} parses to (RAML `label.KVLabels`). */
export type KVLabels = z.infer<typeof KVLabelsSchema>;

/**
 * An app constraint as sent: `[field, OPERATOR]` or `[field, OPERATOR, value]` (RAML `constraint.AppConstraint`,
 * tuple form from `AppDefinition.json`).
 */
export const AppConstraintDefinitionSchema = z.tuple([
  z.string(),
  ConstraintOperatorSchema,
  z.string().optional(),
]);
/** What {@link AppConstraintDefinitionSchema} parses to (RAML `constraint.AppConstraint`). */
export type AppConstraintDefinition = z.infer<typeof AppConstraintDefinitionSchema>;

/** A pod placement constraint (RAML `constraint.Constraint`), request side. */
export const ConstraintDefinitionSchema = z.looseObject({
  fieldName: z.string(),
  operator: ConstraintOperatorSchema,
  value: z.string().optional(),
});

/** A pod placement constraint (RAML `constraint.Constraint`), response side. */
export const ConstraintSchema = z.looseObject({
  fieldName: z.string(),
  operator: z.string(),
  value: z.string().optional(),
});

/** An environment variable set from a secret, as sent (RAML `environmentVariable.EnvVarSecret`). */
export const EnvVarSecretDefinitionSchema = z.strictObject({ secret: z.string().min(1) });

/** App environment as sent (RAML `environmentVariable.LegacyEnvVars`): any name, a string or `{ secret }`. */
export const LegacyEnvVarsDefinitionSchema = z.record(
  z.string(),
  z.union([z.string(), EnvVarSecretDefinitionSchema]),
);

/** Pod/container environment as sent (RAML `environmentVariable.EnvVars`): names must be shell identifiers. */
export const EnvVarsDefinitionSchema = z.record(
  z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]{0,253}$/),
  z.union([z.string(), EnvVarSecretDefinitionSchema]),
);

/** An environment variable set from a secret, as returned (RAML `environmentVariable.EnvVarSecret`). */
export const EnvVarSecretSchema = z.looseObject({ secret: z.string() });
/** What {@link EnvVarSecretSchema} parses to (RAML `environmentVariable.EnvVarSecret`). */
export type EnvVarSecret = z.infer<typeof EnvVarSecretSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Leaf collections of responses
//
// `z.record` and `z.array` copy their input entry by entry, each entry through its own parse call. For the string
// maps and string/number lists that make up much of a `GET /v2/apps` response (labels, env, constraints, ports, ...)
// that copying is most of the parse time and buys nothing: response schemas never transform. These schemas check the
// same thing with one predicate and hand the value through unchanged (about 20% of the parse time of the benchmark in
// `bench/marathon-parse.bench.mjs`). The price: an issue names the field, not the entry, and these schemas have no
// `z.toJSONSchema` form. Request schemas keep `z.record`/`z.array`, whose issues point at the exact entry.
// ---------------------------------------------------------------------------------------------------------------

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number";
const everyValue = (v: Record<string, unknown>, test: (x: unknown) => boolean): boolean => {
  for (const key in v) if (!test(v[key])) return false;
  return true;
};
const isEnvValue = (v: unknown): boolean =>
  typeof v === "string" || (isObject(v) && typeof v.secret === "string");

/** A string-to-string map as returned, e.g. labels (RAML `label.KVLabels`). Checked by one predicate, not copied. */
export const StringMapSchema = z.custom<Record<string, string>>(
  (v) => isObject(v) && everyValue(v, isString),
  {
    error: "expected an object whose values are strings",
  },
);

/** A list of strings as returned (RAML `string[]` properties, e.g. `dependencies`, `args`). Checked by one predicate. */
export const StringListSchema = z.custom<string[]>((v) => Array.isArray(v) && v.every(isString), {
  error: "expected an array of strings",
});

/** A list of numbers as returned (RAML `integer[]` properties, e.g. `ports`). Checked by one predicate. */
export const NumberListSchema = z.custom<number[]>((v) => Array.isArray(v) && v.every(isNumber), {
  error: "expected an array of numbers",
});

/** App constraints as returned (RAML `constraint.AppConstraint[]`): string arrays, operators not checked. */
export const AppConstraintListSchema = z.custom<string[][]>(
  (v) => Array.isArray(v) && v.every((c) => Array.isArray(c) && c.every(isString)),
  { error: "expected an array of string arrays" },
);

/**
 * Environment as returned (RAML `environmentVariable.LegacyEnvVars` / `EnvVars`): values are strings or
 * `{ secret }` objects ({@link EnvVarSecretSchema}). Checked by one predicate, not copied.
 */
export const EnvVarsSchema = z.custom<Record<string, string | EnvVarSecret>>(
  (v) => isObject(v) && everyValue(v, isEnvValue),
  { error: "expected an object whose values are strings or { secret } objects" },
);
/** What {@link EnvVarsSchema} parses to (RAML `environmentVariable.LegacyEnvVars`). */
export type EnvVars = z.infer<typeof EnvVarsSchema>;

/** Secret declarations as sent (RAML `secrets.Secrets` of `secrets.SecretDef`). */
export const SecretsDefinitionSchema = z.record(z.string(), z.strictObject({ source: z.string().min(1) }));

/** Secret declarations as returned (RAML `secrets.Secrets` of `secrets.SecretDef`). */
export const SecretsSchema = z.record(z.string(), z.looseObject({ source: z.string() }));
/** What {@link SecretsSchema} parses to (RAML `secrets.Secrets`). */
export type Secrets = z.infer<typeof SecretsSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Artifacts, strategies, version info
// ---------------------------------------------------------------------------------------------------------------

/** A URI fetched into the sandbox before launch, as sent (RAML `artifact.Artifact`). */
export const ArtifactDefinitionSchema = z.strictObject({
  uri: UriSchema,
  extract: z.boolean().optional(),
  executable: z.boolean().optional(),
  cache: z.boolean().optional(),
  destPath: z.string().min(1).max(1024).optional(),
});
/** What {@link ArtifactDefinitionSchema} parses to (RAML `artifact.Artifact`). */
export type ArtifactDefinition = z.infer<typeof ArtifactDefinitionSchema>;

/** A fetched URI, as returned (RAML `artifact.Artifact`). */
export const ArtifactSchema = z.looseObject({
  uri: z.string(),
  extract: z.boolean().optional(),
  executable: z.boolean().optional(),
  cache: z.boolean().optional(),
  destPath: z.string().optional(),
});
/** What {@link ArtifactSchema} parses to (RAML `artifact.Artifact`). */
export type Artifact = z.infer<typeof ArtifactSchema>;

/** Unreachable-instance handling as sent (RAML `unreachableStrategy.UnreachableStrategy`): `"disabled"` or timings. */
export const UnreachableStrategyDefinitionSchema = z.union([
  z.literal("disabled"),
  z.strictObject({
    inactiveAfterSeconds: NonNegativeIntSchema.optional(),
    expungeAfterSeconds: z.number().min(0).optional(),
  }),
]);

/**
 * Unreachable-instance handling as returned (RAML `unreachableStrategy.UnreachableStrategy`): timings, or a string
 * such as `"disabled"`. The object form is tried first because it is the common one.
 */
export const UnreachableStrategySchema = z.union([
  z.looseObject({
    inactiveAfterSeconds: z.number().optional(),
    expungeAfterSeconds: z.number().optional(),
  }),
  z.string(),
]);
/** What {@link UnreachableStrategySchema} parses to (RAML `unreachableStrategy.UnreachableStrategy`). */
export type UnreachableStrategy = z.infer<typeof UnreachableStrategySchema>;

/** Detailed version information (RAML `versionInfo.VersionInfo`), as returned. */
export const VersionInfoSchema = z.looseObject({
  lastScalingAt: z.string().optional(),
  lastConfigChangeAt: z.string().optional(),
});
/** What {@link VersionInfoSchema} parses to (RAML `versionInfo.VersionInfo`). */
export type VersionInfo = z.infer<typeof VersionInfoSchema>;

/** Detailed version information as echoed back in a request (RAML `versionInfo.VersionInfo`; read-only). */
export const VersionInfoDefinitionSchema = z.strictObject({
  lastScalingAt: DateTimeSchema.optional(),
  lastConfigChangeAt: DateTimeSchema.optional(),
});

// ---------------------------------------------------------------------------------------------------------------
// Networks
// ---------------------------------------------------------------------------------------------------------------

/** A network to join, as sent (RAML `network.Network`; open object upstream). */
export const NetworkDefinitionSchema = z.looseObject({
  name: NetworkNameSchema.optional(),
  mode: NetworkModeSchema.optional(),
  labels: KVLabelsSchema.optional(),
});
/** What {@link NetworkDefinitionSchema} parses to (RAML `network.Network`). */
export type NetworkDefinition = z.infer<typeof NetworkDefinitionSchema>;

/** A network, as returned (RAML `network.Network`). */
export const NetworkSchema = z.looseObject({
  name: z.string().optional(),
  mode: z.string().optional(),
  labels: StringMapSchema.optional(),
});
/** What {@link NetworkSchema} parses to (RAML `network.Network`). */
export type Network = z.infer<typeof NetworkSchema>;

/** A task IP address (RAML `task.IpAddr` / `task.NetworkInfoIPAddress`). */
export const IpAddrSchema = z.looseObject({
  ipAddress: z.string(),
  protocol: z.string(),
});
/** What {@link IpAddrSchema} parses to (RAML `task.IpAddr`). */
export type IpAddr = z.infer<typeof IpAddrSchema>;

// ---------------------------------------------------------------------------------------------------------------
// Linux, resources
// ---------------------------------------------------------------------------------------------------------------

/** Linux-specific container settings as sent (RAML `linux.LinuxInfo`). */
export const LinuxInfoDefinitionSchema = z.looseObject({
  seccomp: z.looseObject({ profileName: z.string().optional(), unconfined: z.boolean() }).optional(),
  ipcInfo: z
    .looseObject({ mode: z.enum(["PRIVATE", "SHARE_PARENT"]), shmSize: z.int().optional() })
    .optional(),
});

/** Linux-specific container settings as returned (RAML `linux.LinuxInfo`). */
export const LinuxInfoSchema = z.looseObject({
  seccomp: z
    .looseObject({ profileName: z.string().optional(), unconfined: z.boolean().optional() })
    .optional(),
  ipcInfo: z.looseObject({ mode: z.string().optional(), shmSize: z.number().optional() }).optional(),
});

/** Resource limits as sent (RAML `resources.ResourceLimits`): a number or `"unlimited"`. */
export const ResourceLimitsDefinitionSchema = z.looseObject({
  cpus: z.union([z.literal("unlimited"), z.number()]).optional(),
  mem: z.union([z.literal("unlimited"), z.number()]).optional(),
});

/** Resource limits as returned (RAML `resources.ResourceLimits`). */
export const ResourceLimitsSchema = z.looseObject({
  cpus: z.union([z.string(), z.number()]).optional(),
  mem: z.union([z.string(), z.number()]).optional(),
});

/** Resources reserved for the executor, as sent (RAML `resources.ExecutorResources`). */
export const ExecutorResourcesDefinitionSchema = z.looseObject({
  cpus: z.number().min(0.1).optional(),
  mem: z.number().min(32).optional(),
  disk: z.number().min(10).optional(),
});

/** Resources reserved for the executor, as returned (RAML `resources.ExecutorResources`). */
export const ExecutorResourcesSchema = z.looseObject({
  cpus: z.number().optional(),
  mem: z.number().optional(),
  disk: z.number().optional(),
});

/** Container resources, as sent (RAML `resources.Resources`). */
export const ResourcesDefinitionSchema = z.looseObject({
  cpus: z.number().min(0.001),
  mem: z.number().min(0.001),
  disk: z.number().min(0).optional(),
  gpus: NonNegativeIntSchema.optional(),
});

/** Container resources, as returned (RAML `resources.Resources`). */
export const ResourcesSchema = z.looseObject({
  cpus: z.number(),
  mem: z.number(),
  disk: z.number().optional(),
  gpus: z.number().optional(),
});
/** What {@link ResourcesSchema} parses to (RAML `resources.Resources`). */
export type Resources = z.infer<typeof ResourcesSchema>;

/** Docker `config.json` given as a secret name, as sent (RAML `docker.DockerPullConfig`). */
export const DockerPullConfigDefinitionSchema = z.strictObject({ secret: z.string().min(1) });

/** Docker `config.json` given as a secret name, as returned (RAML `docker.DockerPullConfig`). */
export const DockerPullConfigSchema = z.looseObject({ secret: z.string() });

/**
 * A command run by Mesos, as sent (RAML `mesosCommand.MesosCommand`): `{ shell }` or `{ argv }`, never both.
 */
export const MesosCommandDefinitionSchema = z.union([
  z.looseObject({ shell: z.string().min(1), argv: z.never().optional() }),
  z.looseObject({ argv: z.array(z.string()).min(1), shell: z.never().optional() }),
]);

/** A command run by Mesos, as returned (RAML `mesosCommand.MesosCommand`). */
export const MesosCommandSchema = z.looseObject({
  shell: z.string().optional(),
  argv: StringListSchema.optional(),
});
