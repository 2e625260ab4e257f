// Imports the built package the way a consumer does (through package.json "exports"), not the sources.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";

describe("@bsaas/sdk exports", () => {
  it("root and subpath entries resolve to the build and expose the public API", async () => {
    const root = await import("@bsaas/sdk");
    const cluster = await import("@bsaas/sdk/cluster");
    for (const name of [
      "loadClusterSpec",
      "parseClusterSpec",
      "clusterJsonSchema",
      "summarizeCluster",
      "ClusterSpecSchema",
    ]) {
      expect(typeof (cluster as Record<string, unknown>)[name], name).not.toBe("undefined");
      expect((root as Record<string, unknown>)[name], name).toBe((cluster as Record<string, unknown>)[name]);
    }
    expect(new root.SpecValidationError("f", [])).toBeInstanceOf(root.BsaasError);
    const resolved = createRequire(import.meta.url).resolve("@bsaas/sdk/package.json");
    expect(resolved).toMatch(/packages\/sdk\/package\.json$/);
  });

  it("exposes HTCondor as @bsaas/sdk/htcondor", async () => {
    const htcondor = (await import("@bsaas/sdk/htcondor")) as Record<string, unknown>;
    for (const name of [
      "parseAd",
      "parseExpr",
      "evaluate",
      "matchAds",
      "ClassAd",
      "renderCondorConfig",
      "parseCondorConfig",
      "mintToken",
      "buildSubmit",
      "parseSubmit",
      "CondorPool",
      "chrootCondorTools",
      "locateHTCondor",
      "startCondorInstance",
    ]) {
      expect(typeof htcondor[name], name).toBe("function");
    }
  });

  it("ships the JSON Schema as @bsaas/sdk/cluster.schema.json", async () => {
    const { default: schema } = await import("@bsaas/sdk/cluster.schema.json", { with: { type: "json" } });
    const { clusterJsonSchema } = await import("@bsaas/sdk/cluster");
    expect(schema).toEqual(clusterJsonSchema());
  });
});
