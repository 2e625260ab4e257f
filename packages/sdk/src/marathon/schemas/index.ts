/**
 * Zod schemas for Marathon's REST API (v2), written from the upstream RAML (`shared/specs/marathon/raml`) and JSON
 * Schemas. Response schemas (plain names, e.g. `AppSchema`) are loose and keep unknown fields; request schemas
 * (`AppDefinitionSchema`, `AppUpdateSchema`, `GroupUpdateSchema`, `PodDefinitionSchema`, `...DefinitionSchema`)
 * follow the upstream constraints.
 */
export * from "./app.js";
export * from "./common.js";
export * from "./deployment.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./group.js";
export * from "./info.js";
export * from "./pod.js";
export * from "./queue.js";
export * from "./task.js";
