/**
 * zod schemas of the Mesos v1 HTTP APIs (scheduler, operator, executor) and of the legacy master endpoints, written
 * from `include/mesos/v1/**.proto` and `shared/specs/mesos/API.md`. See `common.ts` for the conventions.
 */
export * from "./common.js";
export * from "./executor.js";
export * from "./framework.js";
export * from "./legacy.js";
export * from "./operator.js";
export * from "./scheduler.js";
export * from "./task.js";
