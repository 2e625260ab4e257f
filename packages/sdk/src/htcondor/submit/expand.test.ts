import { describe, expect, it } from "vitest";
import { SubmitExpansionError } from "./errors.js";
import {
  type ExpandJobAdsOptions,
  expandJobAds,
  expandJobAdsAsText,
  parseSubmit,
  type SubmitDescriptionInput,
} from "./index.js";

const options: ExpandJobAdsOptions = {
  clusterId: 42,
  owner: "alice",
  iwd: "/home/alice/run",
  qdate: 1_700_000_000,
};

function attrs(description: SubmitDescriptionInput | string, extra: Partial<ExpandJobAdsOptions> = {}) {
  const input = typeof description === "string" ? parseSubmit(description) : description;
  return expandJobAdsAsText(input, { ...options, ...extra }).map(
    (job): Record<string, string> => ({
      id: `${job.clusterId}.${job.procId}`,
      ...Object.fromEntries(job.attributes),
    }),
  );
}

function expansionError(text: string, extra: Partial<ExpandJobAdsOptions> = {}): SubmitExpansionError {
  try {
    expandJobAdsAsText(parseSubmit(text), { ...options, ...extra });
  } catch (error) {
    expect(error).toBeInstanceOf(SubmitExpansionError);
    return error as SubmitExpansionError;
  }
  throw new Error("expected the expansion to fail");
}

describe("expandJobAds", () => {
  it("makes one ad per job with the live macros of condor_submit", () => {
    const jobs = attrs(`executable = run.sh
arguments = "$(Cluster) $(ClusterId) $(Process) $(ProcId) $(x) $(y) $(ItemIndex) $(Row) $(Step)"
queue 2 x, y from (
  a, 1
  b 2 3
)
`);
    expect(jobs.map((j) => [j.id, j.Arguments])).toEqual([
      ["42.0", '"42 42 0 0 a 1 0 0 0"'],
      ["42.1", '"42 42 1 1 a 1 0 0 1"'],
      ["42.2", '"42 42 2 2 b 2 3 1 1 0"'],
      ["42.3", '"42 42 3 3 b 2 3 1 1 1"'],
    ]);
    expect(jobs[0]).toMatchObject({
      Cmd: '"/home/alice/run/run.sh"',
      Iwd: '"/home/alice/run"',
      Owner: '"alice"',
      JobUniverse: "5",
      JobStatus: "1",
      QDate: "1700000000",
      EnteredCurrentStatus: "1700000000",
      ClusterId: "42",
      ProcId: "0",
      In: '"/dev/null"',
      Out: '"/dev/null"',
      Err: '"/dev/null"',
      ShouldTransferFiles: '"IF_NEEDED"',
      WhenToTransferOutput: '"ON_EXIT"',
      RequestCpus: "1",
      RequestDisk: "DiskUsage",
      RequestMemory: "ifthenelse(MemoryUsage =!= UNDEFINED,MemoryUsage,(ImageSize+1023)/1024)",
    });
  });

  it("starts a new cluster when the executable changes, and keeps numbering procs otherwise", () => {
    const jobs = attrs('executable = a\nqueue 2\narguments = "x"\nqueue\nexecutable = b\nqueue 2\n');
    expect(jobs.map((j) => j.id)).toEqual(["42.0", "42.1", "42.2", "43.0", "43.1"]);
    expect(jobs[2]?.Arguments).toBe('"x"');
  });

  it("converts resource requests with units (MiB for memory, KiB for disk)", () => {
    const [job] = attrs({
      executable: "x",
      requestMemory: "2.5G",
      requestDisk: "1.5M",
      requestCpus: "RequestMemory / 1024",
    });
    expect(job).toMatchObject({
      RequestMemory: "2560",
      RequestDisk: "1536",
      RequestCpus: "RequestMemory / 1024",
    });
    expect(job?.Requirements).toBe(
      '(TARGET.Arch == "X86_64") && (TARGET.OpSys == "LINUX") && (TARGET.Disk >= RequestDisk) && ' +
        "(TARGET.Memory >= RequestMemory) && (TARGET.Cpus >= RequestCpus) && " +
        "((TARGET.FileSystemDomain == MY.FileSystemDomain) || (TARGET.HasFileTransfer))",
    );
    const [plain] = attrs({ executable: "x", requestMemory: 512, requestDisk: 1024 });
    expect(plain).toMatchObject({ RequestMemory: "512", RequestDisk: "1024" });
  });

  it("adds only the Requirements clauses the expression does not already cover", () => {
    const [job] = attrs({
      executable: "x",
      requirements: 'TARGET.Arch == "ARM" && OpSys == "LINUX" && Cpus > 2',
      requestCpus: 4,
      shouldTransferFiles: "YES",
    });
    expect(job?.Requirements).toBe(
      '(TARGET.Arch == "ARM" && OpSys == "LINUX" && Cpus > 2) && (TARGET.Disk >= RequestDisk) && ' +
        "(TARGET.Memory >= RequestMemory) && (TARGET.HasFileTransfer)",
    );
    const [docker] = attrs({ universe: "docker", dockerImage: "debian:12", executable: "/bin/echo" });
    expect(docker).toMatchObject({
      WantDocker: "true",
      DockerImage: '"debian:12"',
      TransferExecutable: "false",
    });
    expect(docker?.Requirements).toMatch(/^\(TARGET.Arch == "X86_64"\) && TARGET.HasDocker && /);
    const [forced] = attrs({ executable: "x", custom: { Requirements: { expr: "true" } } });
    expect(forced?.Requirements).toBe("true");
  });

  it("quotes arguments and environment like condor_submit stores them", () => {
    const [job] = attrs({
      executable: "x",
      arguments: ["a b", "it's", ""],
      environment: { Z: "1", A: "x y" },
    });
    expect(job?.Arguments).toBe(`"a' 'b it''''s ''"`);
    expect(job?.Environment).toBe(`"A=x' 'y Z=1"`);
  });

  it("copies the submitter's environment only when asked, and only from the env option", () => {
    const env = { PATH: "/bin", SECRET_TOKEN: "do-not-leak", HOME: "/home/alice" };
    expect(attrs({ executable: "x", getenv: true })[0]?.Environment).toBe('""');
    expect(attrs({ executable: "x", getenv: true }, { env })[0]?.Environment).toBe(
      '"HOME=/home/alice PATH=/bin SECRET_TOKEN=do-not-leak"',
    );
    expect(attrs({ executable: "x", getenv: ["*", "!SECRET*"] }, { env })[0]?.Environment).toBe(
      '"HOME=/home/alice PATH=/bin"',
    );
  });

  it("computes sizes only when it can look at files", () => {
    const [without] = attrs({ executable: "x", transferInputFiles: ["in.dat"] });
    expect(without).not.toHaveProperty("ExecutableSize");
    expect(without).not.toHaveProperty("DiskUsage");
    const sizes: Record<string, number> = {
      "/home/alice/run/x": 43_432,
      "/home/alice/run/in.dat": 5 * 1024 * 1024,
    };
    const [job] = attrs({ executable: "x", transferInputFiles: ["in.dat"] }, { fileSize: (p) => sizes[p] });
    expect(job).toMatchObject({
      ExecutableSize: "43",
      ImageSize: "43",
      DiskUsage: "5163",
      TransferInputSizeMB: "5",
    });
  });

  it("returns ClassAd objects that evaluate like the job ads", () => {
    const ads = expandJobAds(
      {
        executable: "x",
        requestMemory: "1G",
        custom: { Project: "bsaas", Weight: 0.5 },
        queue: { count: 2 },
      },
      options,
    );
    expect(ads).toHaveLength(2);
    expect(ads[1]?.evaluate("ProcId")).toEqual({ type: "integer", value: 1 });
    expect(ads[0]?.evaluate("RequestMemory")).toEqual({ type: "integer", value: 1024 });
    expect(ads[0]?.evaluate("Project")).toEqual({ type: "string", value: "bsaas" });
    expect(ads[0]?.evaluate("Weight")).toEqual({ type: "real", value: 0.5 });
    expect(ads[0]?.evaluate("Rank")).toEqual({ type: "real", value: 0 });
  });

  it("reads queue items from files and globs through the given callbacks", () => {
    const text = 'executable = x\narguments = "$(Item)"\nqueue from items.txt\nqueue matching *.dat\n';
    const jobs = attrs(text, {
      readFile: (p) => (p === "/home/alice/run/items.txt" ? "one\ntwo\n" : ""),
      listFiles: (pattern) => (pattern === "*.dat" ? ["a.dat", "b.dat"] : []),
    });
    expect(jobs.map((j) => j.Arguments)).toEqual(['"one"', '"two"', '"a.dat"', '"b.dat"']);
    expect(expansionError("executable = x\nqueue from items.txt\n").message).toMatch(
      /needs a readFile option/,
    );
    expect(expansionError("executable = x\nqueue matching *.dat\n").message).toMatch(
      /needs a listFiles option/,
    );
  });
});

describe("expansion errors name the job and the command", () => {
  it.each([
    ["arguments = x\nqueue\n", /No 'executable' parameter was provided/],
    ["executable = x\n", /no queue statement/],
    ["universe = java\nexecutable = x\nqueue\n", /java universe is not supported by this expansion/],
    ["universe = martian\nexecutable = x\nqueue\n", /I don't know about the 'martian' universe/],
    ["universe = docker\nexecutable = x\nqueue\n", /docker jobs require a docker_image/],
    ["executable = x\nnotification = sometimes\nqueue\n", /Notification must be/],
    ["executable = x\nconcurrency_limits = a-b\nqueue\n", /Invalid concurrency limit 'a-b'/],
    ["executable = x\n+Bad = a b\nqueue\n", /Parse error in expression: Bad = a b/],
    [
      "executable = x\nshould_transfer_files = NO\ntransfer_input_files = a\nqueue\n",
      /you disabled should_transfer_files/,
    ],
    ["executable = x\nhold = maybe\nqueue\n", /hold=maybe is invalid, must eval to a boolean/],
    ["executable = x\nqueue $(n)\n", /the count '' is not an integer/],
    ["executable = x\nkill_sig = SIGNOPE\nqueue\n", /invalid signal SIGNOPE/],
  ])("%j", (text, message) => {
    const error = expansionError(text);
    expect(error.message).toMatch(message);
    expect(error.code).toBe("SUBMIT_EXPANSION");
  });

  it("says which job and command failed", () => {
    const error = expansionError('executable = x\n+Val = $(v)\nqueue v in (1, "a b)\n');
    expect(error.job).toBe("42.1");
    expect(error.command).toBe("Val");
  });
});
