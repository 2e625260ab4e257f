/**
 * `@bsaas/sdk/marathon`: typed Marathon client, event stream and waiters, with zod schemas written from Marathon's
 * RAML (shared/specs/marathon).
 *
 * @packageDocumentation
 */
export {
  type AppEmbed,
  type CallOptions,
  type DeploymentRef,
  type DeployOptions,
  type GroupEmbed,
  MarathonClient,
  type MarathonClientOptions,
} from "./client.js";
export { marathonOptionsFromEnv } from "./connect.js";
export {
  DeploymentLockedError,
  MarathonNotFoundError,
  MarathonValidationError,
  mapMarathonError,
} from "./errors.js";
export { type EventStreamItem, type EventStreamOptions, MarathonEventStream } from "./events.js";
export * from "./schemas/index.js";
export { type AppRow, type AppStatus, appRow } from "./status.js";
export {
  type AppHealthOutcome,
  type DeploymentActionRef,
  type DeploymentOutcome,
  type WaitOptions,
  waitForAppHealthy,
  waitForDeployment,
} from "./waiters.js";
