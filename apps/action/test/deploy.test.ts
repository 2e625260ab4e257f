// plan / apply / status / scale / destroy through the committed bundle, run the way the runner runs it, against the
// emulator's Mesos and Marathon with the SIMULATED runner (tasks only change state: no HTCondor daemon runs, so
// apply uses `wait: false`). The emulator's Marathon requires a token, which reaches the SDK only through the
// `tokens` input; the cluster file's own URLs lead nowhere, so the emulator is only reached through `endpoints`.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@bsaas/emulator";
import { localAgents, parseClusterSpec } from "@bsaas/sdk/cluster";
import { MarathonClient, MarathonNotFoundError } from "@bsaas/sdk/marathon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ActionRun, repo, runAction } from "./run-action.js";

/** HTCondor's tools are on this machine (scale needs them even to scale up: the SDK opens the pool first). */
const htcondor =
  existsSync("/var/lib/bsaas/htcondor-trixie/.bsaas-provisioned") ||
  (process.env.PATH ?? "").split(":").some((d) => d && existsSync(join(d, "condor_version")));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

const TOKEN = `tok-${randomBytes(24).toString("hex")}`;
const name = `actiontest-${process.pid}`;
const groupId = `/bsaas/${name}/local`;
const appIds = ["central-manager", "executors", "submit"].map((a) => `${groupId}/${a}`);
/** Every run, to check at the end that the token never appears in what the action wrote. */
const runs: ActionRun[] = [];
let dir: string;
let emulator: Emulator;
let marathon: MarathonClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bsaas-action-deploy-"));
  const port = await freePort();
  const text = (await readFile(join(repo, "examples/local.yaml"), "utf8"))
    .replace(/^ {2}name: local$/m, `  name: ${name}`)
    .replace(/^htcondor:\n/m, `htcondor:\n  port: ${port}\n`)
    // Nothing listens there: only the endpoints input leads to the emulator.
    .replace("http://127.0.0.1:8080", "http://127.0.0.1:1")
    .replace("http://127.0.0.1:5050", "http://127.0.0.1:1")
    .replace(/^( {4}network:\n)/m, '    auth:\n      type: dcos\n      token: "${BSAAS_TOKEN_LOCAL}"\n$1');
  expect(text).toContain('token: "${BSAAS_TOKEN_LOCAL}"');
  emulator = await startEmulator({
    runner: "simulated",
    agents: localAgents(parseClusterSpec(text, { env: { BSAAS_TOKEN_LOCAL: "x" } })),
    mesos: { port: 0 },
    marathon: { port: 0, auth: { type: "token", token: TOKEN } },
  });
  await writeFile(join(dir, "cluster.yaml"), text);
  marathon = new MarathonClient({ url: emulator.marathonUrl, auth: { type: "dcos", token: TOKEN } });
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
  // bsaas's HTCondor client configuration of this test's cluster (under /var/lib/bsaas/clients, inside HTCondor's
  // rootfs when HTCondor is there): only the folders named after this run's cluster.
  for (const parent of ["/var/lib/bsaas/clients", "/var/lib/bsaas/htcondor-trixie/var/lib/bsaas/clients"]) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    for (const entry of entries.filter((e) => e.startsWith(`${name}-`)))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
});

/** The action with the test cluster's file, state, endpoints and token. */
async function action(inputs: Record<string, string>): Promise<ActionRun> {
  const result = await runAction(
    {
      "cluster-file": "cluster.yaml",
      "state-dir": join(dir, "state"),
      endpoints: `# the emulator\nlocal marathon=${emulator.marathonUrl} mesos=${emulator.mesosUrl}\n`,
      tokens: `\nlocal ${TOKEN}\n`,
      ...inputs,
    },
    { workspace: dir },
  );
  runs.push(result);
  return result;
}

async function groupApps(): Promise<string[] | undefined> {
  try {
    const group = await marathon.getGroup(groupId, { embed: ["group.apps"] });
    return (group.apps ?? []).map((a) => a.id).sort();
  } catch (error) {
    if (error instanceof MarathonNotFoundError) return undefined;
    throw error;
  }
}

const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

// The steps build on each other: plan, apply, apply again, scale, status, destroy.
describe.sequential("bsaas action against the emulator", () => {
  it("plan: outputs the counts and changed=true, a table per site in the summary, and changes nothing", async () => {
    const { code, stdout, outputs, summary } = await action({ command: "plan" });
    expect(code).toBe(0);
    expect(outputs).toEqual({
      valid: "true",
      "plan-summary": "3 to create, 0 to update, 0 to delete",
      changed: "true",
    });
    expect(stdout).toContain("Plan: 3 to create, 0 to update, 0 to delete.");
    expect(summary).toContain(`<h3>Plan of cluster ${name}</h3>`);
    expect(summary).toContain(`<h4>Site local (<code>${groupId}</code>, new group)</h4>`);
    expect(summary).toContain("<tr><th>app</th><th>action</th><th>fields changed</th></tr>");
    expect(summary).toContain(
      "<tr><td><code>executors</code></td><td>create</td><td>3 instance(s), 1 cpus, 1024 MiB</td></tr>",
    );
    expect(emulator.marathon.stats().total).toBe(0);
  });

  it("apply (wait: false): creates the group with one PUT and outputs the deployment id", async () => {
    const { code, stdout, outputs, summary } = await action({ command: "apply", wait: "false" });
    expect(code).toBe(0);
    expect(outputs).toMatchObject({
      valid: "true",
      "plan-summary": "3 to create, 0 to update, 0 to delete",
      changed: "true",
    });
    expect(outputs["deployment-ids"]).toMatch(new RegExp(`^${UUID}$`));
    expect(outputs["executors-ready"]).toBeUndefined();
    expect(stdout).toMatch(new RegExp(`\\] apply local: deployment ${UUID} succeeded`));
    expect(await groupApps()).toEqual(appIds);
    expect(emulator.marathon.stats().byRoute[`PUT /v2/groups${groupId}`]).toBe(1);
    expect(summary).toContain(`<h3>Apply of cluster ${name}</h3>`);
    expect(summary).toMatch(
      new RegExp(`<tr><td>local</td><td>applied</td><td><code>${outputs["deployment-ids"]}</code></td>`),
    );
    expect(summary).toContain("The HTCondor pool was not verified (<code>wait: false</code>).");
  });

  it("a second apply sends no mutating request: changed=false, no changes, no deployment", async () => {
    const before = emulator.marathon.stats().total;
    const { code, outputs, summary } = await action({ command: "apply", wait: "false" });
    expect(code).toBe(0);
    expect(outputs).toEqual({
      valid: "true",
      "plan-summary": "no changes",
      changed: "false",
      "deployment-ids": "",
    });
    expect(summary).toContain("Plan: no changes.");
    expect(summary).toContain("<tr><td><code>executors</code></td><td>no change</td><td>—</td></tr>");
    expect(emulator.marathon.stats().total).toBe(before);

    const plan = await action({ command: "plan" });
    expect(plan.outputs).toMatchObject({ "plan-summary": "no changes", changed: "false" });
  });

  it.skipIf(!htcondor)("scale sets the count; plan then shows the field that drifted", async () => {
    const scaled = await action({ command: "scale", executors: "4" });
    expect(scaled.code).toBe(0);
    expect(scaled.outputs).toMatchObject({ changed: "true" });
    expect(scaled.outputs["deployment-ids"]).toMatch(new RegExp(`^${UUID}$`));
    expect(scaled.summary).toContain("<td>local</td><td>3 → 4</td>");
    expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(4);

    const plan = await action({ command: "plan" });
    expect(plan.outputs).toMatchObject({
      "plan-summary": "0 to create, 1 to update, 0 to delete",
      changed: "true",
    });
    expect(plan.summary).toContain(
      "<tr><td><code>executors</code></td><td>update</td><td><code>instances</code>: 4 → 3</td></tr>",
    );
    const apply = await action({ command: "apply", wait: "false" });
    expect(apply.code).toBe(0);
    expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(3);
  });

  it("scale fails with a clear message on a bad executors input, before changing anything", async () => {
    const before = emulator.marathon.stats().total;
    const { code, stdout } = await action({ command: "scale", executors: "elsewhere=2" });
    expect(code).toBe(1);
    expect(stdout).toContain("::error::executors: no site named elsewhere Sites: local.");
    expect(emulator.marathon.stats().total).toBe(before);
  });

  it("status: the apps table, executors and slots in the summary; changed=false", async () => {
    const { code, stdout, outputs, summary } = await action({ command: "status" });
    expect(code).toBe(0);
    expect(outputs).toMatchObject({ valid: "true", changed: "false", "deployment-ids": "" });
    // The simulated runner runs no HTCondor: the pool cannot be asked, so its count is not given.
    expect(outputs["executors-ready"]).toBeUndefined();
    expect(stdout).toContain(`Site local (${groupId})`);
    expect(summary).toContain(`<h3>Status of cluster ${name}</h3>`);
    expect(summary).toContain(
      "<tr><th>app</th><th>role</th><th>status</th><th>instances (running/wanted)</th><th>health</th></tr>",
    );
    expect(summary).toMatch(
      /<tr><td><code>executors<\/code><\/td><td>execute<\/td><td>\w+<\/td><td>3\/3<\/td>/,
    );
    expect(summary).toContain("<li>Executors in HTCondor: unknown (HTCondor unavailable)</li>");
    expect(summary).toMatch(/<li>Mesos: 3 agent\(s\), free [\d.]+\/[\d.]+ cpus/);
  });

  it("apply with wait checks the pool in HTCondor: without a pool it fails and says so", async () => {
    const { code, stdout, outputs } = await action({ command: "apply", timeout: "2" });
    expect(code).toBe(1);
    expect(outputs).toMatchObject({ "plan-summary": "no changes", changed: "false" });
    if (htcondor) {
      expect(outputs["executors-ready"]).toBe("0");
      expect(stdout).toMatch(/::error::the HTCondor pool at 127\.0\.0\.1:\d+ is not complete after \d+ s/);
    } else {
      expect(stdout).toMatch(/::error::.*HTCondor/);
    }
  });

  it("a wrong token fails the step with Marathon's answer (the token is what reaches Marathon)", async () => {
    const wrong = `wrong-${randomBytes(16).toString("hex")}`;
    const { code, stdout } = await action({ command: "plan", tokens: `local ${wrong}` });
    expect(code).toBe(1);
    expect(stdout).toMatch(/::error::.*(401|nauthori|authenticat)/i);
    expect(stdout.split("\n")[0]).toBe(`::add-mask::local ${wrong}`);
    expect(stdout.replace(/^::add-mask::.*$/gm, "")).not.toContain(wrong);
  });

  it("a token for a site the file does not have, or does not read, fails before any request", async () => {
    const before = emulator.marathon.stats().total;
    const unknown = await action({ command: "apply", tokens: `local ${TOKEN}\nelsewhere ${TOKEN}x` });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain("::error::tokens, line 2: no site named elsewhere in cluster.yaml");

    const plain = (await readFile(join(dir, "cluster.yaml"), "utf8")).replace(/ {4}auth:\n(.*\n){2}/, "");
    await writeFile(join(dir, "unused.yaml"), plain);
    const unused = await action({ command: "apply", "cluster-file": "unused.yaml" });
    expect(unused.code).toBe(1);
    expect(unused.stdout).toContain(
      "::error::tokens, line 2: site local of unused.yaml does not use the token given for it The action passes it as ${BSAAS_TOKEN_LOCAL}",
    );
    expect(emulator.marathon.stats().total).toBe(before);
  });

  it("without the token, the file's ${BSAAS_TOKEN_LOCAL} is an annotated problem and the step fails", async () => {
    const { code, stdout, outputs } = await action({ command: "plan", tokens: "" });
    expect(code).toBe(1);
    expect(outputs.valid).toBe("false");
    expect(stdout).toMatch(
      /::error title=bsaas%3A sites\[0\]\.auth\.token,file=cluster\.yaml,line=\d+,col=\d+::environment variable BSAAS_TOKEN_LOCAL is not set/,
    );
    expect(stdout).toContain(
      "::error::cluster.yaml is not a valid cluster file (1 problem); see the annotations.",
    );
  });

  it("an invalid cluster file is annotated on its line and fails plan", async () => {
    const text = await readFile(join(dir, "cluster.yaml"), "utf8");
    await writeFile(join(dir, "bad.yaml"), text.replace("instances: 3", "instances: -1"));
    const line = text.split("\n").findIndex((l) => l.includes("instances: 3")) + 1;
    const { code, stdout, outputs, summary } = await action({ command: "plan", "cluster-file": "bad.yaml" });
    expect(code).toBe(1);
    expect(outputs).toEqual({ valid: "false" });
    expect(stdout).toContain(
      `::error title=bsaas%3A sites[0].executors.instances,file=bad.yaml,line=${line},col=18::must be ≥ 0`,
    );
    expect(summary).toContain("bad.yaml: not a valid cluster file");
  });

  it("a bad endpoints line fails the step naming the line", async () => {
    const { code, stdout } = await action({
      command: "status",
      endpoints: `local marathon=${emulator.marathonUrl}\nnowhere marathon=http://127.0.0.1:1`,
    });
    expect(code).toBe(1);
    expect(stdout).toContain(
      "::error::endpoints, line 2: no site named nowhere in cluster.yaml Sites of cluster.yaml: local.",
    );
  });

  it("destroy (force, as HTCondor cannot drain here) removes the group; again, it is already absent", async () => {
    const { code, outputs, summary } = await action({ command: "destroy", force: "true" });
    expect(code).toBe(0);
    expect(outputs).toMatchObject({ valid: "true", changed: "true" });
    expect(outputs["deployment-ids"]).toMatch(new RegExp(`^${UUID}$`));
    expect(summary).toContain(`<h3>Destroyed cluster ${name}</h3>`);
    expect(summary).toContain(`<tr><td>local</td><td><code>${groupId}</code></td><td>deleted</td>`);
    expect(await groupApps()).toBeUndefined();

    const again = await action({ command: "destroy", force: "true" });
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({ changed: "false", "deployment-ids": "" });
    expect(again.summary).toContain("<td>already absent</td>");
  });

  it("never writes the token: masked first, then absent from the log, the outputs and the summary", () => {
    expect(runs.length).toBeGreaterThan(10);
    for (const run of runs) {
      const log = run.stdout.split("\n");
      // Masking comes before anything else the step logs, and the token is nowhere else.
      const logged = log.slice(log.findIndex((l) => !l.startsWith("::add-mask::")));
      expect(logged.some((l) => l.startsWith("::add-mask::"))).toBe(false);
      expect(logged.join("\n")).not.toContain(TOKEN);
      expect(run.stderr).not.toContain(TOKEN);
      expect(run.outputFile).not.toContain(TOKEN);
      expect(run.summary).not.toContain(TOKEN);
    }
  });
});
