import { describe, expect, it } from "vitest";
import { SubmitDescriptionError } from "./errors.js";
import {
  buildSubmit,
  escapeMacros,
  expandJobAds,
  formatSubmit,
  parseSubmit,
  type SubmitDescriptionInput,
  SubmitFile,
} from "./index.js";

const options = { clusterId: 7, owner: "alice", iwd: "/home/alice/run", qdate: 1_700_000_000 };

function descriptionError(input: unknown): SubmitDescriptionError {
  try {
    formatSubmit(input as SubmitDescriptionInput);
  } catch (error) {
    expect(error).toBeInstanceOf(SubmitDescriptionError);
    return error as SubmitDescriptionError;
  }
  throw new Error("expected the description to be rejected");
}

describe("buildSubmit / formatSubmit", () => {
  it("writes a submit file condor_submit understands", () => {
    const file = buildSubmit({
      universe: "vanilla",
      executable: "/bin/sh",
      arguments: ["-c", "echo job $1 of $2", "sh", "$(Process)", "$(Cluster)"],
      environment: { GREETING: "hello world", EMPTY: "" },
      output: "out.$(Process)",
      error: "err.$(Process)",
      log: "jobs.log",
      requestCpus: 1,
      requestMemory: "64M",
      requestDisk: 1024,
      requirements: 'OpSys == "LINUX"',
      shouldTransferFiles: "YES",
      whenToTransferOutput: "ON_EXIT",
      transferInputFiles: ["in.txt", "data/"],
      maxRetries: 2,
      accountingGroup: "group_a",
      priority: 5,
      batchName: "nightly",
      concurrencyLimits: ["db:2"],
      getenv: ["PATH", "!SECRET*"],
      custom: { BsaasTest: "pool-client", Count: 3, Weight: 0.5, Flag: true, Score: { expr: "Rank * 2" } },
      commands: { notify_user: "ops@example.org" },
      queue: { count: 5 },
    });
    expect(file.toString()).toBe(`universe = vanilla
executable = /bin/sh
arguments = "-c 'echo job $1 of $2' sh $(Process) $(Cluster)"
environment = "GREETING='hello world' EMPTY="
output = out.$(Process)
error = err.$(Process)
log = jobs.log
request_cpus = 1
request_memory = 64M
request_disk = 1024
requirements = OpSys == "LINUX"
should_transfer_files = YES
when_to_transfer_output = ON_EXIT
transfer_input_files = in.txt, data/
max_retries = 2
accounting_group = group_a
priority = 5
batch_name = nightly
concurrency_limits = db:2
getenv = PATH, !SECRET*
+BsaasTest = "pool-client"
+Count = 3
+Weight = 0.5
+Flag = true
+Score = Rank * 2
notify_user = ops@example.org
queue 5
`);
    expect(parseSubmit(file.toString())).toEqual(file.description);
  });

  it("writes every queue form and reads it back", () => {
    const description: SubmitDescriptionInput = {
      executable: "x",
      queue: [
        {},
        { count: 2 },
        { vars: ["name"], in: ["a", "b"], slice: { start: 1 } },
        { count: 3, vars: ["x", "y"], from: [["1", "one"], ["2", "two words"], "3 three", ""] },
        { fromFile: "items.txt", slice: { step: 2 } },
        { vars: ["f"], matching: ["*.dat"], kind: "files" },
        { count: "$(n)", set: { arguments: ["later"], custom: { Tag: "t" } } },
      ],
    };
    const text = formatSubmit(description);
    expect(text).toBe(`executable = x
queue
queue 2
queue name in [1:] (a, b)
queue 3 x, y from (
  1, one
  2, two words
  3 three

)
queue from [::2] items.txt
queue f matching files *.dat

arguments = "later"
+Tag = "t"
queue $(n)
`);
    const back = parseSubmit(text);
    expect(back.queue?.[3]).toEqual({
      count: 3,
      vars: ["x", "y"],
      from: [["1", "one"], ["2", "two words"], ["3", "three"], ""],
    });
    expect(parseSubmit(formatSubmit(back))).toEqual(back);
  });

  it("quotes custom string attributes for ClassAds and keeps expressions as written", () => {
    const text = formatSubmit({
      executable: "x",
      custom: { Q: 'say "hi"', P: "C:\\path", R: escapeMacros("cost $(x)"), E: { expr: 'strcat("a", "b")' } },
    });
    expect(text).toContain('+Q = "say \\"hi\\""\n');
    expect(text).toContain('+P = "C:\\path"\n');
    expect(text).toContain('+R = "cost $(DOLLAR)(x)"\n');
    expect(text).toContain('+E = strcat("a", "b")\n');
    const [ad] = expandJobAds(text.includes("queue") ? parseSubmit(text) : {}, options);
    expect(ad?.evaluate("Q")).toEqual({ type: "string", value: 'say "hi"' });
    expect(ad?.evaluate("P")).toEqual({ type: "string", value: "C:\\path" });
    expect(ad?.evaluate("R")).toEqual({ type: "string", value: "cost $(x)" });
    expect(ad?.evaluate("E")).toEqual({ type: "string", value: "ab" });
  });

  it("names the bad field when the object form is invalid", () => {
    expect(descriptionError({ executable: 5 }).path).toBe("executable");
    expect(descriptionError({ arguments: ["a\nb"] }).message).toMatch(
      /arguments\[0\]: an argument must not contain a line break/,
    );
    expect(descriptionError({ universe: "standard" }).path).toBe("universe");
    expect(descriptionError({ custom: { "bad name": 1 } }).message).toMatch(/custom/);
    expect(descriptionError({ commands: { "MY.x": "1" } }).message).toMatch(
      /write MY.Name attributes in `custom`/,
    );
    expect(descriptionError({ executable: "x", commands: { Executable: "y" } }).message).toMatch(
      /commands.Executable: the submit command Executable is also given by executable/,
    );
    expect(descriptionError({ queue: { vars: ["x", "y"], from: [["a b", "c"]] } }).message).toMatch(
      /queue\[0\].from\[0\]\[0\]: only the last value of a row may contain/,
    );
    expect(descriptionError({ queue: { in: ["a b"] } }).message).toMatch(/must not contain spaces/);
    expect(descriptionError({ custom: { S: 'ends with \\"' } }).message).toMatch(
      /cannot be written in old ClassAd syntax/,
    );
  });

  it("SubmitFile.parse gives the same object as building it", () => {
    const text = 'executable = /bin/true\narguments = "a b"\nqueue 2\n';
    const parsed = SubmitFile.parse(text);
    expect(parsed.description).toEqual(
      buildSubmit({ executable: "/bin/true", arguments: ["a", "b"], queue: { count: 2 } }).description,
    );
    expect(String(parsed)).toBe(text);
    expect(parsed.expand(options).map((ad) => ad.evaluate("ProcId"))).toEqual([
      { type: "integer", value: 0 },
      { type: "integer", value: 1 },
    ]);
  });
});
