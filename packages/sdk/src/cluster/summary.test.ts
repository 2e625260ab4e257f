import { describe, expect, it } from "vitest";
import { loadClusterSpec } from "./load.js";
import { summarizeCluster } from "./summary.js";

const example = (name: string) => new URL(`../../../../examples/${name}`, import.meta.url).pathname;

describe("summarizeCluster", () => {
  it("places roles per site and adds up what the tasks request", async () => {
    const { spec } = await loadClusterSpec(example("two-sites.yaml"));
    const summary = summarizeCluster(spec);
    expect(summary.sites.map((s) => [s.name, s.roles, s.network, s.ccb])).toEqual([
      ["infn-to", ["central-manager", "submitter/submit-to"], "calico:htcondor-to", false],
      ["infn-ba", [], "calico:htcondor-ba", true],
    ]);
    // infn-to: CM 1 cpu/1024 + submitter 1/2048 + 4 executors x 4/8192; infn-ba: 2 x 4/8192.
    expect(summary.sites[0]?.requested).toEqual({ cpus: 18, mem: 1024 + 2048 + 4 * 8192 });
    expect(summary.sites[1]?.requested).toEqual({ cpus: 8, mem: 2 * 8192 });
    expect(summary.totals).toEqual({ executors: 6, cpus: 26, mem: 1024 + 2048 + 6 * 8192 });
  });

  it("counts high-availability central managers and defaults max to instances", async () => {
    const { spec } = await loadClusterSpec(example("local.yaml"));
    spec.centralManager.highAvailability = { replicas: 2 };
    const site = spec.sites[0];
    if (!site) throw new Error("local.yaml has a site");
    site.executors.max = undefined;
    const summary = summarizeCluster(spec);
    expect(summary.centralManagers).toBe(2);
    expect(summary.sites[0]?.roles).toEqual(["central-manager x2", "submitter/submit"]);
    expect(summary.sites[0]?.executors.max).toBe(3);
    expect(summary.totals.cpus).toBe(0.5 * 2 + 0.5 + 3);
  });
});
