import type { EventStreamItem } from "@bsaas/sdk/marathon";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";
import { marathonClient, marathonFlags } from "../../marathon-flags.js";

export default class MarathonEvents extends BaseCommand {
  static override summary = "Follow Marathon's event stream.";
  static override description =
    `Prints one line per event until interrupted (or until --count events). With --json, one JSON object per line: {"kind":"event","event":{...}}, and {"kind":"reconnected",...} after the stream was down: events of the gap are lost (Marathon never replays them).`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> --type deployment_success --type deployment_failed",
    "<%= config.bin %> <%= command.id %> --json --count 10",
  ];
  static override flags = {
    ...marathonFlags,
    type: Flags.string({ summary: "Only events of this type; repeatable.", multiple: true }),
    count: Flags.integer({ summary: "Exit after this many events.", min: 1 }),
    json: Flags.boolean({ summary: "One JSON object per line." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(MarathonEvents);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    let seen = 0;
    try {
      for await (const item of marathonClient(flags).events({
        eventTypes: flags.type,
        signal: controller.signal,
      })) {
        this.log(flags.json ? JSON.stringify(jsonItem(item)) : line(item));
        if (item.kind !== "reconnected" && flags.count !== undefined && ++seen >= flags.count) break;
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
    }
  }
}

function jsonItem(item: EventStreamItem): unknown {
  return item.kind === "invalid"
    ? { kind: "invalid", eventType: item.eventType, error: item.error.message }
    : item;
}

function line(item: EventStreamItem): string {
  switch (item.kind) {
    case "reconnected":
      return `-- reconnected after ${Math.round(item.downMs / 100) / 10}s: events of the gap are lost`;
    case "invalid":
      return `!! ${item.error.message}`;
    case "unknown":
      return `${new Date().toISOString()}  ${item.eventType}`;
    case "event": {
      const e = item.event as Record<string, unknown>;
      const subject = e.appId ?? e.id ?? (e.plan as { id?: unknown } | undefined)?.id ?? e.taskId ?? "";
      const state = e.taskStatus ?? (e.alive === undefined ? "" : e.alive ? "alive" : "not alive");
      return `${String(e.timestamp ?? "")}  ${String(e.eventType)}  ${String(subject)} ${String(state)}`.trimEnd();
    }
  }
}
