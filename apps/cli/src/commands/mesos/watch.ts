import { type OperatorStreamItem, stringifyMesosJson } from "@bsaas/sdk/mesos";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";
import { mesosClient, mesosFlags } from "../../mesos-flags.js";

export default class MesosWatch extends BaseCommand {
  static override summary = "Follow the Mesos master's event stream (operator SUBSCRIBE).";
  static override description =
    'Prints one line per task, agent and framework event until interrupted (or --count events). The first event is the SUBSCRIBED snapshot. With --json, one JSON object per line ({"kind":"event","event":{...}}), and {"kind":"reconnected"} before the fresh snapshot after a drop or a leader change.';
  static override examples = [
    "<%= config.bin %> <%= command.id %> --mesos zk://127.0.0.1:2181/mesos",
    "<%= config.bin %> <%= command.id %> --json --count 5",
  ];
  static override flags = {
    ...mesosFlags,
    count: Flags.integer({ summary: "Exit after this many events (heartbeats not counted).", min: 1 }),
    heartbeats: Flags.boolean({ summary: "Also print HEARTBEAT events." }),
    json: Flags.boolean({ summary: "One JSON object per line." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(MesosWatch);
    const client = mesosClient(flags);
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    let seen = 0;
    try {
      for await (const item of client.subscribe({ signal: controller.signal })) {
        const heartbeat = item.kind === "event" && item.event.type === "HEARTBEAT";
        if (heartbeat && !flags.heartbeats) continue;
        this.log(flags.json ? stringifyMesosJson(jsonItem(item)) : line(item));
        if (item.kind === "event" && !heartbeat && flags.count !== undefined && ++seen >= flags.count) break;
      }
    } finally {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      client.close();
    }
  }
}

function jsonItem(item: OperatorStreamItem): unknown {
  return item.kind === "invalid" ? { kind: "invalid", error: item.error.message } : item;
}

function line(item: OperatorStreamItem): string {
  if (item.kind === "reconnected")
    return `-- reconnected after ${Math.round(item.downMs / 100) / 10}s; a new snapshot follows`;
  if (item.kind === "invalid") return `!! ${item.error.message}`;
  const e = item.event as Record<string, unknown> & { type: string };
  const now = new Date().toISOString();
  switch (e.type) {
    case "SUBSCRIBED": {
      const state = (
        e.subscribed as {
          get_state?: { get_tasks?: { tasks?: unknown[] }; get_agents?: { agents?: unknown[] } };
        }
      ).get_state;
      return `${now}  SUBSCRIBED  ${state?.get_agents?.agents?.length ?? 0} agents, ${state?.get_tasks?.tasks?.length ?? 0} tasks`;
    }
    case "TASK_ADDED": {
      const task = (e.task_added as { task?: { task_id?: { value?: string }; state?: string } }).task;
      return `${now}  TASK_ADDED  ${task?.task_id?.value ?? ""} ${task?.state ?? ""}`;
    }
    case "TASK_UPDATED": {
      const u = e.task_updated as {
        state?: string;
        status?: { task_id?: { value?: string }; message?: string };
        task_id?: { value?: string };
      };
      return `${now}  TASK_UPDATED  ${u.status?.task_id?.value ?? u.task_id?.value ?? ""} ${u.state ?? ""}${u.status?.message ? ` (${u.status.message})` : ""}`;
    }
    case "AGENT_ADDED":
      return `${now}  AGENT_ADDED  ${(e.agent_added as { agent?: { agent_info?: { hostname?: string } } }).agent?.agent_info?.hostname ?? ""}`;
    case "AGENT_REMOVED":
      return `${now}  AGENT_REMOVED  ${(e.agent_removed as { agent_id?: { value?: string } }).agent_id?.value ?? ""}`;
    default:
      return `${now}  ${e.type}`;
  }
}
