import { type ClusterClient, watchCluster } from "@bsaas/sdk/cluster";
import { render } from "ink";
import { clusterActions } from "./actions.js";
import { Dashboard } from "./Dashboard.js";
import { noColorFromEnv } from "./theme.js";

/** Options of {@link runDashboard}. */
export interface RunDashboardOptions {
  /** Polling period of every part when the event streams are quiet (default 5000 ms). */
  intervalMs?: number;
  /** No colours (default: `NO_COLOR` set). */
  noColor?: boolean;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  /** Draw on the terminal's alternate screen and restore it on exit (default: when stdout is a terminal). */
  alternateScreen?: boolean;
}

/**
 * Runs the dashboard of a cluster in the terminal until the user quits: watches it ({@link watchCluster}), draws
 * {@link Dashboard}, and on exit stops every stream and timer and restores the screen.
 */
export async function runDashboard(client: ClusterClient, options: RunDashboardOptions = {}): Promise<void> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const watch = watchCluster(client, options.intervalMs ? { intervalMs: options.intervalMs } : {});
  const bounds = Object.fromEntries(
    client.spec.sites.map((s) => [
      s.name,
      { min: s.executors.min, max: s.executors.max ?? s.executors.instances },
    ]),
  );
  const alternate = options.alternateScreen ?? stdout.isTTY === true;
  if (alternate) stdout.write("\x1b[?1049h\x1b[H\x1b[2J");
  try {
    const instance = render(
      <Dashboard
        watch={watch}
        actions={clusterActions(client)}
        bounds={bounds}
        noColor={options.noColor ?? noColorFromEnv()}
      />,
      { stdout, stdin, exitOnCtrlC: false, patchConsole: true },
    );
    // Closed terminal, kill, Ctrl-C from outside: leave as q does (streams stopped, screen restored).
    const leave = () => instance.unmount();
    const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
    for (const signal of signals) process.once(signal, leave);
    try {
      await instance.waitUntilExit();
    } finally {
      for (const signal of signals) process.off(signal, leave);
    }
  } finally {
    watch.close();
    if (alternate) stdout.write("\x1b[?1049l");
  }
}
