import type { ClusterSummary } from "@bsaas/sdk/cluster";
import { Box, Text, useStdout } from "ink";

/** Props of {@link ClusterOverview}. */
export interface ClusterOverviewProps {
  summary: ClusterSummary;
  /** Columns to draw in; defaults to the terminal's width. */
  width?: number;
}

/**
 * What a cluster file deploys, per site: roles, network, and the executor pool with its bounds. The dashboard's site
 * panels start from this and add live state (Marathon apps, Mesos agents, HTCondor slots).
 */
export function ClusterOverview({ summary, width }: ClusterOverviewProps) {
  const { stdout } = useStdout();
  return (
    <Box flexDirection="column" width={width ?? stdout.columns ?? 80}>
      <Text>
        <Text bold>{summary.name}</Text>
        <Text dimColor>
          {"  "}
          {summary.runtime} runtime · {summary.security} · shared port {summary.sharedPort ? "on" : "off"}
        </Text>
      </Text>
      {summary.sites.map((site) => (
        <Box key={site.name} flexDirection="column" borderStyle="round" paddingX={1}>
          <Text>
            <Text bold color="cyan">
              {site.name}
            </Text>
            <Text dimColor>
              {"  "}
              {site.marathon} · {site.network}
              {site.ccb ? " · CCB" : ""}
            </Text>
          </Text>
          {site.roles.length > 0 && <Text>{site.roles.join(", ")}</Text>}
          <Text>
            executors {site.executors.instances}{" "}
            <Text dimColor>
              (min {site.executors.min}, max {site.executors.max}) × {site.executors.cpus} CPU,{" "}
              {site.executors.mem} MiB
            </Text>
          </Text>
        </Box>
      ))}
      <Text dimColor>
        total {summary.totals.executors} executors · {summary.totals.cpus} CPU · {summary.totals.mem} MiB
      </Text>
    </Box>
  );
}
