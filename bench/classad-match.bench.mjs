// Cost of matchmaking with the SDK's ClassAd engine: every one of 200 job ads against every one of 1,000 slot ads
// (200,000 symmetric matches: the job's Requirements with MY = job, TARGET = slot, and the slot's Requirements with
// MY = slot, TARGET = job, both must be true). The ads are generated from a fixed seed and are shaped like real ones
// (job: RequestCpus/RequestMemory/RequestDisk, Owner, JobUniverse and a Requirements over TARGET.Memory, Cpus, Arch,
// OpSys, HasFileTransfer, sometimes Disk, and a site constraint by stringListMember or =?=; slot: Cpus, Memory, Disk,
// Arch, OpSys, Site, HasFileTransfer, a START over TARGET.* and Requirements = START, plus the usual bystanders).
// The same ads, as text, go to three contenders in the same run:
//   - the SDK: `parseAd` once, then `matchAds(job, slot)` for every pair (the built package, dist/htcondor);
//   - HTCondor's classad2 (the Python bindings, in the HTCondor rootfs): `ClassAd.symmetricMatch`, only the loop timed;
//   - a hand-written JS predicate on plain objects doing the same comparisons with the same semantics for these ads.
// All three must find the same matching pairs (the bench fails otherwise). SDK and hand-written rounds are interleaved,
// median of BENCH_RUNS (default 15, at least 5) after warm-up rounds; classad2 runs BENCH_CLASSAD2_PASSES (default 3)
// passes after one untimed pass, median. Needs the built SDK (`npm run bench` builds first) and the HTCondor rootfs
// (`scripts/provision-htcondor`, as root; BSAAS_HTCONDOR_ROOTFS overrides its path) or HTCondor on PATH.
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { matchAds, parseAd } from "../packages/sdk/dist/htcondor/index.js";
import { fmt, interleave, prng, report, stats } from "./lib.mjs";

const JOBS = 200;
const SLOTS = 1000;
const runs = Math.max(5, Number(process.env.BENCH_RUNS ?? 15));
const warmups = 3;
const classad2Passes = Math.max(1, Number(process.env.BENCH_CLASSAD2_PASSES ?? 3));

const rand = prng(20240601);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const chance = (p) => rand() < p;
const q = (s) => JSON.stringify(s); // the ads' strings are plain ASCII: JSON quoting is ClassAd quoting

const SITES = ["desy", "kit", "cern", "fnal", "infn", "ral"];
const OWNERS = ["alice", "bob", "carol", "dave", "bad", "Bad", "erin"];

// ---- the ads, as data (for the hand-written predicate) and as ClassAd text (for the SDK and classad2) ----

function makeJob(i) {
  const job = {
    owner: pick(OWNERS),
    requestCpus: pick([1, 1, 1, 2, 4, 8]),
    requestMemory: pick([512, 1024, 2048, 2048, 4096, 8192, 16384]),
    requestDisk: int(1, 50) * 100_000,
    jobUniverse: pick([5, 5, 5, 9, 7]),
    needDisk: chance(0.3),
    siteList: null, // stringListMember(TARGET.Site, "a,b")
    site: null, // TARGET.Site =?= "a"
  };
  const siteKind = pick(["none", "list", "list", "exact"]);
  if (siteKind === "list") job.siteList = SITES.filter(() => chance(0.45));
  if (siteKind === "exact") job.site = pick(SITES);
  const terms = [
    "TARGET.Memory >= RequestMemory",
    "TARGET.Cpus >= RequestCpus",
    'TARGET.Arch == "X86_64"',
    'TARGET.OpSys == "LINUX"',
    "TARGET.HasFileTransfer",
  ];
  if (job.needDisk) terms.push("TARGET.Disk >= RequestDisk");
  if (job.siteList) terms.push(`stringListMember(TARGET.Site, ${q(job.siteList.join(","))})`);
  if (job.site) terms.push(`TARGET.Site =?= ${q(job.site)}`);
  const attrs = [
    `ClusterId = ${1000 + i}`,
    "ProcId = 0",
    `GlobalJobId = ${q(`submit.example.org#${1000 + i}.0#17000${i}`)}`,
    `Owner = ${q(job.owner)}`,
    `User = ${q(`${job.owner}@example.org`)}`,
    `Cmd = ${q(`/home/${job.owner}/bin/analysis`)}`,
    `Arguments = ${q(`--run ${i} --events 10000`)}`,
    `Iwd = ${q(`/home/${job.owner}/work`)}`,
    `JobUniverse = ${job.jobUniverse}`,
    "JobStatus = 1",
    `QDate = ${1_700_000_000 + i * 17}`,
    `RequestCpus = ${job.requestCpus}`,
    `RequestMemory = ${job.requestMemory}`,
    `RequestDisk = ${job.requestDisk}`,
    `DiskUsage = ${int(1, 1000)}`,
    'ShouldTransferFiles = "YES"',
    'WhenToTransferOutput = "ON_EXIT"',
    `Rank = ${chance(0.5) ? "TARGET.Mips" : "0.0"}`,
    `Requirements = ${terms.join(" && ")}`,
  ];
  return { data: job, text: `[${attrs.join("; ")}]` };
}

const START_FORMS = {
  plain: 'TARGET.RequestMemory <= Memory && TARGET.RequestCpus <= Cpus && (TARGET.Owner =!= "bad")',
  disk: 'TARGET.RequestMemory <= Memory && TARGET.RequestCpus <= Cpus && TARGET.RequestDisk <= Disk && (TARGET.Owner =!= "bad")',
  universe:
    '(TARGET.Owner =!= "bad") && (TARGET.JobUniverse == 5 || TARGET.JobUniverse == 9) && TARGET.RequestMemory <= Memory',
};

function makeSlot(i) {
  const cpus = pick([1, 2, 4, 8, 16, 32]);
  const slot = {
    cpus,
    memory: cpus * pick([1024, 2048, 4096]),
    disk: int(1, 100) * 200_000,
    arch: pick(["X86_64", "X86_64", "X86_64", "x86_64", "aarch64"]),
    opSys: pick(["LINUX", "LINUX", "LINUX", "linux", "WINDOWS"]),
    site: chance(0.9) ? pick(SITES) : undefined,
    hasFileTransfer: pick([true, true, true, true, false, undefined]),
    start: pick(["plain", "plain", "disk", "universe"]),
  };
  const machine = `wn${i % 500}.${slot.site ?? "nosite"}.example.org`;
  const attrs = [
    `Name = ${q(`slot${1 + (i % 4)}@${machine}`)}`,
    `Machine = ${q(machine)}`,
    `SlotID = ${1 + (i % 4)}`,
    `MyType = "Machine"`,
    `Cpus = ${slot.cpus}`,
    `Memory = ${slot.memory}`,
    `Disk = ${slot.disk}`,
    `Arch = ${q(slot.arch)}`,
    `OpSys = ${q(slot.opSys)}`,
    'OpSysAndVer = "AlmaLinux9"',
    `Mips = ${int(10_000, 40_000)}`,
    `KeyboardIdle = ${int(0, 100_000)}`,
    `LoadAvg = ${(rand() * 4).toFixed(2)}`,
    'State = "Unclaimed"',
    'Activity = "Idle"',
    'CondorVersion = "$CondorVersion: 23.9.6 2026-07-12 $"',
    `START = ${START_FORMS[slot.start]}`,
    "Requirements = START",
    "Rank = 0.0",
  ];
  if (slot.site !== undefined) attrs.push(`Site = ${q(slot.site)}`);
  if (slot.hasFileTransfer !== undefined) attrs.push(`HasFileTransfer = ${slot.hasFileTransfer}`);
  return { data: slot, text: `[${attrs.join("; ")}]` };
}

const jobs = Array.from({ length: JOBS }, (_, i) => makeJob(i));
const slots = Array.from({ length: SLOTS }, (_, i) => makeSlot(i));

// ---- contender (c): the hand-written predicate ----

// ClassAd `==` on strings ignores case; `=?=`/`=!=` and stringListMember do not.
const sameIgnoringCase = (a, b) => a === b || a.toLowerCase() === b.toLowerCase();

function jobWantsSlot(job, slot) {
  return (
    slot.memory >= job.requestMemory &&
    slot.cpus >= job.requestCpus &&
    sameIgnoringCase(slot.arch, "X86_64") &&
    sameIgnoringCase(slot.opSys, "LINUX") &&
    slot.hasFileTransfer === true &&
    (!job.needDisk || slot.disk >= job.requestDisk) &&
    (job.siteList === null || (slot.site !== undefined && job.siteList.includes(slot.site))) &&
    (job.site === null || slot.site === job.site)
  );
}

function slotWantsJob(slot, job) {
  if (job.owner === "bad") return false;
  switch (slot.start) {
    case "plain":
      return job.requestMemory <= slot.memory && job.requestCpus <= slot.cpus;
    case "disk":
      return job.requestMemory <= slot.memory && job.requestCpus <= slot.cpus && job.requestDisk <= slot.disk;
    default:
      return (job.jobUniverse === 5 || job.jobUniverse === 9) && job.requestMemory <= slot.memory;
  }
}

const jobData = jobs.map((j) => j.data);
const slotData = slots.map((s) => s.data);
function handWrittenPass(record) {
  let count = 0;
  for (let j = 0; j < jobData.length; j++) {
    const job = jobData[j];
    for (let s = 0; s < slotData.length; s++) {
      const slot = slotData[s];
      if (jobWantsSlot(job, slot) && slotWantsJob(slot, job)) {
        count++;
        if (record) record.push(j * SLOTS + s);
      }
    }
  }
  return count;
}

// ---- contender (a): the SDK ----

const jobAds = jobs.map((j) => parseAd(j.text));
const slotAds = slots.map((s) => parseAd(s.text));
function sdkPass(record) {
  let count = 0;
  for (let j = 0; j < jobAds.length; j++) {
    const job = jobAds[j];
    for (let s = 0; s < slotAds.length; s++) {
      if (matchAds(job, slotAds[s]) === true) {
        count++;
        if (record) record.push(j * SLOTS + s);
      }
    }
  }
  return count;
}

// ---- contender (b): classad2 ----

const CLASSAD2_SCRIPT = `
import json, sys, time
import classad2
import htcondor2  # registers HTCondor's own functions (stringListMember) with the ClassAd library
job_texts, slot_texts, passes = json.load(sys.stdin)
jobs = [classad2.ClassAd(t) for t in job_texts]
slots = [classad2.ClassAd(t) for t in slot_texts]
matched = []
for j, job in enumerate(jobs):
    for s, slot in enumerate(slots):
        if job.symmetricMatch(slot):
            matched.append(j * len(slots) + s)
seconds = []
for _ in range(passes):
    start = time.perf_counter()
    count = 0
    for job in jobs:
        for slot in slots:
            if job.symmetricMatch(slot):
                count += 1
    seconds.append(time.perf_counter() - start)
    if count != len(matched):
        sys.exit("classad2 found %d matches in one pass and %d in another" % (len(matched), count))
print(json.dumps({"version": classad2.version(), "matched": matched, "seconds": seconds}))
`;

function onPath(command) {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return dir !== "";
    } catch {
      return false;
    }
  });
}

function runClassad2() {
  const rootfs = process.env.BSAAS_HTCONDOR_ROOTFS || "/var/lib/bsaas/htcondor-trixie";
  const python = ["env", "TZ=UTC", "LC_ALL=C", "python3", "-c", CLASSAD2_SCRIPT];
  let command;
  if (existsSync(join(rootfs, "usr/lib/python3/dist-packages/classad2")))
    command = ["chroot", rootfs, ...python];
  else if (onPath("condor_version")) command = python;
  else {
    console.error(
      `classad-match: HTCondor's classad2 not found (no rootfs at ${rootfs}, no condor_version on PATH); ` +
        "run scripts/provision-htcondor as root.",
    );
    process.exit(1);
  }
  const run = spawnSync(command[0], command.slice(1), {
    input: JSON.stringify([jobs.map((j) => j.text), slots.map((s) => s.text), classad2Passes]),
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  if (run.status !== 0) {
    console.error(
      `classad-match: classad2 run failed (exit ${run.status}, signal ${run.signal}): ${run.stderr}`,
    );
    process.exit(1);
  }
  return JSON.parse(run.stdout);
}

// ---- agreement, then timing ----

const sdkPairs = [];
const handPairs = [];
const sdkCount = sdkPass(sdkPairs);
const handCount = handWrittenPass(handPairs);
const classad2 = runClassad2();
const samePairs = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const pairs = JOBS * SLOTS;
console.log(`ads: ${JOBS} job ads × ${SLOTS} slot ads = ${pairs.toLocaleString("en")} pairs`);
console.log(
  `matching pairs: SDK ${sdkCount}, classad2 ${classad2.matched.length}, hand-written ${handCount} ` +
    `(${((100 * sdkCount) / pairs).toFixed(1)}%)`,
);
if (!samePairs(sdkPairs, classad2.matched) || !samePairs(handPairs, classad2.matched)) {
  const first = (list) =>
    list.find((x) => !classad2.matched.includes(x)) ?? classad2.matched.find((x) => !list.includes(x));
  for (const [name, list] of [
    ["SDK", sdkPairs],
    ["hand-written", handPairs],
  ]) {
    const pair = first(list);
    if (pair === undefined) continue;
    const j = Math.floor(pair / SLOTS);
    const s = pair % SLOTS;
    console.error(
      `${name} and classad2 disagree, first on job ${j} × slot ${s}` +
        ` (classad2: ${classad2.matched.includes(pair) ? "match" : "no match"}):\n  job:  ${jobs[j].text}\n  slot: ${slots[s].text}`,
    );
  }
  console.error("classad-match: the contenders disagree on the matching pairs");
  process.exit(1);
}

const { sdk, hand } = await interleave(
  { sdk: () => sdkPass(null), hand: () => handWrittenPass(null) },
  { runs, warmups },
);
const c2 = stats(classad2.seconds.map((s) => s * 1000));
const perPair = (ms) => `${((ms * 1000) / pairs).toFixed(3)} µs/pair`;
console.log(
  `SDK matchAds             median ${fmt(sdk.median)}  min ${fmt(sdk.min)}  p90 ${fmt(sdk.p90)}  (${sdk.runs} runs, ${perPair(sdk.median)})`,
);
console.log(
  `hand-written JS          median ${fmt(hand.median)}  min ${fmt(hand.min)}  p90 ${fmt(hand.p90)}  (${hand.runs} runs, ${perPair(hand.median)})`,
);
console.log(
  `classad2 ${classad2.version} symmetricMatch median ${fmt(c2.median)}  min ${fmt(c2.min)}  (${c2.runs} passes, ${perPair(c2.median)})`,
);
report("classad-match vs classad2", {
  ratio: c2.median / sdk.median,
  baseline: `classad2 median ${fmt(c2.median)}`,
  goal: 10,
  lowerIsBetter: false,
});
report("classad-match", {
  ratio: sdk.median / hand.median,
  baseline: `hand-written JS median ${fmt(hand.median)}`,
  goal: 2,
});
