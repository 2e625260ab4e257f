import { attributeValue, resourceTotals } from "@bsaas/sdk/mesos";
import { BaseCommand } from "../../base.js";
import { mesosClient, mesosFlags } from "../../mesos-flags.js";
import { table } from "../../table.js";

export default class MesosAgents extends BaseCommand {
  static override summary = "List Mesos agents: site, resources used of total, state.";
  static override examples = [
    "<%= config.bin %> <%= command.id %> --mesos http://127.0.0.1:5050",
    "<%= config.bin %> <%= command.id %> --mesos zk://127.0.0.1:2181/mesos --json",
  ];
  static override enableJsonFlag = true;
  static override flags = { ...mesosFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MesosAgents);
    const client = mesosClient(flags);
    try {
      const result = await client.getAgents();
      if (!this.jsonEnabled()) {
        const rows = (result.agents ?? []).map((a) => {
          const total = resourceTotals(a.total_resources);
          const used = resourceTotals(a.allocated_resources);
          return [
            a.agent_info.id?.value ?? "",
            a.agent_info.hostname,
            attributeValue(a.agent_info.attributes, "site") ?? "—",
            `${used.cpus}/${total.cpus}`,
            `${used.mem}/${total.mem}`,
            a.active === false ? "inactive" : "active",
          ];
        });
        this.log(
          rows.length === 0
            ? "No agents."
            : table(["ID", "HOSTNAME", "SITE", "CPUS", "MEM (MiB)", "STATE"], rows),
        );
      }
      return result;
    } finally {
      client.close();
    }
  }
}
