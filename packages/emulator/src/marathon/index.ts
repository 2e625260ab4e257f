export type { MarathonTiming } from "./core.js";
export {
  type MarathonAuth,
  type MarathonEmulator,
  type MarathonEmulatorOptions,
  type MutatingRequestStats,
  type RecordedResponse,
  startMarathonEmulator,
  type WaitOptions,
} from "./emulator.js";
export type { EventBus, MarathonEvent } from "./events.js";
export { parseTaskId } from "./paths.js";
export type { RequestSchemas, SchemaIssue, SchemaLike } from "./validation.js";
