import type { Info } from "@bsaas/sdk/marathon";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";

export default class MarathonInfo extends BaseCommand {
  static override summary = "Show Marathon's version, leader and framework id.";
  static override examples = ["<%= config.bin %> <%= command.id %> --marathon http://127.0.0.1:8080 --json"];
  static override enableJsonFlag = true;
  static override flags = { ...marathonFlags };

  async run(): Promise<Info> {
    const { flags } = await this.parse(MarathonInfo);
    const info = await marathonClient(flags).info();
    if (!this.jsonEnabled()) {
      this.log(`${info.name ?? "marathon"} ${info.version ?? "?"}`);
      this.log(`leader:       ${info.leader ?? "none"}${info.elected ? " (this instance)" : ""}`);
      this.log(`framework id: ${info.frameworkId ?? "—"}`);
    }
    return info;
  }
}
