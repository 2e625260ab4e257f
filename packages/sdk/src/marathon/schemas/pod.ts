/**
 * Pods: the definition we send (`POST /v2/pods`, `PUT /v2/pods/{id}`), the pod and its status as Marathon returns
 * them, and pod instances. RAML: `types/pod.raml`, `podContainer.raml`, `podStatus.raml`, `instance.raml`.
 *
 * There is no upstream JSON Schema for pods and the RAML object types are open (RAML 1.0 objects allow additional
 * properties unless they say otherwise), and the server ignores unknown fields. So the request schemas here check
 * every field they know but let unknown ones through unchanged (`z.looseObject`), e.g. `scaling.maxInstances` in
 * upstream's `pod.json` example (an old field the current RAML no longer lists).
 */
import { z } from "zod";
import { PersistentVolumeInfoDefinitionSchema } from "./app.js";
import {
  AnyPortSchema,
  AppConstraintListSchema,
  ArtifactDefinitionSchema,
  ArtifactSchema,
  ConstraintDefinitionSchema,
  ConstraintSchema,
  DateTimeSchema,
  DockerPullConfigDefinitionSchema,
  DockerPullConfigSchema,
  EnvVarsDefinitionSchema,
  EnvVarsSchema,
  ExecutorResourcesDefinitionSchema,
  ExecutorResourcesSchema,
  HttpSchemeSchema,
  KillSelectionSchema,
  KVLabelsSchema,
  LinuxInfoDefinitionSchema,
  LinuxInfoSchema,
  MesosCommandDefinitionSchema,
  MesosCommandSchema,
  NameSchema,
  NetworkDefinitionSchema,
  NetworkSchema,
  NonNegativeIntSchema,
  PathIdSchema,
  ResourceLimitsDefinitionSchema,
  ResourceLimitsSchema,
  ResourcesSchema,
  SecretsDefinitionSchema,
  SecretsSchema,
  StringListSchema,
  StringMapSchema,
  UnreachableStrategyDefinitionSchema,
  UnreachableStrategySchema,
} from "./common.js";
import { LocalVolumeIdSchema } from "./task.js";

// ===============================================================================================================
// Request side
// ===============================================================================================================

const PathSchema = z.string().min(1).max(1024);

/** Container resources, as sent (RAML `resources.Resources`; `cpus`/`mem` have server defaults 1.0/128). */
export const PodResourcesDefinitionSchema = z.looseObject({
  cpus: z.number().min(0.001).optional(),
  mem: z.number().min(0.001).optional(),
  disk: z.number().min(0).optional(),
  gpus: NonNegativeIntSchema.optional(),
});

/** A pod endpoint, as sent (RAML `network.Endpoint`). */
export const EndpointDefinitionSchema = z.looseObject({
  name: NameSchema,
  // RAML types it `numbers.Port` (1..) but documents 0 as "use the host port"; 0 is accepted.
  containerPort: AnyPortSchema.optional(),
  hostPort: AnyPortSchema.optional(),
  protocol: z.array(NameSchema).min(1).optional(),
  labels: KVLabelsSchema.optional(),
  networkNames: z.array(NameSchema).optional(),
});

/** A container image, as sent (RAML `podContainer.Image`). */
export const ImageDefinitionSchema = z.looseObject({
  kind: z.literal("DOCKER"),
  id: PathSchema,
  pullConfig: DockerPullConfigDefinitionSchema.optional(),
  forcePull: z.boolean().optional(),
  labels: KVLabelsSchema.optional(),
});

/** The command of a pod container, as sent (RAML `podContainer.MesosExec`). */
export const MesosExecDefinitionSchema = z.looseObject({
  command: MesosCommandDefinitionSchema,
  overrideEntrypoint: z.boolean().optional(),
});

const checkTimingDefinition = {
  intervalSeconds: NonNegativeIntSchema.optional(),
  timeoutSeconds: NonNegativeIntSchema.optional(),
  delaySeconds: NonNegativeIntSchema.optional(),
};

const checkKindsDefinition = {
  http: z
    .looseObject({ endpoint: NameSchema, path: PathSchema.optional(), scheme: HttpSchemeSchema.optional() })
    .optional(),
  tcp: z.looseObject({ endpoint: NameSchema }).optional(),
  exec: z.looseObject({ command: MesosCommandDefinitionSchema }).optional(),
};

/** A pod container health check, as sent (RAML `healthCheck.HealthCheck`). */
export const PodHealthCheckDefinitionSchema = z.looseObject({
  ...checkKindsDefinition,
  ...checkTimingDefinition,
  gracePeriodSeconds: NonNegativeIntSchema.optional(),
  maxConsecutiveFailures: NonNegativeIntSchema.optional(),
});

/** A pod container check, as sent (RAML `check.Check`). */
export const PodCheckDefinitionSchema = z.looseObject({ ...checkKindsDefinition, ...checkTimingDefinition });

/** A volume mount, as sent (RAML `volumes.VolumeMount`). */
export const VolumeMountDefinitionSchema = z.looseObject({
  name: NameSchema,
  mountPath: PathSchema,
  readOnly: z.boolean().optional(),
});

/** A pod container, as sent (RAML `podContainer.PodContainer`). */
export const PodContainerDefinitionSchema = z.looseObject({
  name: NameSchema,
  exec: MesosExecDefinitionSchema.optional(),
  resources: PodResourcesDefinitionSchema,
  resourceLimits: ResourceLimitsDefinitionSchema.optional(),
  endpoints: z.array(EndpointDefinitionSchema).optional(),
  linuxInfo: LinuxInfoDefinitionSchema.optional(),
  image: ImageDefinitionSchema.optional(),
  environment: EnvVarsDefinitionSchema.optional(),
  user: z.string().optional(),
  healthCheck: PodHealthCheckDefinitionSchema.optional(),
  check: PodCheckDefinitionSchema.optional(),
  volumeMounts: z.array(VolumeMountDefinitionSchema).optional(),
  artifacts: z.array(ArtifactDefinitionSchema).optional(),
  labels: KVLabelsSchema.optional(),
  lifecycle: z.looseObject({ killGracePeriodSeconds: z.number().min(0).optional() }).optional(),
  tty: z.boolean().optional(),
});
/** What {@link PodContainerDefinitionSchema} parses to (RAML `podContainer.PodContainer`). */
export type PodContainerDefinition = z.infer<typeof PodContainerDefinitionSchema>;

/**
 * A pod volume, as sent (RAML `volumes.PodVolume`): persistent, secret, host or ephemeral (name only). Tried in that
 * order; the ephemeral form matches any named volume, so it comes last.
 */
export const PodVolumeDefinitionSchema = z.union([
  z.looseObject({ name: z.string().min(1), persistent: PersistentVolumeInfoDefinitionSchema }),
  z.looseObject({ name: z.string().min(1), secret: z.string().min(1) }),
  z.looseObject({ name: NameSchema, host: z.string() }),
  z.looseObject({ name: NameSchema }),
]);

/** Pod scaling, as sent (RAML `pod.FixedPodScalingPolicy`; `kind` is the discriminator, only `fixed` exists). */
export const PodScalingDefinitionSchema = z.looseObject({
  kind: z.literal("fixed"),
  instances: NonNegativeIntSchema.optional(),
});

/** Pod scheduling, as sent (RAML `pod.PodSchedulingPolicy`). */
export const PodSchedulingDefinitionSchema = z.looseObject({
  backoff: z
    .looseObject({
      backoff: z.number().min(0).optional(),
      backoffFactor: z.number().min(0).optional(),
      maxLaunchDelay: z.number().min(0).optional(),
    })
    .optional(),
  upgrade: z
    .looseObject({
      minimumHealthCapacity: z.number().min(0).max(1).optional(),
      maximumOverCapacity: z.number().min(0).max(1).optional(),
    })
    .optional(),
  placement: z
    .looseObject({
      constraints: z.array(ConstraintDefinitionSchema).optional(),
      acceptedResourceRoles: z.array(z.string()).optional(),
    })
    .optional(),
  killSelection: KillSelectionSchema.optional(),
  unreachableStrategy: UnreachableStrategyDefinitionSchema.optional(),
});

/** A pod definition as sent to `POST /v2/pods` or `PUT /v2/pods/{id}` (RAML `pod.Pod`). */
export const PodDefinitionSchema = z.looseObject({
  id: PathIdSchema,
  labels: KVLabelsSchema.optional(),
  /** Read-only; accepted so that a fetched pod can be sent back. */
  version: DateTimeSchema.optional(),
  user: z.string().optional(),
  environment: EnvVarsDefinitionSchema.optional(),
  containers: z.array(PodContainerDefinitionSchema).min(1),
  secrets: SecretsDefinitionSchema.optional(),
  volumes: z.array(PodVolumeDefinitionSchema).optional(),
  networks: z.array(NetworkDefinitionSchema).optional(),
  scaling: PodScalingDefinitionSchema.optional(),
  scheduling: PodSchedulingDefinitionSchema.optional(),
  executorResources: ExecutorResourcesDefinitionSchema.optional(),
  role: z.string().min(1).optional(),
  linuxInfo: LinuxInfoDefinitionSchema.optional(),
  legacySharedCgroups: z.boolean().optional(),
});
/** What {@link PodDefinitionSchema} parses to (RAML `pod.Pod`). */
export type PodDefinition = z.infer<typeof PodDefinitionSchema>;

// ===============================================================================================================
// Response side
// ===============================================================================================================

const checkKinds = {
  http: z
    .looseObject({ endpoint: z.string(), path: z.string().optional(), scheme: z.string().optional() })
    .optional(),
  tcp: z.looseObject({ endpoint: z.string() }).optional(),
  exec: z.looseObject({ command: MesosCommandSchema }).optional(),
  intervalSeconds: z.number().optional(),
  timeoutSeconds: z.number().optional(),
  delaySeconds: z.number().optional(),
};

/** A pod container, as returned (RAML `podContainer.PodContainer`). */
export const PodContainerSchema = z.looseObject({
  name: z.string(),
  exec: z.looseObject({ command: MesosCommandSchema, overrideEntrypoint: z.boolean().optional() }).optional(),
  resources: ResourcesSchema,
  resourceLimits: ResourceLimitsSchema.optional(),
  endpoints: z
    .array(
      z.looseObject({
        name: z.string(),
        containerPort: z.number().optional(),
        hostPort: z.number().optional(),
        protocol: StringListSchema.optional(),
        labels: StringMapSchema.optional(),
        networkNames: StringListSchema.optional(),
      }),
    )
    .optional(),
  linuxInfo: LinuxInfoSchema.optional(),
  image: z
    .looseObject({
      kind: z.string(),
      id: z.string(),
      pullConfig: DockerPullConfigSchema.optional(),
      forcePull: z.boolean().optional(),
      labels: StringMapSchema.optional(),
    })
    .optional(),
  environment: EnvVarsSchema.optional(),
  user: z.string().optional(),
  healthCheck: z
    .looseObject({
      ...checkKinds,
      gracePeriodSeconds: z.number().optional(),
      maxConsecutiveFailures: z.number().optional(),
    })
    .optional(),
  check: z.looseObject(checkKinds).optional(),
  volumeMounts: z
    .array(z.looseObject({ name: z.string(), mountPath: z.string(), readOnly: z.boolean().optional() }))
    .optional(),
  artifacts: z.array(ArtifactSchema).optional(),
  labels: StringMapSchema.optional(),
  lifecycle: z.looseObject({ killGracePeriodSeconds: z.number().optional() }).optional(),
  tty: z.boolean().optional(),
});
/** What {@link PodContainerSchema} parses to (RAML `podContainer.PodContainer`). */
export type PodContainer = z.infer<typeof PodContainerSchema>;

/** A pod volume, as returned (RAML `volumes.PodVolume`): one object with the fields of every kind. */
export const PodVolumeSchema = z.looseObject({
  name: z.string(),
  host: z.string().optional(),
  secret: z.string().optional(),
  persistent: z
    .looseObject({
      type: z.string().optional(),
      size: z.number(),
      maxSize: z.number().optional(),
      profileName: z.string().optional(),
      constraints: AppConstraintListSchema.optional(),
    })
    .optional(),
});

/** A pod as Marathon returns it (RAML `pod.Pod`), e.g. `GET /v2/pods/{id}`. */
export const PodSchema = z.looseObject({
  id: z.string(),
  labels: StringMapSchema.optional(),
  version: z.string().optional(),
  user: z.string().optional(),
  environment: EnvVarsSchema.optional(),
  containers: z.array(PodContainerSchema),
  secrets: SecretsSchema.optional(),
  volumes: z.array(PodVolumeSchema).optional(),
  networks: z.array(NetworkSchema).optional(),
  scaling: z.looseObject({ kind: z.string(), instances: z.number().optional() }).optional(),
  scheduling: z
    .looseObject({
      backoff: z
        .looseObject({
          backoff: z.number().optional(),
          backoffFactor: z.number().optional(),
          maxLaunchDelay: z.number().optional(),
        })
        .optional(),
      upgrade: z
        .looseObject({
          minimumHealthCapacity: z.number().optional(),
          maximumOverCapacity: z.number().optional(),
        })
        .optional(),
      placement: z
        .looseObject({
          constraints: z.array(ConstraintSchema).optional(),
          acceptedResourceRoles: StringListSchema.optional(),
        })
        .optional(),
      killSelection: z.string().optional(),
      unreachableStrategy: UnreachableStrategySchema.optional(),
    })
    .optional(),
  executorResources: ExecutorResourcesSchema.optional(),
  role: z.string().optional(),
  linuxInfo: LinuxInfoSchema.optional(),
  legacySharedCgroups: z.boolean().optional(),
});
/** What {@link PodSchema} parses to (RAML `pod.Pod`). */
export type Pod = z.infer<typeof PodSchema>;

/** `GET /v2/pods` (`v2/pods.raml`): RAML `pod.Pod[]`. */
export const PodListResponseSchema = z.array(PodSchema);

/** `GET /v2/pods/{id}::versions` (`v2/pods.raml`): RAML `string[]` of versions. */
export const PodVersionsResponseSchema = StringListSchema;

/** A status condition of a pod instance or container (RAML `podStatus.StatusCondition`). */
export const StatusConditionSchema = z.looseObject({
  name: z.string(),
  lastChanged: z.string(),
  lastUpdated: z.string(),
  value: z.string(),
  reason: z.string().optional(),
});

/** Why a container ended (RAML `podStatus.ContainerTerminationState`). */
export const ContainerTerminationStateSchema = z.looseObject({
  exitCode: z.number().optional(),
  message: z.string().optional(),
});

/** Status of one container of a pod instance (RAML `podStatus.ContainerStatus`). */
export const ContainerStatusSchema = z.looseObject({
  name: z.string(),
  status: z.string(),
  statusSince: z.string(),
  message: z.string().optional(),
  conditions: z.array(StatusConditionSchema).optional(),
  containerId: z.string().optional(),
  endpoints: z
    .array(
      z.looseObject({
        name: z.string(),
        allocatedHostPort: z.number().optional(),
        healthy: z.boolean().optional(),
      }),
    )
    .optional(),
  resources: ResourcesSchema.optional(),
  termination: ContainerTerminationStateSchema.optional(),
  lastUpdated: z.string(),
  lastChanged: z.string(),
});
/** What {@link ContainerStatusSchema} parses to (RAML `podStatus.ContainerStatus`). */
export type ContainerStatus = z.infer<typeof ContainerStatusSchema>;

/** Pod instance states (RAML `podStatus.PodInstanceState`). */
export const POD_INSTANCE_STATES = ["PENDING", "STAGING", "STABLE", "DEGRADED", "TERMINAL"] as const;

/** Pod states (RAML `podStatus.PodState`). */
export const POD_STATES = ["DEGRADED", "STABLE", "TERMINAL"] as const;

/**
 * Status of one pod instance (RAML `podStatus.PodInstanceStatus`). `status` is one of {@link POD_INSTANCE_STATES};
 * `role` is required by the RAML but only written since 1.9.
 */
export const PodInstanceStatusSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  statusSince: z.string(),
  message: z.string().optional(),
  conditions: z.array(StatusConditionSchema).optional(),
  agentHostname: z.string().optional(),
  agentId: z.string().optional(),
  agentRegion: z.string().optional(),
  agentZone: z.string().optional(),
  resources: ResourcesSchema.optional(),
  networks: z
    .array(z.looseObject({ name: z.string().optional(), addresses: StringListSchema.optional() }))
    .optional(),
  containers: z.array(ContainerStatusSchema).optional(),
  specReference: z.string().optional(),
  localVolumes: z.array(LocalVolumeIdSchema).optional(),
  lastUpdated: z.string(),
  lastChanged: z.string(),
  role: z.string().optional(),
});
/** What {@link PodInstanceStatusSchema} parses to (RAML `podStatus.PodInstanceStatus`). */
export type PodInstanceStatus = z.infer<typeof PodInstanceStatusSchema>;

/** A recent instance termination (RAML `podStatus.TerminationHistory`). */
export const TerminationHistorySchema = z.looseObject({
  instanceID: z.string(),
  startedAt: z.string(),
  terminatedAt: z.string(),
  message: z.string().optional(),
  containers: z
    .array(
      z.looseObject({
        containerId: z.string(),
        lastKnownState: z.string().optional(),
        termination: ContainerTerminationStateSchema.optional(),
      }),
    )
    .optional(),
});

/**
 * A pod's live status (RAML `podStatus.PodStatus`): `GET /v2/pods/{id}::status`, and the `pods` of a group.
 * `status` is one of {@link POD_STATES}.
 */
export const PodStatusSchema = z.looseObject({
  id: z.string(),
  spec: PodSchema,
  status: z.string(),
  statusSince: z.string(),
  message: z.string().optional(),
  instances: z.array(PodInstanceStatusSchema).optional(),
  terminationHistory: z.array(TerminationHistorySchema).optional(),
  lastUpdated: z.string(),
  lastChanged: z.string(),
});
/** What {@link PodStatusSchema} parses to (RAML `podStatus.PodStatus`). */
export type PodStatus = z.infer<typeof PodStatusSchema>;

/** `GET /v2/pods/::status` (`v2/pods.raml`): RAML `podStatus.PodStatus[]`. */
export const PodStatusListResponseSchema = z.array(PodStatusSchema);

/** A pod instance as returned by `DELETE /v2/pods/{id}::instances[/{instanceId}]` (RAML `instance.Instance`). */
export const InstanceSchema = z.looseObject({
  instanceId: z.string(),
  state: z.looseObject({
    condition: z.string(),
    since: z.string(),
    activeSince: z.string().optional(),
    healthy: z.boolean().optional(),
    goal: z.string().optional(),
  }),
  agentInfo: z
    .looseObject({
      host: z.string(),
      agentId: z.string().optional(),
      region: z.string().optional(),
      zone: z.string().optional(),
      attributes: z.array(z.looseObject({ name: z.string() })).optional(),
    })
    .optional(),
  runSpecVersion: z.string(),
  unreachableStrategy: UnreachableStrategySchema.optional(),
});
/** What {@link InstanceSchema} parses to (RAML `instance.Instance`). */
export type Instance = z.infer<typeof InstanceSchema>;
