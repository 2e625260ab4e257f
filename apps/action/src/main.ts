import { isAbsolute, relative, resolve } from "node:path";
import * as core from "@actions/core";
import {
  ApplyError,
  BsaasError,
  ClusterClient,
  type ClusterSummary,
  formatPlan,
  formatSpecIssue,
  formatStatus,
  type LoadedClusterSpec,
  loadClusterSpec,
  type ProgressEvent,
  type ScaleResult,
  Secret,
  type SiteApplyResult,
  type SiteEndpoints,
  type SpecIssue,
  SpecValidationError,
  summarizeCluster,
  VerifyTimeoutError,
} from "@bsaas/sdk";
import {
  ActionInputError,
  maskTokens,
  parseBoolean,
  parseEndpoints,
  parseExecutors,
  parseSeconds,
  parseTokens,
  type SiteEndpointsLine,
  type SiteToken,
  tokenVariable,
} from "./inputs.js";
import {
  addApplySites,
  addDestroy,
  addPlan,
  addScale,
  addStatus,
  addVerify,
  escapeHtml,
  inActionWords,
  planCounts,
} from "./report.js";

const COMMANDS = ["validate", "plan", "apply", "status", "scale", "destroy"] as const;
type Command = (typeof COMMANDS)[number];

/** The inputs every command but `validate` uses. */
interface ClusterInputs {
  stateDir?: string;
  endpoints: Record<string, SiteEndpoints>;
  wait: boolean;
  timeoutMs?: number;
  deadlineMs?: number;
  force: boolean;
  executors: string;
}

/**
 * The action's whole behaviour: read the inputs, call the SDK, report through outputs, annotations and the job
 * summary. Any error fails the step with a message that says what to do.
 */
export async function run(): Promise<void> {
  // Before anything else can be logged: every value of the tokens input is a secret of the log from here on.
  const rawTokens = core.getInput("tokens", { trimWhitespace: false });
  maskTokens(rawTokens, core.setSecret);
  try {
    const command = core.getInput("command") || "validate";
    if (!(COMMANDS as readonly string[]).includes(command)) {
      throw new ActionInputError(`Unknown command "${command}"`, `Use one of: ${COMMANDS.join(", ")}.`);
    }
    const tokens = parseTokens(rawTokens);
    const endpoints = parseEndpoints(core.getInput("endpoints", { trimWhitespace: false }));
    const inputs: ClusterInputs = {
      ...opt("stateDir", core.getInput("state-dir") || undefined),
      endpoints: {},
      wait: parseBoolean(core.getInput("wait"), "wait", true),
      ...opt("timeoutMs", parseSeconds(core.getInput("timeout"), "timeout")),
      ...opt("deadlineMs", parseSeconds(core.getInput("deadline"), "deadline")),
      force: parseBoolean(core.getInput("force"), "force", false),
      executors: core.getInput("executors"),
    };
    const { loaded, shown } = await load(core.getInput("cluster-file", { required: true }), tokens);
    checkSites(loaded, shown, tokens, endpoints);
    for (const [site, { endpoints: e }] of endpoints) inputs.endpoints[site] = e;
    await dispatch(command as Command, loaded, shown, inputs);
  } catch (error) {
    const hint = error instanceof BsaasError && error.hint ? ` ${inActionWords(error.hint)}` : "";
    core.setFailed(`${error instanceof Error ? error.message : String(error)}${hint}`);
  }
}

async function dispatch(
  command: Command,
  loaded: LoadedClusterSpec,
  shown: string,
  inputs: ClusterInputs,
): Promise<void> {
  if (command === "validate") return validate(loaded, shown);
  const targets =
    command === "scale"
      ? parseExecutors(
          inputs.executors,
          loaded.spec.sites.map((s) => s.name),
        )
      : [];
  // Plan and status only read: `timeout` bounds each request. The others: each deployment (and apply's pool check).
  const readOnly = command === "plan" || command === "status";
  const client = ClusterClient.open(loaded, {
    ...(Object.keys(inputs.endpoints).length > 0 ? { endpoints: inputs.endpoints } : {}),
    ...opt("stateDir", inputs.stateDir),
    ...(readOnly ? opt("timeoutMs", inputs.timeoutMs) : {}),
    onProgress: (event) => core.info(formatProgress(event)),
  });
  switch (command) {
    case "plan":
      return plan(client);
    case "apply":
      return apply(client, inputs);
    case "status":
      return status(client);
    case "scale":
      return scale(client, targets, inputs);
    case "destroy":
      return destroy(client, inputs);
  }
}

// --- loading -----------------------------------------------------------------------------------------------------

/**
 * Loads the cluster file with the tokens as `BSAAS_TOKEN_<SITE>` variables for its `${...}` interpolation (only for
 * the loader: never put into this process's environment, so no child process sees them). Every problem becomes an
 * annotation on its line.
 */
async function load(
  clusterFile: string,
  tokens: ReadonlyMap<string, SiteToken>,
): Promise<{ loaded: LoadedClusterSpec; shown: string }> {
  const workspace = process.env.GITHUB_WORKSPACE ?? process.cwd();
  const path = isAbsolute(clusterFile) ? clusterFile : resolve(workspace, clusterFile);
  // Annotations need the path as the repository names it.
  const shown = relative(workspace, path) || clusterFile;
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [site, { token }] of tokens) env[tokenVariable(site)] = token;
  try {
    const loaded = await loadClusterSpec(path, { file: shown, env });
    for (const w of loaded.warnings) core.warning(w.message, annotation(w));
    core.setOutput("valid", "true");
    return { loaded, shown };
  } catch (error) {
    if (!(error instanceof SpecValidationError)) throw error;
    core.setOutput("valid", "false");
    for (const issue of error.issues) core.error(issue.message, annotation(issue));
    await core.summary
      .addHeading(`${escapeHtml(shown)}: not a valid cluster file`, 3)
      .addList(error.issues.map((i) => escapeHtml(formatSpecIssue(i))))
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

/** Every site the tokens and endpoints inputs name is a site of the file, and each token is used by its site. */
function checkSites(
  loaded: LoadedClusterSpec,
  shown: string,
  tokens: ReadonlyMap<string, SiteToken>,
  endpoints: ReadonlyMap<string, SiteEndpointsLine>,
): void {
  const sites = loaded.spec.sites;
  const names = `Sites of ${shown}: ${sites.map((s) => s.name).join(", ")}.`;
  for (const [site, { line }] of endpoints) {
    if (!sites.some((s) => s.name === site))
      throw new ActionInputError(`endpoints, line ${line}: no site named ${site} in ${shown}`, names);
  }
  for (const [site, { token, line }] of tokens) {
    const spec = sites.find((s) => s.name === site);
    if (!spec) throw new ActionInputError(`tokens, line ${line}: no site named ${site} in ${shown}`, names);
    const auth = spec.auth;
    const secret =
      auth?.type === "dcos" || auth?.type === "bearer"
        ? auth.token
        : auth?.type === "basic"
          ? auth.password
          : undefined;
    if (!(secret instanceof Secret && secret.reveal() === token)) {
      const variable = tokenVariable(site);
      throw new ActionInputError(
        `tokens, line ${line}: site ${site} of ${shown} does not use the token given for it`,
        `The action passes it as \${${variable}}: write \`auth: { type: dcos, token: "\${${variable}}" }\` (or type bearer) in that site of the cluster file.`,
      );
    }
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

// --- commands ----------------------------------------------------------------------------------------------------

async function validate(loaded: LoadedClusterSpec, shown: string): Promise<void> {
  const summary = summarizeCluster(loaded.spec);
  core.setOutput("executors", String(summary.totals.executors));
  core.setOutput("sites", summary.sites.map((s) => s.name).join(","));
  await writeClusterSummary(shown, summary);
  core.info(`${shown} is a valid cluster file`);
}

async function plan(client: ClusterClient): Promise<void> {
  const result = await client.plan();
  core.info(formatPlan(result));
  core.setOutput("plan-summary", planCounts(result));
  core.setOutput("changed", String(result.hasChanges));
  addPlan(`Plan of cluster ${result.cluster}`, result);
  await core.summary.write();
}

async function apply(client: ClusterClient, inputs: ClusterInputs): Promise<void> {
  // The plan is shown before anything changes, and exactly that plan is applied.
  const planned = await client.plan();
  core.info(formatPlan(planned));
  core.setOutput("plan-summary", planCounts(planned));
  addPlan(`Apply of cluster ${planned.cluster}`, planned);
  let sites: SiteApplyResult[];
  try {
    // The pool check is a second step, so that a check that fails still reports what was applied.
    const result = await client.apply({
      plan: planned,
      verify: false,
      force: inputs.force,
      ...opt("timeoutMs", inputs.timeoutMs),
    });
    sites = result.sites;
    core.setOutput("changed", String(result.changed));
  } catch (error) {
    if (error instanceof ApplyError) {
      // What was applied where: the other sites were still tried.
      core.setOutput("changed", String(error.results.some((r) => r.outcome === "applied")));
      core.setOutput("deployment-ids", deploymentIds(error.results));
      addApplySites(error.results);
    }
    await core.summary.write();
    throw error;
  }
  core.setOutput("deployment-ids", deploymentIds(sites));
  if (planned.hasChanges) addApplySites(sites);
  if (!inputs.wait) {
    core.summary.addRaw("The HTCondor pool was not verified (<code>wait: false</code>).", true);
    await core.summary.write();
    return;
  }
  try {
    const verify = await client.verify(opt("timeoutMs", inputs.timeoutMs));
    core.setOutput("executors-ready", String(readyOf(verify.executors)));
    addVerify(verify);
    core.info(`Pool verified: HTCondor ${verify.htcondorVersion ?? "?"}, collector ${verify.collector}`);
  } catch (error) {
    if (error instanceof VerifyTimeoutError) {
      core.setOutput("executors-ready", String(readyOf(error.result.executors)));
      addVerify(error.result);
    }
    throw error;
  } finally {
    await core.summary.write();
  }
}

async function status(client: ClusterClient): Promise<void> {
  const result = await client.status();
  core.info(formatStatus(result));
  core.setOutput("changed", "false");
  core.setOutput(
    "deployment-ids",
    result.sites.flatMap((s) => (s.marathon.ok ? s.marathon.deployments.map((d) => d.id) : [])).join(","),
  );
  // HTCondor's count: unknown (no output) when HTCondor's tools cannot read the pool from here.
  if (result.htcondor.ok)
    core.setOutput(
      "executors-ready",
      String(result.sites.reduce((n, s) => n + (s.htcondor?.executors ?? 0), 0)),
    );
  addStatus(result);
  await core.summary.write();
  if (result.sites.length > 0 && result.sites.every((s) => !s.marathon.ok)) {
    throw new BsaasError("STATUS_UNAVAILABLE", "no site's Marathon answered", {
      hint: "Check the sites' Marathon URLs (or the endpoints input) and credentials, and that the runner can reach them.",
    });
  }
}

async function scale(
  client: ClusterClient,
  targets: readonly { site: string; executors: number }[],
  inputs: ClusterInputs,
): Promise<void> {
  const results: ScaleResult[] = [];
  try {
    for (const { site, executors } of targets) {
      results.push(
        await client.scale(site, executors, {
          force: inputs.force,
          ...opt("deadlineMs", inputs.deadlineMs),
          ...opt("timeoutMs", inputs.timeoutMs),
        }),
      );
    }
  } finally {
    // Also after a failure: the sites scaled before it.
    core.setOutput("changed", String(results.some((r) => r.from !== r.to)));
    core.setOutput("deployment-ids", deploymentIds(results));
    if (results.length > 0) addScale(client.spec.metadata.name, results);
    await core.summary.write();
  }
}

async function destroy(client: ClusterClient, inputs: ClusterInputs): Promise<void> {
  const result = await client.destroy({
    force: inputs.force,
    ...opt("deadlineMs", inputs.deadlineMs),
    ...opt("timeoutMs", inputs.timeoutMs),
  });
  core.setOutput("changed", String(result.sites.some((s) => s.outcome === "deleted")));
  core.setOutput("deployment-ids", deploymentIds(result.sites));
  for (const s of result.sites)
    core.info(
      `Site ${s.site}: ${s.outcome === "deleted" ? `deleted ${s.groupId}` : `${s.groupId} was already absent`}`,
    );
  addDestroy(client.spec.metadata.name, result);
  await core.summary.write();
}

// --- helpers -----------------------------------------------------------------------------------------------------

const deploymentIds = (sites: readonly { deploymentId?: string }[]) =>
  sites.flatMap((s) => (s.deploymentId ? [s.deploymentId] : [])).join(",");

const readyOf = (executors: readonly { ready: number }[]) => executors.reduce((n, e) => n + e.ready, 0);

/** `{ key: value }` when value is defined, else `{}` (the SDK's options are exact optional properties). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** A progress line: `[  12.3s] apply infn-to: deployment ... started`. */
function formatProgress(event: ProgressEvent): string {
  const seconds = (event.elapsedMs / 1000).toFixed(1).padStart(6);
  return `[${seconds}s] ${event.phase}${event.site ? ` ${event.site}` : ""}: ${event.message}`;
}

async function writeClusterSummary(file: string, summary: ClusterSummary): Promise<void> {
  const rows = summary.sites.map((s) => [
    s.name,
    s.roles.join(", ") || "—",
    s.network + (s.ccb ? " (CCB)" : ""),
    `${s.executors.instances} (${s.executors.min}–${s.executors.max})`,
    `${s.requested.cpus} CPU, ${s.requested.mem} MiB`,
  ]);
  await core.summary
    .addHeading(`Cluster ${summary.name}`, 3)
    .addRaw(`${escapeHtml(file)} is valid: ${summary.runtime} runtime, ${summary.security} security.`, true)
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
