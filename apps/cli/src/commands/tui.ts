import { Flags } from "@oclif/core";
import { ClusterCommand, clusterFlags, ms, opt, timeoutFlag } from "../cluster-flags.js";

export default class Tui extends ClusterCommand {
  static override summary = "Watch and operate a cluster in a terminal dashboard.";
  static override description =
    `A live dashboard of the cluster, per site: the Marathon apps (CPU, memory, status, running instances, health), deployments in flight with their steps, the Mesos agents and their free resources, the HTCondor pool (executors, slots by state, jobs idle/running/held) and a scrolling event log. Data follows each site's Marathon event stream and Mesos operator stream, with polling as fallback; each panel loads and fails on its own, so a slow site never blocks the screen.

Keys: tab moves between panels, ←/→ between sites, enter opens the selected app (definition, tasks, health results), + and - scale the site's executors (confirmed; scaling down drains first, as bsaas scale does), s submits a sample job (needs HTCondor here), r reads everything again, ? shows help, q quits.

Works in an 80×24 terminal and larger; with NO_COLOR set it uses no colours.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f cluster.yaml",
    "<%= config.bin %> <%= command.id %> -f examples/local.yaml --marathon local=http://127.0.0.1:18080 --mesos local=http://127.0.0.1:15050",
  ];
  static override flags = {
    ...clusterFlags,
    interval: Flags.integer({
      summary: "Poll every part this often, in seconds, whatever the event streams say (default 5).",
      min: 1,
      helpValue: "SECONDS",
    }),
    timeout: timeoutFlag("How long each request to a Marathon or Mesos master may take (default 30)."),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Tui);
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      this.error("bsaas tui needs a terminal (stdin and stdout must be a TTY).", {
        exit: 2,
        suggestions: ["For a one-off view in scripts use `bsaas status` (or `bsaas status --json`)."],
      });
    }
    const client = await this.openCluster(flags, { requestTimeoutMs: ms(flags.timeout) });
    // Ink draws only its last frame when it believes it runs in CI (CI set in the environment, as in CI jobs that
    // drive a terminal): this command always has one. Ink reads the variable when it loads, hence the late import.
    for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) if (key in process.env) process.env[key] = "false";
    const { runDashboard } = await import("@bsaas/tui");
    await runDashboard(client, { ...opt("intervalMs", ms(flags.interval)) });
  }
}
