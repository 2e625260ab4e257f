import { resourceTotals } from "@bsaas/sdk/mesos";
import { BaseCommand } from "../../base.js";
import { mesosClient, mesosFlags } from "../../mesos-flags.js";

export default class MesosState extends BaseCommand {
  static override summary = "Show the Mesos cluster at a glance: leader, version, agents, frameworks, tasks.";
  static override description =
    "With --json, prints the operator API's GET_STATE answer (64-bit integers as JSON numbers, exact).";
  static override examples = ["<%= config.bin %> <%= command.id %> --mesos zk://127.0.0.1:2181/mesos"];
  static override enableJsonFlag = true;
  static override flags = { ...mesosFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MesosState);
    const client = mesosClient(flags);
    try {
      const [state, version, leader] = await Promise.all([
        client.getState(),
        client.getVersion(),
        client.connection.leaderUrl(),
      ]);
      if (!this.jsonEnabled()) {
        const agents = state.get_agents?.agents ?? [];
        const total = resourceTotals(agents.flatMap((a) => a.total_resources ?? []));
        const used = resourceTotals(agents.flatMap((a) => a.allocated_resources ?? []));
        const tasks = state.get_tasks?.tasks ?? [];
        const byState = new Map<string, number>();
        for (const t of tasks) byState.set(t.state ?? "?", (byState.get(t.state ?? "?") ?? 0) + 1);
        this.log(`leader      ${leader} (Mesos ${version.version_info.version})`);
        this.log(
          `agents      ${agents.length}: ${used.cpus}/${total.cpus} CPUs, ${used.mem}/${total.mem} MiB in use`,
        );
        this.log(
          `frameworks  ${(state.get_frameworks?.frameworks ?? []).map((f) => f.framework_info.name).join(", ") || "none"}`,
        );
        this.log(
          `tasks       ${tasks.length}${byState.size ? ` (${[...byState].map(([s, n]) => `${n} ${s}`).join(", ")})` : ""}`,
        );
      }
      return state;
    } finally {
      client.close();
    }
  }
}
