import { defineConfig } from "tsup";

// One entry per public area; package.json "exports" lists the same subpaths.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    "cluster/index": "src/cluster/index.ts",
    "http/index": "src/http/index.ts",
    "htcondor/index": "src/htcondor/index.ts",
    "marathon/index": "src/marathon/index.ts",
    "mesos/index": "src/mesos/index.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: true,
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
});
