/**
 * Apps: the definition we send (`POST /v2/apps`, `PUT/PATCH /v2/apps/{id}`) and the `AppInfo` Marathon returns
 * (`GET /v2/apps`, `GET /v2/apps/{id}`). RAML: `types/app.raml`, `appContainer.raml`, `healthCheck.raml`,
 * `readinessCheck.raml`, `check.raml`, `network.raml`, `volumes.raml`; JSON Schema: `schema/AppDefinition.json`.
 */
import { z } from "zod";
import { fast } from "../../schema/fast.js";
import {
  AnyPortSchema,
  AppConstraintDefinitionSchema,
  AppConstraintListSchema,
  ArtifactDefinitionSchema,
  ArtifactSchema,
  DateTimeSchema,
  DockerPullConfigDefinitionSchema,
  DockerPullConfigSchema,
  EnvVarsSchema,
  ExecutorResourcesDefinitionSchema,
  ExecutorResourcesSchema,
  HttpSchemeSchema,
  IdentifiableSchema,
  IpProtocolSchema,
  KillSelectionSchema,
  KVLabelsSchema,
  LegacyEnvVarsDefinitionSchema,
  LegacyNameSchema,
  LinuxInfoDefinitionSchema,
  LinuxInfoSchema,
  MesosCommandDefinitionSchema,
  MesosCommandSchema,
  NameSchema,
  NetworkDefinitionSchema,
  NetworkProtocolSchema,
  NetworkSchema,
  NonNegativeIntSchema,
  NumberListSchema,
  PathIdSchema,
  ReadModeSchema,
  ResourceLimitsDefinitionSchema,
  ResourceLimitsSchema,
  SecretsDefinitionSchema,
  SecretsSchema,
  StringListSchema,
  StringMapSchema,
  UnreachableStrategyDefinitionSchema,
  UnreachableStrategySchema,
  UriSchema,
  VersionInfoDefinitionSchema,
  VersionInfoSchema,
} from "./common.js";
import { TaskFailureSchema, TaskReadinessCheckResultSchema, TaskSchema, TaskStatsSchema } from "./task.js";

// ===============================================================================================================
// Request side
// ===============================================================================================================

/** Container engines (RAML `appContainer.EngineType`). */
export const CONTAINER_TYPES = ["DOCKER", "MESOS"] as const;

/** Legacy Docker network modes (RAML `appContainer.DockerNetwork`; deprecated in favour of `networks`). */
export const DOCKER_NETWORKS = ["BRIDGE", "HOST", "NONE", "USER"] as const;

/** App health check protocols (RAML `healthCheck.AppHealthCheckProtocol`). */
export const APP_HEALTH_CHECK_PROTOCOLS = [
  "HTTP",
  "HTTPS",
  "TCP",
  "COMMAND",
  "MESOS_TCP",
  "MESOS_HTTP",
  "MESOS_HTTPS",
] as const;

/** A container port mapping, as sent (RAML `appContainer.ContainerPortMapping`; strict in `AppDefinition.json`). */
export const ContainerPortMappingDefinitionSchema = z.strictObject({
  containerPort: AnyPortSchema.optional(),
  hostPort: AnyPortSchema.optional(),
  labels: KVLabelsSchema.optional(),
  name: LegacyNameSchema.optional(),
  protocol: NetworkProtocolSchema.optional(),
  servicePort: AnyPortSchema.optional(),
  networkNames: z.array(NameSchema).optional(),
});
/** What {@link ContainerPortMappingDefinitionSchema} parses to (RAML `appContainer.ContainerPortMapping`). */
export type ContainerPortMappingDefinition = z.infer<typeof ContainerPortMappingDefinitionSchema>;

/**
 * The Docker part of a container, as sent (RAML `appContainer.DockerContainer`; strict in `AppDefinition.json`).
 *
 * `requirePorts` is not part of the RAML or JSON Schema here (it belongs to the app), but upstream's own system test
 * `tests/system/apps/pinger-bridge-app.json` sends it and the server ignores it (its JSON readers skip unknown
 * fields), so it is accepted as a known, ignored key rather than rejected.
 */
export const DockerContainerDefinitionSchema = z.strictObject({
  credential: z.strictObject({ principal: z.string(), secret: z.string().optional() }).optional(),
  pullConfig: DockerPullConfigDefinitionSchema.optional(),
  forcePullImage: z.boolean().optional(),
  image: z.string().min(1),
  network: z.enum(DOCKER_NETWORKS).optional(),
  parameters: z.array(z.strictObject({ key: z.string().min(1), value: z.string() })).optional(),
  portMappings: z.array(ContainerPortMappingDefinitionSchema).optional(),
  privileged: z.boolean().optional(),
  requirePorts: z.boolean().optional(),
});
/** What {@link DockerContainerDefinitionSchema} parses to (RAML `appContainer.DockerContainer`). */
export type DockerContainerDefinition = z.infer<typeof DockerContainerDefinitionSchema>;

/** Persistent volume settings, as sent (RAML `volumes.PersistentVolumeInfo`). */
export const PersistentVolumeInfoDefinitionSchema = z.strictObject({
  type: z.enum(["root", "path", "mount"]).optional(),
  size: NonNegativeIntSchema,
  maxSize: NonNegativeIntSchema.optional(),
  profileName: z.string().min(1).optional(),
  // `AppDefinition.json` allows only ["path", "LIKE", regex]; the server also accepts UNLIKE (AppValidation).
  constraints: z.array(z.tuple([z.literal("path"), z.enum(["LIKE", "UNLIKE"]), z.string()])).optional(),
});

/** A Docker/DVDI external volume, as sent (RAML `volumes.DVDIExternalVolumeInfo`). */
export const DvdiExternalVolumeInfoDefinitionSchema = z.strictObject({
  size: NonNegativeIntSchema.optional(),
  name: z.string().optional(),
  provider: z.string().optional(),
  options: KVLabelsSchema.optional(),
  shared: z.boolean().optional(),
});

/** A CSI external volume, as sent (RAML `volumes.CSIExternalVolumeInfo`). */
export const CsiExternalVolumeInfoDefinitionSchema = z.strictObject({
  name: z.string(),
  provider: z.literal("csi"),
  options: z.looseObject({
    pluginName: z.string().min(1),
    capability: z.looseObject({
      accessMode: z.enum([
        "SINGLE_NODE_WRITER",
        "SINGLE_NODE_READER_ONLY",
        "MULTI_NODE_READER_ONLY",
        "MULTI_NODE_SINGLE_WRITER",
        "MULTI_NODE_MULTI_WRITER",
      ]),
      accessType: z.enum(["block", "mount"]),
      fsType: z.string().optional(),
      mountFlags: z.array(z.string()).optional(),
    }),
    nodeStageSecret: KVLabelsSchema.optional(),
    nodePublishSecret: KVLabelsSchema.optional(),
    volumeContext: KVLabelsSchema.optional(),
  }),
});

/**
 * An app volume, as sent (RAML `volumes.AppVolume`: host, persistent, external or secret volume; strict in
 * `AppDefinition.json`). `mode` is required by the RAML but optional in `AppDefinition.json` and defaulted by the
 * server, so it is optional here.
 */
export const AppVolumeDefinitionSchema = z.union([
  z.strictObject({
    containerPath: z.string().min(1),
    hostPath: z.string().min(1),
    mode: ReadModeSchema.optional(),
  }),
  z.strictObject({
    containerPath: z.string().min(1),
    persistent: PersistentVolumeInfoDefinitionSchema,
    mode: ReadModeSchema.optional(),
  }),
  z.strictObject({
    containerPath: z.string().min(1),
    external: z.union([DvdiExternalVolumeInfoDefinitionSchema, CsiExternalVolumeInfoDefinitionSchema]),
    mode: ReadModeSchema.optional(),
  }),
  z.strictObject({ containerPath: z.string().min(1), secret: z.string().min(1) }),
]);
/** What {@link AppVolumeDefinitionSchema} parses to (RAML `volumes.AppVolume`). */
export type AppVolumeDefinition = z.infer<typeof AppVolumeDefinitionSchema>;

/** An app container, as sent (RAML `appContainer.Container`; strict in `AppDefinition.json`). */
export const ContainerDefinitionSchema = z.strictObject({
  type: z.enum(CONTAINER_TYPES).optional(),
  docker: DockerContainerDefinitionSchema.optional(),
  linuxInfo: LinuxInfoDefinitionSchema.optional(),
  volumes: z.array(AppVolumeDefinitionSchema).optional(),
  portMappings: z.array(ContainerPortMappingDefinitionSchema).optional(),
});
/** What {@link ContainerDefinitionSchema} parses to (RAML `appContainer.Container`). */
export type ContainerDefinition = z.infer<typeof ContainerDefinitionSchema>;

/** A host port definition, as sent (RAML `network.PortDefinition`; strict in `AppDefinition.json`). */
export const PortDefinitionRequestSchema = z.strictObject({
  port: AnyPortSchema.optional(),
  labels: KVLabelsSchema.optional(),
  name: LegacyNameSchema.optional(),
  protocol: NetworkProtocolSchema.optional(),
});
/** What {@link PortDefinitionRequestSchema} parses to (RAML `network.PortDefinition`). */
export type PortDefinitionRequest = z.infer<typeof PortDefinitionRequestSchema>;

/** An app health check, as sent (RAML `healthCheck.AppHealthCheck`; strict in `AppDefinition.json`). */
export const AppHealthCheckDefinitionSchema = z.strictObject({
  command: z.looseObject({ value: z.string() }).optional(),
  gracePeriodSeconds: NonNegativeIntSchema.optional(),
  ignoreHttp1xx: z.boolean().optional(),
  intervalSeconds: NonNegativeIntSchema.optional(),
  maxConsecutiveFailures: NonNegativeIntSchema.optional(),
  path: z.string().optional(),
  port: AnyPortSchema.optional(),
  portIndex: AnyPortSchema.optional(),
  protocol: z.enum(APP_HEALTH_CHECK_PROTOCOLS).optional(),
  ipProtocol: IpProtocolSchema.optional(),
  timeoutSeconds: NonNegativeIntSchema.optional(),
  delaySeconds: NonNegativeIntSchema.optional(),
});
/** What {@link AppHealthCheckDefinitionSchema} parses to (RAML `healthCheck.AppHealthCheck`). */
export type AppHealthCheckDefinition = z.infer<typeof AppHealthCheckDefinitionSchema>;

/** A readiness check, as sent (RAML `readinessCheck.ReadinessCheck`; strict in `AppDefinition.json`). */
export const ReadinessCheckDefinitionSchema = z.strictObject({
  name: z.string().min(1).optional(),
  protocol: HttpSchemeSchema.optional(),
  path: z.string().min(1).max(1024).optional(),
  portName: LegacyNameSchema.optional(),
  intervalSeconds: NonNegativeIntSchema.optional(),
  timeoutSeconds: z.int().min(1).optional(),
  httpStatusCodesForReady: z.array(z.int().min(100).max(999)).min(1).optional(),
  preserveLastResponse: z.boolean().optional(),
});
/** What {@link ReadinessCheckDefinitionSchema} parses to (RAML `readinessCheck.ReadinessCheck`). */
export type ReadinessCheckDefinition = z.infer<typeof ReadinessCheckDefinitionSchema>;

/** A Mesos check on an app, as sent (RAML `check.AppCheck`; not in `AppDefinition.json`, open object). */
export const AppCheckDefinitionSchema = z.looseObject({
  http: z
    .looseObject({
      portIndex: AnyPortSchema.optional(),
      port: AnyPortSchema.optional(),
      path: z.string().min(1).max(1024).optional(),
      scheme: HttpSchemeSchema.optional(),
    })
    .optional(),
  tcp: z.looseObject({ portIndex: AnyPortSchema.optional(), port: AnyPortSchema.optional() }).optional(),
  exec: z.looseObject({ command: MesosCommandDefinitionSchema }).optional(),
  intervalSeconds: NonNegativeIntSchema.optional(),
  timeoutSeconds: NonNegativeIntSchema.optional(),
  delaySeconds: NonNegativeIntSchema.optional(),
});

/** Upgrade strategy, as sent (RAML `app.UpgradeStrategy`; strict in `AppDefinition.json`). Fractions in 0..1. */
export const UpgradeStrategyDefinitionSchema = z.strictObject({
  minimumHealthCapacity: z.number().min(0).max(1).optional(),
  maximumOverCapacity: z.number().min(0).max(1).optional(),
});

/** Residency of resident apps, as sent (RAML `app.AppResidency`; deprecated, no effect). */
export const AppResidencyDefinitionSchema = z.strictObject({
  relaunchEscalationTimeoutSeconds: NonNegativeIntSchema.optional(),
  taskLostBehavior: z.enum(["WAIT_FOREVER", "RELAUNCH_AFTER_TIMEOUT"]).optional(),
});

/** Per-task IP address request, as sent (RAML `network.IpAddress`; deprecated; open object upstream). */
export const IpAddressDefinitionSchema = z.looseObject({
  discovery: z
    .looseObject({
      ports: z
        .array(
          z.looseObject({
            number: AnyPortSchema.optional(),
            name: LegacyNameSchema,
            protocol: NetworkProtocolSchema.optional(),
            labels: KVLabelsSchema.optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  groups: z.array(z.string()).optional(),
  labels: KVLabelsSchema.optional(),
  networkName: z.string().min(1).optional(),
});

/**
 * `executor`: empty, `//cmd`, or a path (RAML `App.executor`; pattern from `AppDefinition.json`, which anchors it
 * correctly where the RAML's does not).
 */
const EXECUTOR_PATTERN = /^(|\/\/cmd|\/?[^/]+(\/[^/]+)*)$/;

const appDefinitionShape = {
  id: PathIdSchema,
  acceptedResourceRoles: z.array(z.string()).optional(),
  args: z.array(z.string()).optional(),
  backoffFactor: z.number().min(1).optional(),
  backoffSeconds: NonNegativeIntSchema.optional(),
  check: AppCheckDefinitionSchema.optional(),
  cmd: z.string().min(1).optional(),
  constraints: z.array(AppConstraintDefinitionSchema).optional(),
  container: ContainerDefinitionSchema.optional(),
  // RAML: minimum 0.001 (enforced by the server); AppDefinition.json (1.8) said 0.
  cpus: z.number().min(0.001).optional(),
  dependencies: z.array(PathIdSchema).optional(),
  disk: z.number().min(0).optional(),
  env: LegacyEnvVarsDefinitionSchema.optional(),
  executor: z.string().regex(EXECUTOR_PATTERN).optional(),
  executorResources: ExecutorResourcesDefinitionSchema.optional(),
  fetch: z.array(ArtifactDefinitionSchema).optional(),
  gpus: NonNegativeIntSchema.optional(),
  healthChecks: z.array(AppHealthCheckDefinitionSchema).optional(),
  instances: NonNegativeIntSchema.optional(),
  ipAddress: IpAddressDefinitionSchema.optional(),
  killSelection: KillSelectionSchema.optional(),
  labels: KVLabelsSchema.optional(),
  maxLaunchDelaySeconds: NonNegativeIntSchema.optional(),
  mem: z.number().min(0).optional(),
  networks: z.array(NetworkDefinitionSchema).optional(),
  portDefinitions: z.array(PortDefinitionRequestSchema).optional(),
  ports: z.array(AnyPortSchema).optional(),
  readinessChecks: z.array(ReadinessCheckDefinitionSchema).optional(),
  requirePorts: z.boolean().optional(),
  residency: AppResidencyDefinitionSchema.optional(),
  resourceLimits: ResourceLimitsDefinitionSchema.optional(),
  role: z.string().min(1).optional(),
  secrets: SecretsDefinitionSchema.optional(),
  /** Pre-1.0 field (not in the RAML nor `AppDefinition.json`); current servers ignore it. */
  storeUrls: z.array(z.string()).optional(),
  taskKillGracePeriodSeconds: NonNegativeIntSchema.optional(),
  tty: z.boolean().optional(),
  unreachableStrategy: UnreachableStrategyDefinitionSchema.optional(),
  upgradeStrategy: UpgradeStrategyDefinitionSchema.optional(),
  uris: z.array(UriSchema).optional(),
  user: z.string().optional(),
  /** Read-only; accepted so that a fetched definition can be sent back. */
  version: DateTimeSchema.optional(),
  /** Read-only; accepted so that a fetched definition can be sent back. */
  versionInfo: VersionInfoDefinitionSchema.optional(),
};

/**
 * `cmd` and a non-empty `args` exclude each other (RAML `App.cmd`/`App.args`; `AppDefinition.json` `not`). The JSON
 * Schema also rejects `cmd` with `args: []`; the server (AppValidation `containsCmdArgsOrContainer`) accepts that,
 * and the server wins.
 */
const cmdXorArgs = (app: { cmd?: string | undefined; args?: string[] | undefined }) =>
  !(app.cmd !== undefined && app.args !== undefined && app.args.length > 0);
const cmdXorArgsError = { error: "cmd and args must not both be given", path: ["args"] };

/**
 * An app definition as sent to `POST /v2/apps` or `PUT /v2/apps/{id}` (RAML `app.App`, constraints and strictness
 * from `schema/AppDefinition.json`). Unknown keys are rejected, as upstream's `additionalProperties: false` does.
 */
export const AppDefinitionSchema = z.strictObject(appDefinitionShape).refine(cmdXorArgs, cmdXorArgsError);
/** What {@link AppDefinitionSchema} parses to (RAML `app.App`). */
export type AppDefinition = z.infer<typeof AppDefinitionSchema>;

/**
 * A partial app definition for `PATCH /v2/apps/{id}`, `PATCH /v2/apps` and partial `PUT` (RAML `app.AppUpdate`,
 * generated from `app.App` by `pragma.generateUpdateType`): every field optional; the id in the body is ignored by
 * `PATCH /v2/apps/{id}`.
 */
export const AppUpdateSchema = z
  .strictObject(appDefinitionShape)
  .partial()
  .refine(cmdXorArgs, cmdXorArgsError);
/** What {@link AppUpdateSchema} parses to (RAML `app.AppUpdate`). */
export type AppUpdate = z.infer<typeof AppUpdateSchema>;

// ===============================================================================================================
// Response side
// ===============================================================================================================

/** A container port mapping, as returned (RAML `appContainer.ContainerPortMapping`). */
export const ContainerPortMappingSchema = z.looseObject({
  containerPort: z.number().optional(),
  hostPort: z.number().optional(),
  labels: StringMapSchema.optional(),
  name: z.string().optional(),
  protocol: z.string().optional(),
  servicePort: z.number().optional(),
  networkNames: StringListSchema.optional(),
});
/** What {@link ContainerPortMappingSchema} parses to (RAML `appContainer.ContainerPortMapping`). */
export type ContainerPortMapping = z.infer<typeof ContainerPortMappingSchema>;

/** The Docker part of a container, as returned (RAML `appContainer.DockerContainer`). */
export const DockerContainerSchema = z.looseObject({
  image: z.string(),
  credential: z.looseObject({ principal: z.string(), secret: z.string().optional() }).nullable().optional(),
  pullConfig: DockerPullConfigSchema.nullable().optional(),
  forcePullImage: z.boolean().optional(),
  network: z.string().optional(),
  parameters: z.array(z.looseObject({ key: z.string(), value: z.string() })).optional(),
  portMappings: z.array(ContainerPortMappingSchema).nullable().optional(),
  privileged: z.boolean().optional(),
});
/** What {@link DockerContainerSchema} parses to (RAML `appContainer.DockerContainer`). */
export type DockerContainer = z.infer<typeof DockerContainerSchema>;

/**
 * An app volume, as returned (RAML `volumes.AppVolume`). One object with the fields of every volume kind (host,
 * persistent, external, secret) instead of a union: cheaper to check and tolerant of new kinds.
 */
export const AppVolumeSchema = z.looseObject({
  containerPath: z.string().optional(),
  hostPath: z.string().optional(),
  mode: z.string().optional(),
  persistent: z
    .looseObject({
      type: z.string().optional(),
      size: z.number(),
      maxSize: z.number().optional(),
      profileName: z.string().optional(),
      constraints: AppConstraintListSchema.optional(),
    })
    .optional(),
  external: z
    .looseObject({
      name: z.string().optional(),
      provider: z.string().optional(),
      size: z.number().optional(),
      shared: z.boolean().optional(),
      options: z.record(z.string(), z.unknown()).optional(),
    })
    .optional(),
  secret: z.string().optional(),
});
/** What {@link AppVolumeSchema} parses to (RAML `volumes.AppVolume`). */
export type AppVolume = z.infer<typeof AppVolumeSchema>;

/** An app container, as returned (RAML `appContainer.Container`). */
export const ContainerSchema = z.looseObject({
  type: z.string().optional(),
  docker: DockerContainerSchema.nullable().optional(),
  linuxInfo: LinuxInfoSchema.optional(),
  volumes: z.array(AppVolumeSchema).optional(),
  portMappings: z.array(ContainerPortMappingSchema).nullable().optional(),
});
/** What {@link ContainerSchema} parses to (RAML `appContainer.Container`). */
export type Container = z.infer<typeof ContainerSchema>;

/** A host port definition, as returned (RAML `network.PortDefinition`). */
export const PortDefinitionSchema = z.looseObject({
  port: z.number().optional(),
  labels: StringMapSchema.optional(),
  name: z.string().optional(),
  protocol: z.string().optional(),
});
/** What {@link PortDefinitionSchema} parses to (RAML `network.PortDefinition`). */
export type PortDefinition = z.infer<typeof PortDefinitionSchema>;

/**
 * An app health check, as returned (RAML `healthCheck.AppHealthCheck`). Protocols:
 * {@link APP_HEALTH_CHECK_PROTOCOLS}.
 */
export const AppHealthCheckSchema = z.looseObject({
  command: z.looseObject({ value: z.string() }).nullable().optional(),
  gracePeriodSeconds: z.number().optional(),
  ignoreHttp1xx: z.boolean().optional(),
  intervalSeconds: z.number().optional(),
  maxConsecutiveFailures: z.number().optional(),
  path: z.string().optional(),
  port: z.number().optional(),
  portIndex: z.number().optional(),
  protocol: z.string().optional(),
  ipProtocol: z.string().optional(),
  timeoutSeconds: z.number().optional(),
  delaySeconds: z.number().optional(),
});
/** What {@link AppHealthCheckSchema} parses to (RAML `healthCheck.AppHealthCheck`). */
export type AppHealthCheck = z.infer<typeof AppHealthCheckSchema>;

/** A readiness check, as returned (RAML `readinessCheck.ReadinessCheck`). */
export const ReadinessCheckSchema = z.looseObject({
  name: z.string().optional(),
  protocol: z.string().optional(),
  path: z.string().optional(),
  portName: z.string().optional(),
  intervalSeconds: z.number().optional(),
  timeoutSeconds: z.number().optional(),
  httpStatusCodesForReady: NumberListSchema.optional(),
  preserveLastResponse: z.boolean().optional(),
});
/** What {@link ReadinessCheckSchema} parses to (RAML `readinessCheck.ReadinessCheck`). */
export type ReadinessCheck = z.infer<typeof ReadinessCheckSchema>;

/** A Mesos check on an app, as returned (RAML `check.AppCheck`). */
export const AppCheckSchema = z.looseObject({
  http: z
    .looseObject({
      portIndex: z.number().optional(),
      port: z.number().optional(),
      path: z.string().optional(),
      scheme: z.string().optional(),
    })
    .optional(),
  tcp: z.looseObject({ portIndex: z.number().optional(), port: z.number().optional() }).optional(),
  exec: z.looseObject({ command: MesosCommandSchema }).optional(),
  intervalSeconds: z.number().optional(),
  timeoutSeconds: z.number().optional(),
  delaySeconds: z.number().optional(),
});
/** What {@link AppCheckSchema} parses to (RAML `check.AppCheck`). */
export type AppCheck = z.infer<typeof AppCheckSchema>;

/** Upgrade strategy, as returned (RAML `app.UpgradeStrategy`). */
export const UpgradeStrategySchema = z.looseObject({
  minimumHealthCapacity: z.number().optional(),
  maximumOverCapacity: z.number().optional(),
});
/** What {@link UpgradeStrategySchema} parses to (RAML `app.UpgradeStrategy`). */
export type UpgradeStrategy = z.infer<typeof UpgradeStrategySchema>;

/** Residency, as returned (RAML `app.AppResidency`). */
export const AppResidencySchema = z.looseObject({
  relaunchEscalationTimeoutSeconds: z.number().optional(),
  taskLostBehavior: z.string().optional(),
});

/** Per-task IP address request, as returned (RAML `network.IpAddress`). */
export const IpAddressSchema = z.looseObject({
  discovery: z
    .looseObject({
      ports: z
        .array(
          z.looseObject({
            number: z.number().optional(),
            name: z.string().optional(),
            protocol: z.string().optional(),
            labels: StringMapSchema.optional(),
          }),
        )
        .optional(),
    })
    .nullable()
    .optional(),
  groups: StringListSchema.optional(),
  labels: StringMapSchema.optional(),
  networkName: z.string().nullable().optional(),
});

/**
 * The definition fields of an app as Marathon returns them (RAML `app.App`). Every field but `id` is optional and
 * the fields that servers write as `null` when unset (`cmd`, `args`, `user`, `container`, `ipAddress`, `residency`,
 * `acceptedResourceRoles`, `taskKillGracePeriodSeconds`, ...) are nullable (see `examples/events/api_post_event.json`).
 */
const appResponseShape = {
  id: z.string(),
  acceptedResourceRoles: StringListSchema.nullable().optional(),
  args: StringListSchema.nullable().optional(),
  backoffFactor: z.number().optional(),
  backoffSeconds: z.number().optional(),
  check: AppCheckSchema.nullable().optional(),
  cmd: z.string().nullable().optional(),
  constraints: AppConstraintListSchema.optional(),
  container: ContainerSchema.nullable().optional(),
  cpus: z.number().optional(),
  dependencies: StringListSchema.optional(),
  disk: z.number().optional(),
  env: EnvVarsSchema.optional(),
  executor: z.string().optional(),
  executorResources: ExecutorResourcesSchema.nullable().optional(),
  fetch: z.array(ArtifactSchema).optional(),
  gpus: z.number().optional(),
  healthChecks: z.array(AppHealthCheckSchema).optional(),
  instances: z.number().optional(),
  ipAddress: IpAddressSchema.nullable().optional(),
  killSelection: z.string().optional(),
  labels: StringMapSchema.optional(),
  maxLaunchDelaySeconds: z.number().optional(),
  mem: z.number().optional(),
  networks: z.array(NetworkSchema).optional(),
  portDefinitions: z.array(PortDefinitionSchema).optional(),
  ports: NumberListSchema.optional(),
  readinessChecks: z.array(ReadinessCheckSchema).optional(),
  requirePorts: z.boolean().optional(),
  residency: AppResidencySchema.nullable().optional(),
  resourceLimits: ResourceLimitsSchema.nullable().optional(),
  role: z.string().optional(),
  secrets: SecretsSchema.optional(),
  storeUrls: StringListSchema.optional(),
  taskKillGracePeriodSeconds: z.number().nullable().optional(),
  tty: z.boolean().nullable().optional(),
  unreachableStrategy: UnreachableStrategySchema.optional(),
  upgradeStrategy: UpgradeStrategySchema.optional(),
  uris: StringListSchema.optional(),
  user: z.string().nullable().optional(),
  version: z.string().optional(),
  versionInfo: VersionInfoSchema.optional(),
};

/**
 * An app as Marathon returns it (RAML `app.AppInfo`: `app.App` plus status). Loose at every level so unknown fields
 * survive. Status fields: `tasksStaged/Running/Healthy/Unhealthy`, `deployments` (`[{id}]`), and with `embed`:
 * `tasks`, `lastTaskFailure` (nullable), task statistics, `readinessCheckResults`. The statistics field is
 * `taskStats` in Marathon's docs and older servers but `tasksStats` in the RAML that 1.9+ servers generate their JSON
 * from; both are accepted.
 */
export const AppSchema = z.looseObject({
  ...appResponseShape,
  tasksStaged: z.number().optional(),
  tasksRunning: z.number().optional(),
  tasksHealthy: z.number().optional(),
  tasksUnhealthy: z.number().optional(),
  deployments: z.array(IdentifiableSchema).optional(),
  readinessCheckResults: z.array(TaskReadinessCheckResultSchema).optional(),
  tasks: z.array(TaskSchema).optional(),
  lastTaskFailure: TaskFailureSchema.nullable().optional(),
  taskStats: TaskStatsSchema.nullable().optional(),
  tasksStats: TaskStatsSchema.nullable().optional(),
});
/** What {@link AppSchema} parses to (RAML `app.AppInfo`). */
export type App = z.infer<typeof AppSchema>;

/** `GET /v2/apps` (RAML `app.AppList`). */
const AppListResponseDef = z.looseObject({ apps: z.array(AppSchema) });
/** What {@link AppListResponseSchema} parses to (RAML `app.AppList`). */
export type AppListResponse = z.infer<typeof AppListResponseDef>;
/**
 * `GET /v2/apps` (RAML `app.AppList`). Large lists take the compiled fast path of `schema/fast.ts` (valid input is
 * checked without copying it; invalid input gets zod's own errors). `bench/marathon-parse.bench.mjs` measures it.
 */
export const AppListResponseSchema: z.ZodType<AppListResponse, z.input<typeof AppListResponseDef>> = fast(
  AppListResponseDef,
);

/** `GET /v2/apps/{id}`: `{ app: AppInfo }` (RAML `app.AppInfo`). */
export const AppResponseSchema = z.looseObject({ app: AppSchema });
/** What {@link AppResponseSchema} parses to (RAML `app.AppInfo`). */
export type AppResponse = z.infer<typeof AppResponseSchema>;

/** `GET /v2/apps/{id}/versions` (RAML `app.VersionList`). */
export const AppVersionsResponseSchema = z.looseObject({ versions: StringListSchema });
/** What {@link AppVersionsResponseSchema} parses to (RAML `app.VersionList`). */
export type AppVersionsResponse = z.infer<typeof AppVersionsResponseSchema>;

/**
 * `POST /v2/apps` 201 body (RAML `app.AppInfo`): the created app plus `deployments: [{id}]` (and zeroed task
 * counts), per ENDPOINTS.md (the RAML gives only the `app.json` example, which lacks `deployments`).
 */
export const AppCreatedResponseSchema = AppSchema.extend({ deployments: z.array(IdentifiableSchema) });
/** What {@link AppCreatedResponseSchema} parses to (RAML `app.AppInfo` plus `deployments`). */
export type AppCreatedResponse = z.infer<typeof AppCreatedResponseSchema>;
