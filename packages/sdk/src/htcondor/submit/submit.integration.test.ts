/**
 * Differential test against the real condor_submit 23.9.6 of the HTCondor rootfs: for each submit file, the job ads
 * condor_submit -dry-run prints and the ads expandJobAdsAsText() builds must have the same attributes with the same
 * values (both normalised by HTCondor's classad2 library). It fails with an instruction when the rootfs is missing.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BsaasError } from "../../errors.js";
import { type DryRunJob, DryRunWorkspace } from "./condor-dry-run.testkit.js";
import {
  type ExpandJobAdsOptions,
  escapeMacros,
  expandJobAds,
  expandJobAdsAsText,
  formatSubmit,
  parseSubmit,
} from "./index.js";

/** Attributes condor_submit writes that the SDK leaves out on purpose (see the README of this folder). */
const NOT_PRODUCED = new Set(["CondorVersion", "CondorPlatform", "JobSubmitMethod"]);

let ws: DryRunWorkspace;
let baseOptions: Omit<ExpandJobAdsOptions, "qdate">;

beforeAll(() => {
  ws = new DryRunWorkspace();
  baseOptions = {
    clusterId: 1,
    owner: "nobody",
    iwd: ws.dir,
    submitFile: "job.sub",
    env: ws.env,
    config: { FILESYSTEM_DOMAIN: ws.config("FILESYSTEM_DOMAIN") },
    arch: ws.config("ARCH"),
    opsys: ws.config("OPSYS"),
    opsysAndVer: ws.config("OPSYSANDVER"),
    opsysMajorVer: ws.config("OPSYSMAJORVER"),
    opsysVer: ws.config("OPSYSVER"),
    fileSize: ws.fileSize,
    readFile: (path) => readFileSync(join(ws.rootfs, path), "utf8"),
    listFiles: (pattern, kind) => globInWorkspace(pattern, kind),
  };
});

afterAll(() => ws?.cleanup());

/** A small glob (`*`, `?`) over the workspace directory, sorted, directories marked with `/` (like glob(3)). */
function globInWorkspace(pattern: string, kind: "files" | "dirs" | "any"): string[] {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|\\]/g, "\\$&")
      .replaceAll("*", ".*")
      .replaceAll("?", ".")}$`,
  );
  return readdirSync(ws.hostDir)
    .filter((name) => re.test(name) && !name.startsWith("."))
    .map((name) => (statSync(join(ws.hostDir, name)).isDirectory() ? `${name}/` : name))
    .filter((name) => kind !== "dirs" || name.endsWith("/"))
    .sort();
}

function compareWithCondor(submitText: string, extra: Partial<ExpandJobAdsOptions> = {}) {
  const real = ws.dryRun(submitText);
  expect(real.status, real.stderr).toBe(0);
  expect(real.jobs.length).toBeGreaterThan(0);
  const qdate = Number(real.jobs[0]?.attributes.get("QDate"));
  const description = parseSubmit(submitText, { file: "job.sub" });
  const mine = expandJobAdsAsText(description, { ...baseOptions, qdate, ...extra });

  // The object form written back as text must mean the same thing.
  const reparsed = parseSubmit(formatSubmit(description), { file: "formatted.sub" });
  expect(reparsed).toEqual(description);

  expect(mine.map((j) => `${j.clusterId}.${j.procId}`)).toEqual(
    real.jobs.map((j) => `${j.clusterId}.${j.procId}`),
  );
  // The same ads as ClassAd objects, printed back in old syntax by the ClassAd engine.
  const classAds = expandJobAds(description, { ...baseOptions, qdate, ...extra });
  expect(classAds.map((ad) => ad.get("ProcId")?.toString())).toEqual(mine.map((j) => String(j.procId)));

  const withoutOwner = (pairs: [string, string][]) => pairs.filter(([name]) => name !== "Owner");
  const realPairs = real.jobs.map((j) =>
    withoutOwner([...j.attributes].filter(([name]) => !NOT_PRODUCED.has(name))),
  );
  const minePairs = mine.map((j) => withoutOwner(j.attributes));
  const adPairs = classAds.map((ad) =>
    withoutOwner(ad.entries().map(([name, expr]): [string, string] => [name, expr.toOldString()])),
  );
  const normalized = ws.normalize([...realPairs, ...minePairs, ...adPairs]);
  const problems: string[] = [];
  const n = real.jobs.length;
  real.jobs.forEach((job: DryRunJob, i) => {
    const condor = normalized[i] as Record<string, string>;
    const forms: [string, Record<string, string> | undefined][] = [
      ["text", normalized[i + n]],
      ["ClassAd", normalized[i + 2 * n]],
    ];
    for (const [form, sdk] of forms) {
      const names = new Set([...Object.keys(condor), ...Object.keys(sdk ?? {})]);
      for (const name of [...names].sort()) {
        if (condor[name] !== sdk?.[name]) {
          problems.push(
            `${job.clusterId}.${job.procId} ${name}: condor_submit=${condor[name]} sdk(${form})=${sdk?.[name]}`,
          );
        }
      }
    }
  });
  expect(problems).toEqual([]);
  // Owner: condor_submit leaves it undefined (the schedd sets it); the SDK fills in the submitting user.
  expect(real.jobs[0]?.attributes.get("Owner")).toBe("undefined");
  expect(mine[0]?.attributes.find(([n]) => n === "Owner")?.[1]).toBe('"nobody"');
  return { real, mine };
}

describe("expandJobAdsAsText against condor_submit -dry-run", { timeout: 60_000 }, () => {
  it("arguments and environment quoting, units, custom attributes, queue N", () => {
    compareWithCondor(`executable = /bin/echo
arguments = "hello 'big world' x""y '' 'it''s' '\\'"
environment = "A=1 B='x y' Z=last Q='it''s'"
output = out.$(Cluster).$(Process)
error = err.$(Process)
log = log.txt
request_cpus = 2
request_memory = 2.5G
request_disk = 1G
+Project = "bsaas"
MY.Foo = 1 + 2
+Empty =
+Bool = TRUE
queue 2
`);
  });

  it("condor_submit reads what the builder writes (quoting of arguments, environment, custom strings)", () => {
    const { mine } = compareWithCondor(
      formatSubmit({
        executable: "/bin/sh",
        arguments: ["-c", 'echo "$1" it\'s', "sh", "a  b", "", "$(Process)", "back\\slash", "tab\there"],
        environment: { GREETING: "hello world", QUOTE: 'it\'s "quoted"', EMPTY: "" },
        custom: {
          Text: 'say "hi" \\ done',
          Count: 3,
          Ratio: 0.25,
          Flag: false,
          Expr: { expr: "RequestMemory * 2" },
          Literal: escapeMacros("$(not_a_macro)"),
        },
        requestMemory: "1.5G",
        requestDisk: 2048,
        concurrencyLimits: ["Db", "lic:3"],
        transferOutputFiles: [],
        queue: { count: 2, vars: ["x", "y"], from: [["1", "one two"], "2 three"] },
      }),
    );
    expect(mine).toHaveLength(4);
  });

  it("old-style arguments and env keep their own attributes (Args, Env)", () => {
    compareWithCondor(`executable = /bin/echo
arguments = one two\\"three
env = A=1;B=2
queue
`);
  });

  it("queue from rows with several variables, in with a slice, Item/ItemIndex/Row/Step", () => {
    compareWithCondor(`executable = /bin/echo
arguments = "$(Item) $(ItemIndex) $(Row) $(Step) $(Process) $(x) $(y)"
a = 1 \\
# a comment inside the continuation \\
 b
+AVal = "$(a)"
queue 2 x,y from (
  aa, 1
  bb 2 3
# skipped
  cc
)
queue in [1:] (p q r)
queue Item in p, q ,r
queue 2*3
`);
  });

  it("queue matching and queue from a file", () => {
    ws.write("in-a.dat", "a\n");
    ws.write("in-b.dat", "bb\n");
    ws.write("items.txt", "alpha 1\nbeta 2\n");
    compareWithCondor(`executable = /bin/cat
transfer_input_files = $(f)
arguments = "$(f)"
queue f matching files *.dat
arguments = "$(name) $(n)"
queue name, n from items.txt
`);
  });

  it("file transfer settings, URLs, remaps, stdin and streaming", () => {
    ws.write("input.txt", "x\n");
    compareWithCondor(`executable = /bin/cat
input = input.txt
output = out.txt
stream_output = true
should_transfer_files = YES
when_to_transfer_output = ON_EXIT_OR_EVICT
transfer_input_files = input.txt, https://example.org/data.tar, osdf:///ospool/x
transfer_output_files = result, logs/
transfer_output_remaps = "result=results/$(Process).out"
queue 2
`);
    compareWithCondor(`executable = /bin/cat
should_transfer_files = NO
arguments = "$(Process)"
queue 2
`);
    compareWithCondor(`executable = /bin/cat
when_to_transfer_output = ON_SUCCESS
transfer_output_files = ""
preserve_relative_paths = true
encrypt_input_files = secret.txt
queue
`);
  });

  it("a later job inherits the first job's transfer settings, as in condor_submit (same error)", () => {
    const text = `executable = /bin/cat
when_to_transfer_output = ON_EXIT_OR_EVICT
queue
should_transfer_files = NO
when_to_transfer_output =
queue
`;
    const real = ws.dryRun(text);
    expect(real.status).not.toBe(0);
    expect(real.stderr).toMatch(
      /WhenToTransferOutput specified as ON_EXIT_OR_EVICT yet\s+ShouldTransferFiles defined as NO/,
    );
    expect(() => expandJobAdsAsText(parseSubmit(text), { ...baseOptions, qdate: 1 })).toThrow(
      /WhenToTransferOutput specified as ON_EXIT_OR_EVICT yet ShouldTransferFiles defined as NO/,
    );
  });

  it("requirements augmentation depends on what the expression references", () => {
    compareWithCondor(`executable = /bin/echo
requirements = (TARGET.Arch == "X86_64") && Memory > 100 && regexp("\\.edu$", Machine)
request_memory = 1e3
request_disk = 512
request_cpus = 1
queue
requirements = OpSys == "LINUX" && TARGET.Disk > 5 && Cpus >= 1
request_foo = 2
request_bar = "x.*"
request_gpus = 1
gpus_minimum_capability = 7.5
queue
`);
  });

  it("docker and container universes", () => {
    compareWithCondor(`universe = docker
docker_image = debian:12
executable = /bin/echo
arguments = hi
queue
`);
    compareWithCondor(`universe = container
container_image = docker://alpine:3
executable = run.sh
transfer_executable = false
queue
`);
    compareWithCondor(`executable = /bin/echo
container_image = /img/x.sif
queue
`);
  });

  it("retries, hold, limits, priority, batch, accounting, notification and policy expressions", () => {
    compareWithCondor(`executable = /bin/true
max_retries = 3
on_exit_remove = ExitCode == 0 || ExitCode == 2
retry_until = ExitCode == 42
success_exit_code = 7
hold = true
concurrency_limits = B_lim, a_lim:2
priority = -5
batch_name = "my batch"
accounting_group = group_physics
notification = complete
periodic_remove = JobStatus == 5 && (time() - EnteredCurrentStatus) > 3600
periodic_hold = NumJobStarts > 3
rank = Memory
leave_in_queue = false
kill_sig = 10
nice_user = false
description = a test job
job_machine_attrs = Machine
max_job_retirement_time = 60
queue
`);
  });

  it("macros: defaults, $ENV, $INT, $REAL, $CHOICE, $SUBSTR, $F, self references, initialdir", () => {
    ws.mkdir("sub/dir");
    compareWithCondor(`executable = /bin/echo
n = 7
x = 2.5
path = /a/b/c/file.tar.gz
s = "abc"
requirements = Memory > 1
requirements = $(requirements) && Disk > 1
arguments = "$(ARCH) $(OpSys) $(OPSYSANDVER) $(IsLinux) $(Year) $(SUBMIT_FILE) $(JobId) $(undefined_thing:dflt) $(DOLLAR)(x) $$(Foo) $ENV(BSAAS_TEST_VAR) $ENV(NOPE) $ENV(NOPE:zz)"
environment = "I=$INT(n,%03d) J=$INT(x) R=$REAL(n,%.3f) C=$CHOICE(1,a,b,c) S=$SUBSTR(path,2,3) T=$SUBSTR(path,-6) P=$Fp(path) N=$Fn(path) X=$Fx(path) NX=$Fnx(path) D=$Fd(path) DD=$Fdd(path) B=$BASENAME(path) DN=$DIRNAME(path) F=$Ff(rel.txt) XB=$Fxb(path) V=$EVAL(1.5) W=$EVAL(s) Y=$STRING(s) Z=$EVAL(n*3) E2=$EVAL(2+3)"
initialdir = sub/dir
log = job.log
queue
`);
  });

  it("getenv lists and V1/V2 environment merging", () => {
    compareWithCondor(`executable = /bin/echo
environment = "A=1"
getenv = BSAAS_*, !HOME, LANG
queue
`);
  });

  it("a new executable starts a new cluster; commands between queue statements apply to the later ones", () => {
    compareWithCondor(`executable = /bin/echo
arguments = "first"
queue 2
arguments = "second $(Process)"
queue
executable = /bin/true
queue 2
`);
  });

  it("if/elif/else blocks are evaluated while parsing", () => {
    compareWithCondor(`executable = /bin/echo
mode = fast
if defined mode
  arguments = "mode $(mode)"
else
  arguments = "no mode"
endif
if version >= 8.9.0
  +NewEnough = true
elif true
  +NewEnough = false
endif
if $(missing)
  +Missing = 1
else
  +Missing = 0
endif
queue
`);
  });

  it("request units and expressions, forced Requirements, short leases, string escapes", () => {
    compareWithCondor(`executable = /bin/echo
request_memory = 1024K
request_disk = 3 GB
request_cpus = 4
job_lease_duration = 5
+Note = "back\\slash and \\"quote\\""
+Flag = false
+Num = 3.25
queue
request_memory = 2.5m
request_disk = undefined
request_cpus = RequestMemory / 1024
queue
request_memory = RequestCpus * 1024
+Requirements = TARGET.Cpus > 1
queue
`);
  });

  it("more queue forms: multi-line in, matching dirs, slices with a step, count with rows", () => {
    ws.mkdir("d1");
    ws.mkdir("d2");
    ws.write("notadir.txt", "x\n");
    compareWithCondor(`executable = /bin/echo
arguments = "$(Item) $(Step) $(ItemIndex)"
queue 2 in [::2] (
  a b
  c, d
  e
)
arguments = "$(dir)"
queue dir matching dirs d*
arguments = "$(x)|$(y)|$(z)"
queue x,y,z from [1:3] (
  1 2 3 4
  5,6
  7
  8 9
)
`);
  });

  it("getenv = true, nice_user, accounting_group_user, notify_user and email attributes", () => {
    compareWithCondor(`executable = /bin/echo
getenv = true
environment = "A=1 HOME=/overridden"
nice_user = true
accounting_group_user = alice
notify_user = someone@example.org
email_attributes = Foo Bar, Baz
ulog_execute_attrs = Machine
transfer_executable = false
queue
`);
  });

  it.each([
    ["an invalid custom attribute expression", "executable = /bin/echo\n+Bad = a b\nqueue\n"],
    ["no executable", "arguments = x\nqueue\n"],
    ["a docker job without an image", "universe = docker\nexecutable = /bin/echo\nqueue\n"],
    ["an unknown universe", "universe = martian\nexecutable = /bin/echo\nqueue\n"],
    [
      "input files without file transfer",
      "executable = /bin/echo\nshould_transfer_files = NO\ntransfer_input_files = a\nqueue\n",
    ],
    ["a bad notification", "executable = /bin/echo\nnotification = sometimes\nqueue\n"],
    ["an unterminated argument quote", "executable = /bin/echo\narguments = \"a 'b\nqueue\n"],
    ["a bad queue count", "executable = /bin/echo\nqueue 1 2x from (a)\n"],
    ["an unclosed item list", "executable = /bin/echo\nqueue x from (\na\n"],
    ["a line that is not a command", "executable = /bin/echo\nthis is wrong\nqueue\n"],
    ["a missing executable file", "executable = no-such-program\nqueue\n"],
  ])("rejects %s like condor_submit", (_what, text) => {
    const real = ws.dryRun(text);
    expect(real.status, real.stderr).not.toBe(0);
    expect(() =>
      expandJobAdsAsText(parseSubmit(text, { file: "job.sub" }), { ...baseOptions, qdate: 1 }),
    ).toThrow(BsaasError);
  });

  it("deferred start (deferral_time, cron_*) adds its attributes and Requirements clause", () => {
    compareWithCondor(`executable = /bin/echo
deferral_time = 1800000000
deferral_window = 60
queue
`);
    compareWithCondor(`universe = local
executable = /bin/echo
cron_minute = 0
cron_hour = */2
queue
`);
  });

  it("scheduler, local and parallel universes", () => {
    compareWithCondor(`universe = scheduler
executable = /bin/echo
queue
`);
    compareWithCondor(`universe = local
executable = /bin/echo
queue
`);
    compareWithCondor(`universe = parallel
executable = /bin/echo
machine_count = 3
queue
`);
  });
});
