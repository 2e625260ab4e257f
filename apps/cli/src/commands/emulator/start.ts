import { startEmulator } from "@bsaas/emulator";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../../base.js";

export default class EmulatorStart extends BaseCommand {
  static override summary = "Run the Mesos and Marathon emulator in the foreground, on loopback.";
  static override description =
    `Starts a Mesos master (scheduler, operator and legacy state APIs) with emulated agents, and a Marathon (REST API v2 and event stream) registered with it as a framework. With --runner process, command tasks run as real local processes in per-task sandboxes (with MESOS_SANDBOX, PORT0..., HOST); with --runner simulated (the default) tasks only change state. Prints the URLs, then runs until SIGINT or SIGTERM, when it stops every task and exits.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %>",
    "<%= config.bin %> <%= command.id %> --marathon-port 0 --mesos-port 0 --agents 5 --runner process --json",
  ];
  static override flags = {
    "marathon-port": Flags.integer({
      summary: "Port of the Marathon API (0 picks a free one).",
      default: 8080,
      min: 0,
      max: 65535,
    }),
    "mesos-port": Flags.integer({
      summary: "Port of the Mesos master (0 picks a free one).",
      default: 5050,
      min: 0,
      max: 65535,
    }),
    host: Flags.string({ summary: "Loopback address to listen on.", default: "127.0.0.1" }),
    agents: Flags.integer({ summary: "Number of emulated agents.", default: 3, min: 1 }),
    "agent-cpus": Flags.integer({ summary: "CPUs of each agent.", default: 4, min: 1 }),
    "agent-mem": Flags.integer({ summary: "Memory of each agent, in MiB.", default: 8192, min: 1 }),
    "agent-disk": Flags.integer({ summary: "Disk of each agent, in MiB.", default: 20000, min: 1 }),
    runner: Flags.string({
      summary: "How tasks run.",
      options: ["simulated", "process"],
      default: "simulated",
    }),
    "work-dir": Flags.string({
      summary: "Root of the process runner's task sandboxes (default: a new temporary folder).",
    }),
    zk: Flags.string({
      summary: "Register the master in this ZooKeeper (host:port), under /mesos, as Mesos masters do.",
    }),
    json: Flags.boolean({ summary: "Print the URLs as one JSON line once listening." }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(EmulatorStart);
    const agents = Array.from({ length: flags.agents }, () => ({
      cpus: flags["agent-cpus"],
      mem: flags["agent-mem"],
      disk: flags["agent-disk"],
    }));
    const emulator = await startEmulator({
      host: flags.host,
      agents,
      runner: flags.runner === "process" ? "process" : "simulated",
      ...(flags["work-dir"] ? { workDir: flags["work-dir"] } : {}),
      mesos: {
        port: flags["mesos-port"],
        ...(flags.zk ? { zk: { connectString: flags.zk, path: "/mesos" } } : {}),
      },
      marathon: { port: flags["marathon-port"] },
    });
    if (flags.json) {
      this.log(
        JSON.stringify({
          mesos: emulator.mesosUrl,
          marathon: emulator.marathonUrl,
          agents: flags.agents,
          runner: flags.runner,
        }),
      );
    } else {
      this.log(`Mesos     ${emulator.mesosUrl}${flags.zk ? ` (zk://${flags.zk}/mesos)` : ""}`);
      this.log(`Marathon  ${emulator.marathonUrl}`);
      this.log(
        `agents    ${flags.agents} × ${flags["agent-cpus"]} CPU, ${flags["agent-mem"]} MiB (runner: ${flags.runner})`,
      );
      this.log("Stop with Ctrl-C.");
    }
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await emulator.close();
    if (!flags.json) this.log("stopped");
  }
}
