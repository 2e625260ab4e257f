import { describe, expect, it } from "vitest";
import {
  DEPLOYMENT_ACTIONS,
  DeploymentListResponseSchema,
  DeploymentResultSchema,
  DeploymentSchema,
  DeploymentStepsSchema,
} from "./deployment.js";
import { DeploymentLockedErrorSchema, MarathonErrorSchema } from "./errors.js";

const deployment = {
  id: "97c136bf-5a28-4821-9d94-480d9fbb01c8",
  version: "2015-09-30T09:09:17.614Z",
  affectedApps: ["/hpc/cm"],
  affectedPods: [],
  steps: [
    { actions: [{ action: "StartApplication", app: "/hpc/cm" }] },
    { actions: [{ action: "ScaleApplication", app: "/hpc/cm" }] },
  ],
  currentActions: [
    {
      action: "ScaleApplication",
      app: "/hpc/cm",
      readinessCheckResults: [
        { name: "ready", taskId: "hpc_cm.instance-1", ready: true, lastResponse: null },
      ],
    },
  ],
  currentStep: 2,
  totalSteps: 2,
};

describe("DeploymentSchema", () => {
  it("parses a DeploymentStepInfo unchanged", () => {
    expect(DeploymentSchema.parse(deployment)).toStrictEqual(deployment);
    expect(DeploymentListResponseSchema.parse([deployment, deployment])).toStrictEqual([
      deployment,
      deployment,
    ]);
  });

  it("tolerates an action name it does not know", () => {
    const value = { ...deployment, currentActions: [{ action: "HibernateApplication", app: "/a" }] };
    expect(DeploymentSchema.safeParse(value).success).toBe(true);
  });

  it("knows the nine upstream action names", () => {
    expect([...DEPLOYMENT_ACTIONS].sort()).toEqual(
      [
        "StartApplication",
        "StopApplication",
        "ScaleApplication",
        "RestartApplication",
        "StartPod",
        "StopPod",
        "ScalePod",
        "RestartPod",
        "ResolveArtifacts",
      ].sort(),
    );
  });

  it("rejects a deployment missing its progress fields", () => {
    const { currentStep: _c, ...withoutCurrentStep } = deployment;
    expect(DeploymentSchema.safeParse(withoutCurrentStep).success).toBe(false);
    expect(DeploymentSchema.safeParse({ ...deployment, currentActions: [{ app: "/a" }] }).success).toBe(
      false,
    );
    expect(DeploymentListResponseSchema.safeParse({ deployments: [] }).success).toBe(false);
  });

  it("DeploymentStepsSchema: the dry-run body", () => {
    const steps = { steps: deployment.steps };
    expect(DeploymentStepsSchema.parse(steps)).toStrictEqual(steps);
  });

  it("DeploymentResultSchema: { deploymentId, version }", () => {
    const result = {
      deploymentId: "5ed4c0c5-9ff8-4a6f-a0cd-f57f59a34b43",
      version: "2015-09-29T15:59:51.164Z",
    };
    expect(DeploymentResultSchema.parse(result)).toStrictEqual(result);
    expect(DeploymentResultSchema.safeParse({ deploymentId: "x" }).success).toBe(false);
  });
});

describe("error bodies", () => {
  it("MarathonErrorSchema: message with optional details", () => {
    const invalid = {
      message: "Object is not valid",
      details: [{ path: "/upgradeStrategy/minimumHealthCapacity", errors: ["is greater than 1"] }],
    };
    expect(MarathonErrorSchema.parse(invalid)).toStrictEqual(invalid);
    expect(MarathonErrorSchema.parse({ message: "App '/x' does not exist" })).toStrictEqual({
      message: "App '/x' does not exist",
    });
    expect(MarathonErrorSchema.safeParse({ details: [] }).success).toBe(false);
    expect(
      MarathonErrorSchema.safeParse({ message: "x", details: [{ path: "/a", errors: "bad" }] }).success,
    ).toBe(false);
  });

  it("DeploymentLockedErrorSchema tells a deployment lock from an id conflict", () => {
    const lock = {
      message: "App is locked by one or more deployments. Override with the option '?force=true'.",
      deployments: [{ id: "97c136bf-5a28-4821-9d94-480d9fbb01c8" }],
    };
    expect(DeploymentLockedErrorSchema.parse(lock)).toStrictEqual(lock);
    expect(
      DeploymentLockedErrorSchema.safeParse({ message: "An app with id [/x] already exists." }).success,
    ).toBe(false);
    expect(MarathonErrorSchema.safeParse(lock).success).toBe(true);
  });
});
