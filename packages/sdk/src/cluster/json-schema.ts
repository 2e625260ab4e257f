import { z } from "zod";
import { CLUSTER_API_VERSION, ClusterSpecSchema } from "./spec.js";

/** `$id` of the cluster file's JSON Schema. */
export const CLUSTER_SCHEMA_ID = `https://bsaas.io/schemas/${CLUSTER_API_VERSION.split("/")[1]}/cluster.schema.json`;

/**
 * The JSON Schema (draft 2020-12) of the cluster file, generated from {@link ClusterSpecSchema}. It describes the file
 * as written (defaults optional), so editors can complete and check it. The cross-field rules (site references, pool
 * bounds) are only checked by the SDK itself.
 *
 * @example
 * // .vscode/settings.json: "yaml.schemas": { "./node_modules/@bsaas/sdk/schema/cluster.schema.json": "cluster*.yaml" }
 * const schema = clusterJsonSchema();
 */
export function clusterJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(ClusterSpecSchema, {
    io: "input",
    target: "draft-2020-12",
    unrepresentable: "throw",
  });
  const { $schema, ...rest } = generated as Record<string, unknown>;
  return { $schema, $id: CLUSTER_SCHEMA_ID, title: "bsaas cluster file", ...rest };
}
