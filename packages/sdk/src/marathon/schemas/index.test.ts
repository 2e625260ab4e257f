import { describe, expect, it } from "vitest";
import * as marathon from "../index.js";
import * as schemas from "./index.js";

// Names other modules (the Marathon client) are written against; renaming one is a breaking change.
const FIXED_NAMES = [
  "AppDefinitionSchema",
  "AppUpdateSchema",
  "GroupUpdateSchema",
  "PodDefinitionSchema",
  "AppSchema",
  "AppListResponseSchema",
  "AppResponseSchema",
  "AppVersionsResponseSchema",
  "AppCreatedResponseSchema",
  "DeploymentResultSchema",
  "GroupSchema",
  "DeploymentActionSchema",
  "DeploymentStepSchema",
  "DeploymentSchema",
  "DeploymentListResponseSchema",
  "TaskSchema",
  "TaskListResponseSchema",
  "TaskResponseSchema",
  "QueueItemSchema",
  "QueueResponseSchema",
  "InfoSchema",
  "LeaderResponseSchema",
  "PodSchema",
  "PodStatusSchema",
  "MarathonErrorSchema",
  "DeploymentLockedErrorSchema",
  "MarathonEventSchema",
  "MARATHON_EVENT_TYPES",
  "MARATHON_CONSTRAINT_OPERATORS",
  "MESOS_TASK_STATES",
  "DEPLOYMENT_ACTIONS",
] as const;

describe("schemas/index.ts", () => {
  it.each(FIXED_NAMES)("exports %s, also from the marathon entry point", (name) => {
    const value = (schemas as Record<string, unknown>)[name];
    expect(value, name).toBeDefined();
    expect((marathon as Record<string, unknown>)[name]).toBe(value);
  });
});
