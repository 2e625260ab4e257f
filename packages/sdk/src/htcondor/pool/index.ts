export {
  type CondorDaemon,
  type CondorJob,
  CondorJobNotFoundError,
  CondorOutputError,
  CondorPool,
  type CondorPoolOptions,
  type CondorSlot,
  CondorWaitTimeoutError,
  type JobSelector,
  type PoolWaitOptions,
  type QueryOptions,
  type SubmitResult,
} from "./client.js";
export {
  type CondorCommand,
  type CondorCommandResult,
  CondorToolError,
  type CondorTools,
  type CondorToolsOptions,
  chrootCondorTools,
  condorTools,
} from "./tools.js";
export {
  type DaemonAdWire,
  DaemonAdWireSchema,
  JOB_STATUS,
  type JobAdWire,
  JobAdWireSchema,
  type JobStatus,
  type SlotAdWire,
  SlotAdWireSchema,
} from "./wire.js";
