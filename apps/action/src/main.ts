import { isAbsolute, relative, resolve } from "node:path";
import * as core from "@actions/core";
import { BsaasError, formatSpecIssue, type SpecIssue, SpecValidationError } from "@bsaas/sdk";
import { type ClusterSummary, loadClusterSpec, summarizeCluster } from "@bsaas/sdk/cluster";

const COMMANDS = ["validate"] as const;

/**
 * The action's whole behaviour: read the inputs, call the SDK, report through outputs, annotations and the job
 * summary. Any error fails the step with a message that says what to do.
 */
export async function run(): Promise<void> {
  try {
    const command = core.getInput("command") || "validate";
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new BsaasError("ACTION_INPUT", `Unknown command "${command}"`, {
        hint: `Use one of: ${COMMANDS.join(", ")}.`,
      });
    }
    await validate(core.getInput("cluster-file", { required: true }));
  } catch (error) {
    const hint = error instanceof BsaasError && error.hint ? ` ${error.hint}` : "";
    core.setFailed(`${error instanceof Error ? error.message : String(error)}${hint}`);
  }
}

async function validate(clusterFile: string): Promise<void> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const path = isAbsolute(clusterFile) ? clusterFile : resolve(workspace, clusterFile);
  // Annotations need the path as the repository names it.
  const shown = relative(workspace, path) || clusterFile;
  try {
    const { spec, warnings } = await loadClusterSpec(path, { file: shown });
    for (const w of warnings) core.warning(w.message, annotation(w));
    const summary = summarizeCluster(spec);
    core.setOutput("valid", "true");
    core.setOutput("executors", String(summary.totals.executors));
    core.setOutput("sites", summary.sites.map((s) => s.name).join(","));
    await writeSummary(shown, summary);
    core.info(`${shown} is a valid cluster file`);
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    core.setOutput("valid", "false");
    for (const issue of error.issues) core.error(issue.message, annotation(issue));
    await core.summary
      .addHeading(`${shown}: not a valid cluster file`, 3)
      .addList(error.issues.map(formatSpecIssue))
      .write();
    const count = error.issues.length === 1 ? "1 problem" : `${error.issues.length} problems`;
    throw new BsaasError(
      "SPEC_INVALID",
      `${shown} is not a valid cluster file (${count}); see the annotations.`,
      {
        cause: error,
      },
    );
  }
}

function annotation(issue: SpecIssue): core.AnnotationProperties {
  const field =
    issue.path.length > 0 ? issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("") : "";
  return {
    title: field ? `bsaas: ${field.replace(/^\./, "")}` : "bsaas",
    file: issue.file,
    startLine: issue.position.line,
    startColumn: issue.position.column,
  };
}

async function writeSummary(file: string, summary: ClusterSummary): Promise<void> {
  const rows = summary.sites.map((s) => [
    s.name,
    s.roles.join(", ") || "—",
    s.network + (s.ccb ? " (CCB)" : ""),
    `${s.executors.instances} (${s.executors.min}–${s.executors.max})`,
    `${s.requested.cpus} CPU, ${s.requested.mem} MiB`,
  ]);
  await core.summary
    .addHeading(`Cluster ${summary.name}`, 3)
    .addRaw(`${file} is valid: ${summary.runtime} runtime, ${summary.security} security.`, true)
    .addTable([
      [
        { data: "site", header: true },
        { data: "roles", header: true },
        { data: "network", header: true },
        { data: "executors (min–max)", header: true },
        { data: "requests", header: true },
      ],
      ...rows,
    ])
    .write();
}
