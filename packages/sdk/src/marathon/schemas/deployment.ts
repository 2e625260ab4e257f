/**
 * Deployments: `GET /v2/deployments`, the `DeploymentResult` every deployable operation returns, and the dry-run
 * `{ steps }` of `PUT /v2/groups?dryRun=true`. RAML: `types/deploymentAction.raml`, `deploymentSteps.raml`,
 * `deploymentPlan.raml`, `deploymentEventsInfo.raml`, `deploymentResult.raml`. All response schemas.
 */
import { z } from "zod";
import { StringListSchema } from "./common.js";
import { TaskReadinessCheckResultSchema } from "./task.js";

/** Deployment action names (RAML `deploymentAction.DeploymentActionName`). */
export const DEPLOYMENT_ACTIONS = [
  "StartApplication",
  "StopApplication",
  "ScaleApplication",
  "RestartApplication",
  "StartPod",
  "StopPod",
  "ScalePod",
  "RestartPod",
  "ResolveArtifacts",
] as const;
/** One of {@link DEPLOYMENT_ACTIONS} (RAML `deploymentAction.DeploymentActionName`). */
export type DeploymentActionName = (typeof DEPLOYMENT_ACTIONS)[number];

/**
 * One action of a deployment step (RAML `deploymentAction.DeploymentAction`, and `DeploymentActionInfo` which adds
 * `readinessCheckResults` in `currentActions`). `action` is a plain string so that a server with a new action name
 * still parses; compare with {@link DEPLOYMENT_ACTIONS}.
 */
export const DeploymentActionSchema = z.looseObject({
  action: z.string(),
  app: z.string().optional(),
  pod: z.string().optional(),
  readinessCheckResults: z.array(TaskReadinessCheckResultSchema).optional(),
});
/** What {@link DeploymentActionSchema} parses to (RAML `deploymentAction.DeploymentAction`). */
export type DeploymentAction = z.infer<typeof DeploymentActionSchema>;

/** One step of a deployment plan: actions run together (RAML `deploymentSteps.DeploymentStep`). */
export const DeploymentStepSchema = z.looseObject({ actions: z.array(DeploymentActionSchema) });
/** What {@link DeploymentStepSchema} parses to (RAML `deploymentSteps.DeploymentStep`). */
export type DeploymentStep = z.infer<typeof DeploymentStepSchema>;

/** `{ steps }`: the body of `PUT /v2/groups?dryRun=true` (RAML `deploymentSteps.DeploymentSteps`). */
export const DeploymentStepsSchema = z.looseObject({ steps: z.array(DeploymentStepSchema) });
/** What {@link DeploymentStepsSchema} parses to (RAML `deploymentSteps.DeploymentSteps`). */
export type DeploymentSteps = z.infer<typeof DeploymentStepsSchema>;

/**
 * A running deployment (RAML `deploymentEventsInfo.DeploymentStepInfo`, which extends `deploymentPlan.DeploymentPlan`).
 * `currentStep` is 1-based while running and 0 before the first step starts. `affectedPods` is required by the RAML
 * but missing from servers older than 1.4, so it is optional.
 */
export const DeploymentSchema = z.looseObject({
  id: z.string(),
  version: z.string(),
  affectedApps: StringListSchema,
  affectedPods: StringListSchema.optional(),
  steps: z.array(DeploymentStepSchema),
  currentActions: z.array(DeploymentActionSchema),
  currentStep: z.number(),
  totalSteps: z.number(),
});
/** What {@link DeploymentSchema} parses to (RAML `deploymentEventsInfo.DeploymentStepInfo`). */
export type Deployment = z.infer<typeof DeploymentSchema>;

/** `GET /v2/deployments` (`v2/deployments.raml`): RAML `deploymentEventsInfo.DeploymentStepInfo[]`. */
export const DeploymentListResponseSchema = z.array(DeploymentSchema);
/** What {@link DeploymentListResponseSchema} parses to (RAML `deploymentEventsInfo.DeploymentStepInfo[]`). */
export type DeploymentListResponse = z.infer<typeof DeploymentListResponseSchema>;

/** `{ deploymentId, version }`, returned by deployable operations (RAML `deploymentResult.DeploymentResult`). */
export const DeploymentResultSchema = z.looseObject({
  deploymentId: z.string(),
  version: z.string(),
});
/** What {@link DeploymentResultSchema} parses to (RAML `deploymentResult.DeploymentResult`). */
export type DeploymentResult = z.infer<typeof DeploymentResultSchema>;
