import { resourceTotals } from "@bsaas/sdk/mesos";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";
import { mesosClient, mesosFlags } from "../../mesos-flags.js";
import { table } from "../../table.js";

export default class MesosTasks extends BaseCommand {
  static override summary = "List Mesos tasks: framework, agent, state, resources.";
  static override examples = [
    "<%= config.bin %> <%= command.id %> --mesos http://127.0.0.1:5050",
    "<%= config.bin %> <%= command.id %> --completed --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...mesosFlags,
    completed: Flags.boolean({ summary: "Also list finished tasks (in the table; --json always has them)." }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MesosTasks);
    const client = mesosClient(flags);
    try {
      const result = await client.getTasks();
      if (!this.jsonEnabled()) {
        const tasks = [
          ...(result.tasks ?? []),
          ...(result.pending_tasks ?? []),
          ...(flags.completed ? (result.completed_tasks ?? []) : []),
        ];
        const rows = tasks.map((t) => {
          const r = resourceTotals(t.resources);
          return [
            t.task_id.value,
            t.framework_id?.value ?? "",
            t.agent_id?.value ?? "",
            t.state ?? "",
            r.cpus,
            r.mem,
          ];
        });
        this.log(
          rows.length === 0
            ? "No tasks."
            : table(["ID", "FRAMEWORK", "AGENT", "STATE", "CPUS", "MEM (MiB)"], rows),
        );
      }
      return result;
    } finally {
      client.close();
    }
  }
}
