import { resourceTotals } from "@bsaas/sdk/mesos";
import { BaseCommand } from "../../base.js";
import { mesosClient, mesosFlags } from "../../mesos-flags.js";
import { table } from "../../table.js";

export default class MesosFrameworks extends BaseCommand {
  static override summary = "List the frameworks registered with Mesos (Marathon, bsaas) and what they use.";
  static override examples = ["<%= config.bin %> <%= command.id %> --mesos http://127.0.0.1:5050"];
  static override enableJsonFlag = true;
  static override flags = { ...mesosFlags };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(MesosFrameworks);
    const client = mesosClient(flags);
    try {
      const result = await client.getFrameworks();
      if (!this.jsonEnabled()) {
        const rows = (result.frameworks ?? []).map((f) => {
          const used = resourceTotals(f.allocated_resources);
          const state = f.active === false ? "inactive" : f.connected === false ? "disconnected" : "active";
          return [
            f.framework_info.id?.value ?? "",
            f.framework_info.name,
            f.framework_info.user ?? "",
            state,
            used.cpus,
            used.mem,
          ];
        });
        this.log(
          rows.length === 0
            ? "No frameworks."
            : table(["ID", "NAME", "USER", "STATE", "CPUS", "MEM (MiB)"], rows),
        );
      }
      return result;
    } finally {
      client.close();
    }
  }
}
