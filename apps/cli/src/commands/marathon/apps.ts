import { type App, appRow } from "@bsaas/sdk/marathon";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";
import { table } from "../../table.js";

export default class MarathonApps extends BaseCommand {
  static override summary = "List Marathon apps: instances, resources, status and health.";
  static override examples = [
    "<%= config.bin %> <%= command.id %> --marathon http://127.0.0.1:8080",
    "BSAAS_MARATHON_URL=http://127.0.0.1:8080 <%= config.bin %> <%= command.id %> --id /bsaas/local --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    ...marathonFlags,
    id: Flags.string({ summary: "Only apps whose id contains this text." }),
    label: Flags.string({ summary: "Label selector, e.g. bsaas.role==executor." }),
    tasks: Flags.boolean({ summary: "Embed each app's tasks (in --json output)." }),
  };

  async run(): Promise<{ apps: App[] }> {
    const { flags } = await this.parse(MarathonApps);
    const apps = await marathonClient(flags).listApps({
      id: flags.id,
      label: flags.label,
      embed: ["apps.counts", "apps.deployments", ...(flags.tasks ? (["apps.tasks"] as const) : [])],
    });
    if (!this.jsonEnabled()) {
      const rows = apps
        .map(appRow)
        .map((r) => [
          r.id,
          r.cpus,
          r.mem,
          r.status,
          `${r.running} of ${r.instances}`,
          r.health === "none" ? "—" : `${r.health} (${r.healthy}/${r.running})`,
        ]);
      this.log(
        apps.length === 0 ? "No apps." : table(["ID", "CPU", "MEMORY", "STATUS", "RUNNING", "HEALTH"], rows),
      );
    }
    return { apps };
  }
}
