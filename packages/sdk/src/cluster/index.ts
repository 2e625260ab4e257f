/**
 * `@bsaas/sdk/cluster`: the cluster file (its schema, loader and JSON Schema) and everything done with it: render,
 * plan, apply, verify, status, scale, destroy and jobs ({@link ClusterClient}).
 *
 * @packageDocumentation
 */

export {
  ApplyError,
  type ApplyOptions,
  applyRendered,
  liveApps,
  type ProgressEvent,
  type ProgressListener,
  planRendered,
  type SiteApplyResult,
} from "./apply.js";
export { type ApplyResult, ClusterClient, type ClusterClientOptions } from "./client.js";
export {
  type ConnectOptions,
  connectPool,
  connectSite,
  type PoolConnection,
  type PoolConnectOptions,
  type SiteClients,
  type SiteEndpoints,
} from "./connect.js";
export { CLUSTER_SCHEMA_ID, clusterJsonSchema } from "./json-schema.js";
export {
  interpolate,
  type LoadedClusterSpec,
  type LoadOptions,
  loadClusterSpec,
  parseClusterSpec,
} from "./load.js";
export * from "./plan.js";
export {
  type AppRole,
  appIdOf,
  centralManagerHost,
  collectorAddress,
  condorConfigFor,
  groupIdOf,
  LABELS,
  RenderError,
  type RenderedApp,
  type RenderedCluster,
  type RenderedSite,
  type RenderOptions,
  renderCluster,
} from "./render.js";
export { type JobDirectory, makeJobDirectory, type SampleJobsOptions, sampleJobs } from "./samples.js";
export {
  type DestroyResult,
  type DrainOptions,
  DrainTimeoutError,
  destroyCluster,
  type ExecutorTask,
  executorTasks,
  type ScaleResult,
  scaleExecutors,
} from "./scale.js";
export * from "./spec.js";
export {
  type ClusterSecrets,
  ClusterStateError,
  defaultStateDir,
  openClusterSecrets,
  resolveSecret,
  type TokenFile,
} from "./state.js";
export {
  type AppStatusRow,
  type ClusterStatus,
  clusterStatus,
  type DeploymentStatus,
  formatStatus,
  type MesosResources,
  type SiteStatus,
  type TaskStatus,
} from "./status.js";
export { type ClusterSummary, summarizeCluster } from "./summary.js";
export {
  ensureHTCondor,
  type LocalAgentSpec,
  type LocalBackend,
  localAgents,
  SampleJobsError,
  type StartLocalBackend,
  type UpOptions,
  type UpResult,
  up,
} from "./up.js";
export {
  type CurrentExecutorTasks,
  inspectPool,
  type SiteExecutors,
  type VerifyOptions,
  type VerifyResult,
  VerifyTimeoutError,
  verifyPool,
} from "./verify.js";
export * from "./watch.js";
