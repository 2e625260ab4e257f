import { loadClusterSpec, summarizeCluster } from "@bsaas/sdk/cluster";
import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { ClusterOverview } from "./ClusterOverview.js";

const example = (name: string) => new URL(`../../../examples/${name}`, import.meta.url).pathname;

describe("ClusterOverview", () => {
  it("shows each site with its roles, network and executor pool", async () => {
    const { spec } = await loadClusterSpec(example("two-sites.yaml"));
    const { lastFrame, unmount } = render(<ClusterOverview summary={summarizeCluster(spec)} />);
    const frame = lastFrame() ?? "";
    unmount();
    expect(frame).toContain("physics");
    expect(frame).toMatch(/infn-to .*calico:htcondor-to/);
    expect(frame).toContain("central-manager, submitter/submit-to");
    expect(frame).toMatch(/infn-ba .*calico:htcondor-ba · CCB/);
    expect(frame).toContain("executors 2 (min 0, max 50)");
    expect(frame).toContain("total 6 executors");
  });

  it("fits an 80-column terminal", async () => {
    const { spec } = await loadClusterSpec(example("local.yaml"));
    const { lastFrame, unmount } = render(<ClusterOverview summary={summarizeCluster(spec)} width={80} />);
    const lines = (lastFrame() ?? "").split("\n");
    unmount();
    expect(Math.max(...lines.map((l) => l.length))).toBe(80);
    expect(lines.join("\n")).toContain("executors 3 (min 1, max 5)");
  });
});
