// `bsaas plan/apply/status/scale/destroy/jobs` as a user runs them, against the emulator's Mesos and Marathon with
// the SIMULATED runner (tasks only change state: no HTCondor daemon runs, so nothing is verified at the HTCondor
// level here). The cluster has a name and an HTCondor port of its own, so no other pool on this machine is touched.
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Emulator, startEmulator } from "@bsaas/emulator";
import { localAgents, parseClusterSpec } from "@bsaas/sdk/cluster";
import { MarathonClient, MarathonNotFoundError } from "@bsaas/sdk/marathon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
const examples = new URL("../../../examples/", import.meta.url).pathname;

/** Everything any command printed, to check at the end that no token ever appears in it. */
const outputs: string[] = [];

function bsaas(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => {
        outputs.push(stdout, stderr);
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
    child.stdin?.end(); // stdin is a pipe, not a terminal (destroy must not ask)
  });
}

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

const name = `clitest-${process.pid}`;
const groupId = `/bsaas/${name}/local`;
let dir: string;
let stateDir: string;
let file: string;
let emulator: Emulator;
let marathon: MarathonClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bsaas-cluster-cli-"));
  stateDir = join(dir, "state");
  const port = await freePort();
  const text = (await readFile(join(examples, "local.yaml"), "utf8"))
    .replace(/^ {2}name: local$/m, `  name: ${name}`)
    .replace(/^htcondor:\n/m, `htcondor:\n  port: ${port}\n`);
  // One agent offers the central manager's fixed port, the others the work (as `bsaas up` sets them up).
  emulator = await startEmulator({
    runner: "simulated",
    agents: localAgents(parseClusterSpec(text)),
    mesos: { port: 0 },
    marathon: { port: 0 },
  });
  file = join(dir, "cluster.yaml");
  await writeFile(
    file,
    text
      .replace("http://127.0.0.1:8080", emulator.marathonUrl)
      .replace("http://127.0.0.1:5050", emulator.mesosUrl),
  );
  marathon = new MarathonClient({ url: emulator.marathonUrl });
}, 30_000);

afterAll(async () => {
  await emulator?.close();
  await rm(dir, { recursive: true, force: true });
  // bsaas's HTCondor client configuration for this test's clusters (the SDK writes it under /var/lib/bsaas/clients,
  // inside HTCondor's rootfs when HTCondor is there): only the folders named after this run's clusters.
  for (const parent of ["/var/lib/bsaas/clients", "/var/lib/bsaas/htcondor-trixie/var/lib/bsaas/clients"]) {
    const entries = await readdir(parent).catch(() => [] as string[]);
    for (const entry of entries.filter((e) => e.startsWith(`${name}-`)))
      await rm(join(parent, entry), { recursive: true, force: true });
  }
});

const common = () => ["-f", file, "--state-dir", stateDir];

async function groupApps(): Promise<string[] | undefined> {
  try {
    const group = await marathon.getGroup(groupId, { embed: ["group.apps"] });
    return (group.apps ?? []).map((a) => a.id).sort();
  } catch (error) {
    if (error instanceof MarathonNotFoundError) return undefined;
    throw error;
  }
}

const appIds = ["central-manager", "executors", "submit"].map((a) => `${groupId}/${a}`);

// The steps build on each other: plan, apply, apply again, scale, status, destroy.
describe.sequential("bsaas cluster commands against the emulator", () => {
  it("plan shows the apps to create; --detailed-exitcode exits 2; --json parses", async () => {
    const text = await bsaas(["plan", ...common()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Site local (${groupId}, new group):`);
    for (const id of appIds) expect(text.stdout).toMatch(new RegExp(`\\+ ${id}\\s`));
    expect(text.stdout).toContain("Plan: 3 to create, 0 to update, 0 to delete.");

    expect((await bsaas(["plan", ...common(), "--detailed-exitcode"])).code).toBe(2);

    const json = await bsaas(["plan", ...common(), "--json"]);
    expect(json.code).toBe(0);
    const plan = JSON.parse(json.stdout);
    expect(plan).toMatchObject({
      formatVersion: 1,
      cluster: name,
      hasChanges: true,
      counts: { create: 3, update: 0, delete: 0 },
    });
    expect(emulator.marathon.stats().total).toBe(0); // planning only reads
  });

  it("apply --no-verify creates the group and prints each site's outcome; progress goes to stderr", async () => {
    const { code, stdout, stderr } = await bsaas(["apply", ...common(), "--no-verify"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Plan: 3 to create");
    expect(stdout).toMatch(/^local\s+applied\s+[0-9a-f-]{36}\s/m);
    expect(stderr).toMatch(/^\[\s+\d+\.\ds\] apply local: deployment [0-9a-f-]{36} started/m);
    expect(stdout).not.toContain("apply local: deployment"); // stdout stays for the result
    expect(await groupApps()).toEqual(appIds);
    expect(emulator.marathon.stats().byRoute[`PUT /v2/groups${groupId}`]).toBe(1);
  });

  it("a second apply sends no mutating request and says there are no changes", async () => {
    const before = emulator.marathon.stats().total;
    const { code, stdout } = await bsaas(["apply", ...common(), "--no-verify"]);
    expect(code).toBe(0);
    expect(stdout).toContain("No changes. The cluster matches the file.");
    expect(emulator.marathon.stats().total).toBe(before);

    expect((await bsaas(["plan", ...common(), "--detailed-exitcode"])).code).toBe(0);

    const json = await bsaas(["apply", ...common(), "--no-verify", "--json"]);
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout);
    expect(result).toMatchObject({
      plan: { hasChanges: false },
      changed: false,
      dryRun: false,
      sites: [{ site: "local", outcome: "unchanged" }],
    });
    expect(result.verify).toBeUndefined();
    expect(emulator.marathon.stats().total).toBe(before);
  });

  it("scale sets the executor count; plan then shows the drift and apply --dry-run changes nothing", async () => {
    const scaled = await bsaas(["scale", ...common(), "--site", "local", "--executors", "4", "--json"]);
    expect(scaled.code).toBe(0);
    expect(JSON.parse(scaled.stdout)).toMatchObject({ site: "local", from: 3, to: 4, removed: [] });
    expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(4);

    const plan = await bsaas(["plan", ...common(), "--detailed-exitcode"]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("instances: 4 -> 3");

    const before = emulator.marathon.stats().total;
    const dry = await bsaas(["apply", ...common(), "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      plan: { counts: { update: 1 } },
      changed: false,
      dryRun: true,
      sites: [],
    });
    expect(emulator.marathon.stats().total).toBe(before);

    const apply = await bsaas(["apply", ...common(), "--no-verify"]);
    expect(apply.code).toBe(0);
    expect((await marathon.getApp(`${groupId}/executors`)).instances).toBe(3);
  });

  it("scale names the sites when the site is unknown (exit 1)", async () => {
    const { code, stderr } = await bsaas(["scale", ...common(), "--site", "nope", "--executors", "1"]);
    expect(code).toBe(1);
    expect(stderr).toContain("no site named nope");
    expect(stderr).toContain("Sites: local.");
  });

  it("status shows the apps, as text and --json", async () => {
    const text = await bsaas(["status", ...common()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`Site local (${groupId})`);
    expect(text.stdout).toMatch(/^\s+executors\s+1\s+1024\s+\w+\s+3\/3/m);

    const json = await bsaas(["status", ...common(), "--json"]);
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout);
    expect(status.cluster).toBe(name);
    expect(status.sites[0].marathon.ok).toBe(true);
    expect(status.sites[0].marathon.apps.map((a: { id: string }) => a.id)).toEqual(appIds);
    expect(status.sites[0].mesos).toMatchObject({ ok: true, agents: 3 });
  });

  it("status exits 1 when no site's Marathon answers, still printing what it has", async () => {
    const { code, stdout, stderr } = await bsaas([
      "status",
      ...common(),
      "--marathon",
      "local=http://127.0.0.1:1",
      "--timeout",
      "5",
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain("Marathon unavailable");
    expect(stderr).toContain("no site's Marathon answered");
  });

  it("--marathon and --mesos take SITE=URL for a site of the file (exit 2 otherwise)", async () => {
    const noSite = await bsaas(["plan", ...common(), "--marathon", "http://127.0.0.1:1"]);
    expect(noSite.code).toBe(2);
    expect(noSite.stderr).toContain("expected SITE=URL");
    const unknown = await bsaas(["plan", ...common(), "--mesos", "elsewhere=http://127.0.0.1:1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no site named elsewhere");
  });

  it("destroy refuses to run without --yes when stdin is not a terminal", async () => {
    const { code, stderr } = await bsaas(["destroy", ...common()]);
    expect(code).toBe(1);
    expect(stderr).toContain("stdin is not a terminal");
    expect(stderr).toContain("--yes");
    expect(await groupApps()).toEqual(appIds);
  });

  it("destroy --yes --force removes the group", async () => {
    const { code, stdout } = await bsaas(["destroy", ...common(), "--yes", "--force", "--json"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ sites: [{ site: "local", groupId, outcome: "deleted" }] });
    expect(await groupApps()).toBeUndefined();
    const again = await bsaas(["destroy", ...common(), "--yes", "--force"]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("was already absent");
  });

  it("the jobs commands fail with a message (exit 1) when the pool is not there", async () => {
    // HTCondor does not run with the simulated runner: either its tools are missing here or its collector is down.
    const { code, stderr } = await bsaas(["jobs", "list", ...common()]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/Error: .+/);
  });

  it("never prints a token of the cluster", async () => {
    const tokensDir = join(stateDir, "clusters", name, "tokens");
    const files = (await readdir(tokensDir)).filter((f) => f.endsWith(".token"));
    expect(files.length).toBeGreaterThan(0);
    const tokens = await Promise.all(
      files.map(async (f) => (await readFile(join(tokensDir, f), "utf8")).trim()),
    );
    const all = outputs.join("\n");
    expect(all.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(token.length).toBeGreaterThan(20);
      expect(all).not.toContain(token);
      // Nor the signature alone (the part a leak in a log line would most likely keep).
      expect(all).not.toContain(token.split(".").at(-1));
    }
  });
});

describe("invalid input", () => {
  it("a bad cluster file exits 1 with each problem as file:line:column", async () => {
    const bad = join(dir, "bad.yaml");
    await writeFile(bad, (await readFile(file, "utf8")).replace("instances: 3", "instances: -1"));
    const text = await bsaas(["plan", "-f", bad, "--state-dir", stateDir]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      new RegExp(
        `${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: sites\\[0\\]\\.executors\\.instances: must be ≥ 0`,
      ),
    );
    const json = await bsaas(["apply", "-f", bad, "--state-dir", stateDir, "--json"]);
    expect(json.code).toBe(1);
    const { error } = JSON.parse(json.stdout);
    expect(error.code).toBe("SPEC_INVALID");
    expect(error.issues[0]).toMatchObject({ path: ["sites", 0, "executors", "instances"] });
  });

  it("a missing cluster file exits 1; a missing -f exits 2", async () => {
    const missing = await bsaas(["status", "-f", join(dir, "nope.yaml"), "--state-dir", stateDir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Could not read");
    expect((await bsaas(["plan"])).code).toBe(2);
  });
});

describe("--help", () => {
  it.each([
    ["plan", ["--detailed-exitcode"]],
    ["apply", ["--dry-run", "--[no-]verify", "--force"]],
    ["status", []],
    ["scale", ["--site", "--executors", "--deadline", "--force"]],
    ["destroy", ["--yes", "--force", "--deadline"]],
    ["jobs submit", ["SUBMIT_FILE", "--submitter", "--cwd", "--wait"]],
    ["jobs list", ["--submitter", "--history", "--constraint"]],
    ["jobs wait", ["CLUSTER_ID", "--submitter"]],
  ])("bsaas %s --help", async (command, flags) => {
    const { code, stdout } = await bsaas([...command.split(" "), "--help"]);
    expect(code).toBe(0);
    for (const flag of ["--file", "--state-dir", "--marathon", "--mesos", "--json", "Exit status", ...flags])
      expect(stdout).toContain(flag);
    if (command !== "jobs list") expect(stdout).toContain("--timeout");
    expect(stdout).toContain("EXAMPLES");
    expect(stdout).toMatch(new RegExp(`\\$ bsaas ${command}( [A-Z_]+)? -f FILE`));
  });

  it("bsaas jobs --help lists the jobs commands", async () => {
    const { code, stdout } = await bsaas(["jobs", "--help"]);
    expect(code).toBe(0);
    for (const c of ["jobs list", "jobs submit", "jobs wait"]) expect(stdout).toContain(c);
  });
});

// The jobs commands need a pool; the simulated runner runs none. Here HTCondor's tools are test doubles on PATH (the
// SDK uses HTCondor from PATH first): they answer like condor_submit -terse and the -json queries, and record what
// they were given, so what the commands send and print is checked, not HTCondor. As root, bsaas submits as the user
// bsaas through runuser: a double passes the command through.
describe.skipIf(process.getuid?.() !== 0)("bsaas jobs, with HTCondor's tools faked on PATH", () => {
  let fake: string;
  let env: NodeJS.ProcessEnv;
  const job = (id: string, status: number, extra: Record<string, unknown> = {}) => {
    const [cluster, proc] = id.split(".").map(Number);
    return { ClusterId: cluster, ProcId: proc, JobStatus: status, Owner: "bsaas", NumJobStarts: 1, ...extra };
  };
  const setQueue = (jobs: object[]) =>
    writeFile(join(fake, "queue.json"), jobs.length ? JSON.stringify(jobs) : "");
  const setHistory = (jobs: object[]) => writeFile(join(fake, "history.json"), JSON.stringify(jobs));

  beforeAll(async () => {
    fake = join(dir, "fake-htcondor");
    await mkdir(fake, { recursive: true });
    const tools: Record<string, string> = {
      condor_version: 'echo "\\$CondorVersion: 23.9.6 2024-06-01 \\$"',
      runuser: 'while [ "$1" != "--" ]; do shift; done; shift; exec "$@"',
      condor_status:
        'case " $* " in *" -schedd "*) echo \'[{"Name":"submit@fakehost","Machine":"fakehost","MyType":"Scheduler"}]\';; esac',
      condor_submit:
        'cat > "$FAKE_CONDOR/submitted.sub"; pwd > "$FAKE_CONDOR/submitted.cwd"; echo "$*" > "$FAKE_CONDOR/submitted.args"; echo "12.0 - 12.1"',
      condor_q: 'cat "$FAKE_CONDOR/queue.json"',
      condor_history: 'cat "$FAKE_CONDOR/history.json"',
    };
    for (const [tool, body] of Object.entries(tools)) {
      await writeFile(join(fake, tool), `#!/bin/sh\n${body}\n`);
      await chmod(join(fake, tool), 0o755);
    }
    env = { PATH: `${fake}:${process.env.PATH}`, FAKE_CONDOR: fake, BSAAS_HTCONDOR_USE_HOST: "1" };
    await setQueue([]);
    await setHistory([]);
  });

  it("jobs submit sends the submit file from its folder and prints the cluster and job ids", async () => {
    const work = join(dir, "work");
    await mkdir(work, { recursive: true });
    const submitFile = join(work, "sleep.sub");
    const description = "executable = /bin/sleep\narguments = 1\nqueue 2\n";
    await writeFile(submitFile, description);

    const text = await bsaas(["jobs", "submit", ...common(), submitFile], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Submitted cluster 12 (2 job(s)) to submit@fakehost: 12.0 12.1");
    expect(await readFile(join(fake, "submitted.sub"), "utf8")).toBe(description);
    expect((await readFile(join(fake, "submitted.cwd"), "utf8")).trim()).toBe(work);
    expect(await readFile(join(fake, "submitted.args"), "utf8")).toContain("-name submit@fakehost");

    // --cwd is the jobs' folder as HTCondor's tools see it: they start there (here the host, so any folder).
    const json = await bsaas(["jobs", "submit", ...common(), submitFile, "--cwd", dir, "--json"], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      clusterId: 12,
      jobIds: ["12.0", "12.1"],
      schedd: "submit@fakehost",
      cwd: dir,
    });
    expect((await readFile(join(fake, "submitted.cwd"), "utf8")).trim()).toBe(dir);
  });

  it("jobs submit --wait and jobs wait print how each job ended; exit 0 only if all exited 0", async () => {
    const submitFile = join(dir, "work", "sleep.sub");
    await setHistory([
      job("12.0", 4, { ExitCode: 0, LastRemoteHost: "slot1_1@exec1" }),
      job("12.1", 4, { ExitCode: 0, LastRemoteHost: "slot1_2@exec1" }),
    ]);
    const ok = await bsaas(["jobs", "submit", ...common(), submitFile, "--wait", "--json"], env);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      clusterId: 12,
      jobIds: ["12.0", "12.1"],
      wait: {
        clusterId: 12,
        ok: true,
        jobs: [
          { id: "12.0", exitCode: 0 },
          { id: "12.1", exitCode: 0 },
        ],
      },
    });

    await setHistory([
      job("12.0", 4, { ExitCode: 0, LastRemoteHost: "slot1_1@exec1" }),
      job("12.1", 4, { ExitCode: 3, LastRemoteHost: "slot1_2@exec1" }),
    ]);
    const failed = await bsaas(["jobs", "wait", ...common(), "12"], env);
    expect(failed.code).toBe(1);
    expect(failed.stdout.split("\n")[0]).toMatch(/^ID\s+OWNER\s+STATUS\s+STARTS\s+HOST\s+EXIT$/);
    expect(failed.stdout).toMatch(/^12\.1\s+bsaas\s+completed\s+1\s+slot1_2@exec1\s+3$/m);
    expect(failed.stdout).toContain(
      "1 of 2 job(s) of cluster 12 did not complete with exit code 0: 12.1 (completed, exit 3)",
    );

    await setHistory([]);
    const none = await bsaas(["jobs", "wait", ...common(), "12", "--json"], env);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toEqual({ clusterId: 12, ok: false, jobs: [] });
  });

  it("jobs wait stops at a held job with its reason (exit 1)", async () => {
    await setQueue([job("12.1", 5, { HoldReason: "disk full" })]);
    const { code, stderr } = await bsaas(["jobs", "wait", ...common(), "12"], env);
    expect(code).toBe(1);
    expect(stderr).toContain("12.1 (disk full) is held");
    await setQueue([]);
  });

  it("jobs list prints the queue (and the history) as a table, and --json with each job's ad", async () => {
    await setQueue([job("13.0", 2, { RemoteHost: "slot1_1@exec2", NumJobStarts: 2 })]);
    await setHistory([job("12.0", 4, { ExitCode: 0, LastRemoteHost: "slot1_1@exec1" })]);
    const queue = await bsaas(["jobs", "list", ...common()], env);
    expect(queue.code).toBe(0);
    expect(queue.stdout).toMatch(/^13\.0\s+bsaas\s+running\s+2\s+slot1_1@exec2\s+—$/m);
    expect(queue.stdout).not.toContain("12.0");

    const all = await bsaas(["jobs", "list", ...common(), "--history", "--json"], env);
    expect(all.code).toBe(0);
    const { jobs } = JSON.parse(all.stdout);
    expect(jobs.map((j: { id: string }) => j.id)).toEqual(["13.0", "12.0"]);
    expect(jobs[1]).toMatchObject({
      status: "completed",
      exitCode: 0,
      remoteHost: null,
      ad: { ExitCode: 0 },
    });

    await setQueue([]);
    expect((await bsaas(["jobs", "list", ...common()], env)).stdout.trim()).toBe("No jobs.");
  });

  it("an unknown submitter names the file's submitters (exit 1)", async () => {
    const { code, stderr } = await bsaas(["jobs", "list", ...common(), "--submitter", "nope"], env);
    expect(code).toBe(1);
    expect(stderr).toContain("no submitter named nope");
    expect(stderr).toContain("Submitters: submit.");
  });
});
