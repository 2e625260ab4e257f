import { FileReadError, formatSpecIssue, type SpecIssue, SpecValidationError } from "@bsaas/sdk";
import { type ClusterSummary, loadClusterSpec, summarizeCluster } from "@bsaas/sdk/cluster";
import { Flags } from "@oclif/core";
import { BaseCommand } from "../base.js";

/** What `bsaas validate --json` prints. */
export interface ValidateResult {
  file: string;
  valid: boolean;
  issues: SpecIssue[];
  warnings: SpecIssue[];
  summary?: ClusterSummary;
}

export default class Validate extends BaseCommand {
  static override summary = "Check a cluster file and show what it would deploy.";
  static override description =
    `Reads the cluster file, interpolates \${ENV_VAR} references, and checks every field and the rules between them (site references, executor pool bounds, network and runtime combinations). Every problem is listed as file:line:column: field: message. Nothing is contacted or changed.

Exit status: 0 when the file is valid (warnings allowed), 1 when it is not, 2 on a usage error.`;
  static override examples = [
    "<%= config.bin %> <%= command.id %> -f examples/local.yaml",
    "<%= config.bin %> <%= command.id %> -f cluster.yaml --json",
  ];
  static override enableJsonFlag = true;
  static override flags = {
    file: Flags.string({ char: "f", summary: "Cluster file (YAML).", required: true }),
  };

  async run(): Promise<ValidateResult> {
    const { flags } = await this.parse(Validate);
    const file = flags.file;
    try {
      const { spec, warnings } = await loadClusterSpec(file);
      const result: ValidateResult = {
        file,
        valid: true,
        issues: [],
        warnings,
        summary: summarizeCluster(spec),
      };
      if (!this.jsonEnabled()) this.printValid(result);
      return result;
    } catch (error) {
      if (error instanceof FileReadError)
        this.error(error.message, { exit: 1, suggestions: error.hint ? [error.hint] : [] });
      if (!(error instanceof SpecValidationError)) throw error;
      const result: ValidateResult = { file, valid: false, issues: error.issues, warnings: [] };
      if (!this.jsonEnabled()) {
        const count = error.issues.length === 1 ? "1 problem" : `${error.issues.length} problems`;
        this.log(`✗ ${file} is not a valid cluster file (${count}):`);
        for (const issue of error.issues) this.log(`  ${formatSpecIssue(issue)}`);
      }
      // Not this.exit(1): with --json that would print a second document (the exit "error") after the result.
      process.exitCode = 1;
      return result;
    }
  }

  private printValid({ file, warnings, summary }: ValidateResult): void {
    this.log(`✓ ${file} is a valid cluster file`);
    for (const warning of warnings) this.log(`  warning: ${formatSpecIssue(warning)}`);
    if (!summary) return;
    this.log("");
    this.log(
      `cluster ${summary.name}: ${summary.runtime} runtime, ${summary.security} security, shared port ${summary.sharedPort ? "on" : "off"}`,
    );
    for (const site of summary.sites) {
      const pool = site.executors;
      this.log(
        `  site ${site.name}  (marathon ${site.marathon}, network ${site.network}${site.ccb ? ", via CCB" : ""})`,
      );
      if (site.roles.length > 0) this.log(`    ${site.roles.join(", ")}`);
      this.log(
        `    executors: ${pool.instances} (min ${pool.min}, max ${pool.max}) × ${pool.cpus} CPU, ${pool.mem} MiB, ${pool.partitionable ? "partitionable" : "static"} slots`,
      );
      this.log(`    requests ${site.requested.cpus} CPU, ${site.requested.mem} MiB`);
    }
    const t = summary.totals;
    this.log(`  total: ${t.executors} executors, ${t.cpus} CPU, ${t.mem} MiB`);
  }
}
