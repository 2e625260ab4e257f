import type { QueueItem } from "@bsaas/sdk/marathon";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";
import { table } from "../../table.js";

export default class MarathonQueue extends BaseCommand {
  static override summary =
    "Show what waits for resources in Marathon's launch queue, and why offers were declined.";
  static override examples = ["<%= config.bin %> <%= command.id %> --marathon http://127.0.0.1:8080"];
  static override enableJsonFlag = true;
  static override flags = { ...marathonFlags };

  async run(): Promise<{ queue: QueueItem[] }> {
    const { flags } = await this.parse(MarathonQueue);
    const queue = await marathonClient(flags).queue();
    if (!this.jsonEnabled()) {
      const rows = queue.map((item) => {
        const reasons = (item.processedOffersSummary?.rejectSummaryLastOffers ?? [])
          .filter((r) => (r.declined ?? 0) > 0)
          .map((r) => `${r.reason} ${r.declined}/${r.processed}`);
        const delay = item.delay?.overdue ? "overdue" : `${item.delay?.timeLeftSeconds ?? 0}s`;
        return [item.app?.id ?? item.pod?.id ?? "?", item.count ?? 0, delay, reasons.join(", ") || "—"];
      });
      this.log(
        queue.length === 0
          ? "The launch queue is empty."
          : table(["ID", "WAITING", "DELAY", "DECLINED BECAUSE"], rows),
      );
    }
    return { queue };
  }
}
