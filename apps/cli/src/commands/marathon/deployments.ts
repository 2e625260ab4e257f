import type { Deployment } from "@bsaas/sdk/marathon";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";
import { table } from "../../table.js";

export default class MarathonDeployments extends BaseCommand {
  static override summary = "List the deployments Marathon is carrying out, with their current step.";
  static override examples = ["<%= config.bin %> <%= command.id %> --marathon http://127.0.0.1:8080"];
  static override enableJsonFlag = true;
  static override flags = { ...marathonFlags };

  async run(): Promise<Deployment[]> {
    const { flags } = await this.parse(MarathonDeployments);
    const deployments = await marathonClient(flags).listDeployments();
    if (!this.jsonEnabled()) {
      const rows = deployments.map((d) => [
        d.id,
        `${d.currentStep ?? 0}/${d.totalSteps ?? d.steps?.length ?? 0}`,
        (d.currentActions ?? []).map((a) => `${a.action} ${a.app ?? a.pod ?? ""}`.trim()).join(", ") || "—",
        (d.affectedApps ?? []).join(", "),
      ]);
      this.log(
        deployments.length === 0
          ? "No deployments in flight."
          : table(["ID", "STEP", "CURRENT ACTIONS", "APPS"], rows),
      );
    }
    return deployments;
  }
}
