import { describe, expect, it } from "vitest";
import { SubmitSyntaxError } from "./errors.js";
import { formatSubmit } from "./format.js";
import { parseSubmit } from "./parse.js";

function syntaxError(
  text: string,
  options: Parameters<typeof parseSubmit>[1] = { file: "job.sub" },
): SubmitSyntaxError {
  try {
    parseSubmit(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(SubmitSyntaxError);
    return error as SubmitSyntaxError;
  }
  throw new Error("expected a syntax error");
}

describe("parseSubmit", () => {
  it("reads typed commands case-insensitively, custom attributes, raw commands and comments", () => {
    const d = parseSubmit(`# a job
Universe = VANILLA
EXECUTABLE = /bin/echo
Arguments = "a 'b c'"
environment = "A=1 B='x y'"
request_memory = 2G
request_cpus = 2
should_transfer_files = if_needed
transfer_input_files = a.txt, b.txt
concurrency_limits = db, licence:2
getenv = true
hold = false
priority = -3
max_retries = 2
batch_name = "nightly run"
+Project = "bsaas"
MY.Count = 3
+Weight = 0.5
+Expr = RequestCpus * 2
notify_user = someone@example.org
mem = 512
queue
`);
    expect(d).toEqual({
      universe: "vanilla",
      executable: "/bin/echo",
      arguments: ["a", "b c"],
      environment: { A: "1", B: "x y" },
      requestMemory: "2G",
      requestCpus: 2,
      shouldTransferFiles: "IF_NEEDED",
      transferInputFiles: ["a.txt", "b.txt"],
      concurrencyLimits: ["db", "licence:2"],
      getenv: true,
      hold: false,
      priority: -3,
      maxRetries: 2,
      batchName: "nightly run",
      custom: { Project: "bsaas", Count: 3, Weight: 0.5, Expr: { expr: "RequestCpus * 2" } },
      commands: { notify_user: "someone@example.org", mem: "512" },
      queue: [{}],
    });
  });

  it("keeps old-syntax arguments/environment and macro-valued fields as raw commands", () => {
    const d = parseSubmit(`executable = x
arguments = $(args)
environment = A=1;B=2
universe = $(u)
request_cpus = $(n)
queue
`);
    expect(d.arguments).toBeUndefined();
    expect(d.universe).toBeUndefined();
    expect(d.requestCpus).toBe("$(n)");
    expect(d.commands).toEqual({ arguments: "$(args)", environment: "A=1;B=2", universe: "$(u)" });
  });

  it("joins continuation lines and treats a comment inside a continuation as blank", () => {
    const d = parseSubmit("executable = /bin/echo\nx = 1 \\\n# note \\\n  2 \\\n  3\nqueue\n");
    expect(d.commands).toEqual({ x: "1 2 3" });
  });

  it("expands a self reference at once (so a command can extend itself)", () => {
    const d = parseSubmit("requirements = Memory > 1\nrequirements = $(requirements) && Disk > 1\nqueue\n");
    expect(d.requirements).toBe("Memory > 1 && Disk > 1");
  });

  it("reads every queue form", () => {
    const d = parseSubmit(`executable = x
queue
queue 5
queue $(n)
queue 2 name in (a b, c)
queue in [1::2] a, b, c
queue x, y from (
  a 1
  b, 2 3
# comment
)
queue from [:2] items.txt
queue 3 f matching files *.dat *.txt
queue dirs matching dirs [::2] d*
`);
    expect(d.queue).toEqual([
      {},
      { count: 5 },
      { count: "$(n)" },
      { count: 2, vars: ["name"], in: ["a", "b", "c"] },
      { in: ["a", "b", "c"], slice: { start: 1, step: 2 } },
      {
        vars: ["x", "y"],
        from: [
          ["a", "1"],
          ["b", "2 3"],
        ],
      },
      { fromFile: "items.txt", slice: { end: 2 } },
      { count: 3, vars: ["f"], matching: ["*.dat", "*.txt"], kind: "files" },
      { vars: ["dirs"], matching: ["d*"], kind: "dirs", slice: { step: 2 } },
    ]);
  });

  it("puts commands between queue statements into the next statement's set", () => {
    const d = parseSubmit('executable = a\narguments = "1"\nqueue\narguments = "2"\n+Tag = "x"\nqueue 2\n');
    expect(d.arguments).toEqual(["1"]);
    expect(d.queue).toEqual([{}, { count: 2, set: { arguments: ["2"], custom: { Tag: "x" } } }]);
  });

  it("evaluates if/elif/else/endif while parsing", () => {
    const text = `executable = x
mode = fast
if defined mode
  a = 1
  if $(missing)
    b = 1
  else
    b = 2
  endif
elif true
  a = 2
else
  a = 3
endif
if version >= 8.9.7
  c = new
endif
if ! defined nothing
  d = yes
endif
queue
`;
    expect(parseSubmit(text).commands).toEqual({ mode: "fast", a: "1", b: "2", c: "new", d: "yes" });
  });

  it("reads include files through the given reader and refuses queue statements in them", () => {
    const files: Record<string, string> = { "common.sub": "request_cpus = 4\n", "bad.sub": "queue\n" };
    const readFile = (path: string) => {
      const text = files[path];
      if (text === undefined) throw new Error("no such file");
      return text;
    };
    expect(parseSubmit("include : common.sub\nexecutable = x\nqueue\n", { readFile }).requestCpus).toBe(4);
    expect(parseSubmit("include ifexist : missing.sub\nqueue\n", { readFile }).queue).toEqual([{}]);
    expect(syntaxError("include : bad.sub\n", { file: "job.sub", readFile }).message).toMatch(
      /job.sub:1:1: queue statements are not allowed in an included file/,
    );
    expect(syntaxError("executable = x\ninclude : common.sub\n").message).toMatch(
      /job.sub:2:1: include is not supported without a file reader/,
    );
  });

  it("reports the warning statement and commands after the last queue", () => {
    const warnings: string[] = [];
    parseSubmit("x = 1\nwarning : careful $(x)\nqueue\ny = 2\n", {
      file: "w.sub",
      onWarning: (m) => warnings.push(m),
    });
    expect(warnings).toEqual([
      "w.sub:2: careful 1",
      "commands after the last queue statement are ignored: y",
    ]);
  });

  it("parses an empty text and one without queue statements", () => {
    expect(parseSubmit("")).toEqual({ queue: [] });
    expect(parseSubmit("executable = x\n")).toEqual({ executable: "x", queue: [] });
  });
});

describe("parseSubmit errors carry file:line:column", () => {
  it.each([
    ['executable = x\narguments = "a \'b c"\nqueue\n', "job.sub:2:16", /unbalanced single quote/],
    ['executable = x\narguments = "a b\nqueue\n', "job.sub:2:13", /unterminated double quote/],
    [
      'executable = x\nenvironment = "A=1 B"\nqueue\n',
      "job.sub:2:20",
      /missing '=' after environment variable 'B'/,
    ],
    ["executable = x\nqueue 2 x in [1:a] (a b)\n", "job.sub:2:14", /invalid queue statement: bad slice/],
    ["executable = x\nqueue x in files (a)\n", "job.sub:2:12", /'files' is only allowed after 'matching'/],
    [
      "executable = x\nqueue 1 2x from (a)\n",
      "job.sub:2:7",
      /invalid queue statement: the count '1 2' is not an integer/,
    ],
    ["executable = x\nqueue x from (\n a\n", "job.sub:2:1", /without finding the closing '\)'/],
    ["executable = x\nthis is not valid\n", "job.sub:2:1", /expected 'name = value' or a queue statement/],
    ["executable = x\nbad-name = 1\n", "job.sub:2:1", /'bad-name' is not a valid command name/],
    ["executable = x\n+bad.attr = 1\n", "job.sub:2:1", /not a valid attribute name/],
    ["if defined x\nexecutable = y\n", "job.sub:2:1", /endif\(s\) not found/],
    ["else\n", "job.sub:1:1", /else without matching if/],
    ["if x > 3\nendif\n", "job.sub:1:1", /complex conditionals are not supported/],
    ["error : stop here\n", "job.sub:1:1", /error statement: stop here/],
    ["use feature : x\n", "job.sub:1:1", /'use' .* is not supported/],
    ["x @=end\nline\n@end\n", "job.sub:1:1", /multi-line values .* are not supported/],
  ])("%j fails at %s", (text, where, message) => {
    const error = syntaxError(text);
    expect(error.message.startsWith(`${where}: `), error.message).toBe(true);
    expect(error.problem).toMatch(message);
    expect(error.code).toBe("SUBMIT_SYNTAX");
  });

  it("locates errors on continued lines and in included files", () => {
    expect(syntaxError('executable = x\narguments = "a \\\n  \'b c"\n').message).toMatch(/^job.sub:3:3: /);
    const error = syntaxError("include : inc.sub\n", {
      file: "job.sub",
      readFile: () => 'x = 1\narguments = "a\n',
    });
    expect(error.message).toMatch(/^inc.sub:2:13: unterminated double quote/);
  });

  it("defaults the file name to <input>", () => {
    expect(syntaxError("bogus line here\n", {}).message).toMatch(/^<input>:1:1: /);
  });
});

describe("printing and parsing agree", () => {
  it("round-trips a parsed file through formatSubmit", () => {
    const text = `universe = docker
docker_image = "debian:12"
executable = /bin/sh
arguments = "-c 'echo $1' x$(Process)"
environment = "A=1 B='x y'"
output = out.$(Process)
request_memory = 64M
transfer_output_files = ""
+Labels = "a,b"
+Score = Rank * 2
custom_thing = value
queue 3 x, y from (
  1, one
  2 two words
)
request_cpus = 2
queue
`;
    const d = parseSubmit(text);
    const again = parseSubmit(formatSubmit(d));
    expect(again).toEqual(d);
    expect(d.transferOutputFiles).toEqual([]);
  });
});
