import type { Task } from "@bsaas/sdk/marathon";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";
import { table } from "../../table.js";

export default class MarathonTasks extends BaseCommand {
  static override summary = "List Marathon tasks: app, state, host, ports and health.";
  static override examples = [
    "<%= config.bin %> <%= command.id %> --marathon http://127.0.0.1:8080",
    "<%= config.bin %> <%= command.id %> --app /bsaas/local/local/executors --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...marathonFlags,
    app: Flags.string({ summary: "Only the tasks of this app." }),
    status: Flags.string({
      summary: "Only tasks in this state (running, staging, ...); repeatable.",
      multiple: true,
    }),
  };

  async run(): Promise<{ tasks: Task[] }> {
    const { flags } = await this.parse(MarathonTasks);
    const client = marathonClient(flags);
    const tasks = flags.app
      ? await client.appTasks(flags.app)
      : await client.listTasks({ status: flags.status });
    if (!this.jsonEnabled()) {
      const rows = tasks.map((t) => {
        const results = t.healthCheckResults ?? [];
        const health = results.length === 0 ? "—" : results.every((r) => r.alive) ? "healthy" : "unhealthy";
        return [t.id, t.appId ?? "", t.state ?? "", t.host ?? "", (t.ports ?? []).join(","), health];
      });
      this.log(
        tasks.length === 0 ? "No tasks." : table(["ID", "APP", "STATE", "HOST", "PORTS", "HEALTH"], rows),
      );
    }
    return { tasks };
  }
}
