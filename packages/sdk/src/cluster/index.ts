/**
 * `@bsaas/sdk/cluster`: the cluster file (its schema, loader and JSON Schema).
 *
 * @packageDocumentation
 */
export { CLUSTER_SCHEMA_ID, clusterJsonSchema } from "./json-schema.js";
export {
  interpolate,
  type LoadedClusterSpec,
  type LoadOptions,
  loadClusterSpec,
  parseClusterSpec,
} from "./load.js";
export * from "./spec.js";
export { type ClusterSummary, summarizeCluster } from "./summary.js";
