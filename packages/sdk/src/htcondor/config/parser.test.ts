// Expected values below were checked with condor_config_val of HTCondor 23.9.6 (the provisioned rootfs); the
// integration test re-checks the generated configurations against it.
import { describe, expect, it } from "vitest";
import { CondorConfigExpansionError, CondorConfigSyntaxError } from "./errors.js";
import { expandMetaArgs, splitMetaknobUses } from "./metaknobs.js";
import { type ParseConfigOptions, parseCondorConfig } from "./parser.js";

const parse = (text: string, options: ParseConfigOptions = {}) =>
  parseCondorConfig(text, { file: "t.conf", ...options });

function syntaxError(fn: () => unknown): CondorConfigSyntaxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CondorConfigSyntaxError) return e;
    throw e;
  }
  throw new Error("expected a CondorConfigSyntaxError");
}

describe("lines and names", () => {
  it("reads NAME = value with case-insensitive names and trimmed values", () => {
    const c = parse("Foo = bar baz  \n  other=1\nEMPTY =\n");
    expect(c.get("FOO")).toBe("bar baz");
    expect(c.get("foo")).toBe("bar baz");
    expect(c.get("OTHER")).toBe("1");
    expect(c.get("EMPTY")).toBe("");
    expect(c.get("MISSING")).toBeUndefined();
    expect(c.names()).toEqual(["Foo", "other", "EMPTY"]);
    expect(c.definition("foo")).toMatchObject({ file: "t.conf", line: 1, raw: "bar baz" });
  });

  it("looks up SUBSYS.LOCAL.NAME, LOCAL.NAME, SUBSYS.NAME, NAME in that order", () => {
    const text =
      "K = plain\nSCHEDD.K = subsys\nXYZZY.K = local\nSCHEDD.XYZZY.K = both\nJ = plain\nSCHEDD.J = subsys\n";
    const c = parse(text);
    expect(c.get("K")).toBe("plain");
    expect(c.get("K", { subsystem: "schedd" })).toBe("subsys");
    expect(c.get("K", { localName: "xyzzy" })).toBe("local");
    expect(c.get("K", { subsystem: "SCHEDD", localName: "XYZZY" })).toBe("both");
    expect(c.get("J", { subsystem: "schedd", localName: "xyzzy" })).toBe("subsys");
    expect(c.get("SCHEDD.K")).toBe("subsys");
  });

  it("joins continuation lines; a comment line inside one keeps only its last character", () => {
    const c = parse(
      "J = a \\\n    b\\\nc\nI = one \\\n  # comment \\\n  two\nI2 = one \\\n  # comment inside\nX = after\n",
    );
    expect(c.get("J")).toBe("a bc");
    expect(c.get("I")).toBe("one two");
    // HTCondor's reader keeps the comment line's last character and ends the value there
    expect(c.get("I2")).toBe("one e");
    expect(c.get("X")).toBe("after");
  });

  it("ignores comments, blank lines and .ini section headers; a comment never continues", () => {
    const c = parse("# c \\\nA = 1\n\n[section]\n   # indented\nB = 2\n");
    expect(c.names()).toEqual(["A", "B"]);
  });

  it("reads @= multi-line values, dropping comment lines and indentation", () => {
    const c = parse("L @=END\nline1\n  # comment\n   line2\n@END\nM = m\n");
    expect(c.get("L")).toBe("line1\nline2");
    expect(c.get("M")).toBe("m");
    const e = syntaxError(() => parse("A = 1\nL @=END\nx\n"));
    expect(e.message).toMatch(/^t\.conf:2:1: found end-of-file while scanning for '@END'/);
  });

  it("warns about the obsolete ':' assignment but accepts it", () => {
    const c = parse("A = 1\nCOLON : value\n");
    expect(c.get("COLON")).toBe("value");
    expect(c.warnings).toEqual([
      {
        file: "t.conf",
        line: 2,
        column: 1,
        message: "obsolete use of ':' for parameter assignment at COLON : value",
      },
    ]);
  });

  it("reports lines without an operator and illegal names with file:line:column", () => {
    const e = syntaxError(() => parse("A = 1\n  JUSTAWORD\n"));
    expect(e.position).toMatchObject({ line: 2, column: 3 });
    expect(e.message).toMatch(/^t\.conf:2:3: .*no operator/);
    expect(syntaxError(() => parse("A-B = 1\n")).message).toMatch(/t\.conf:1:1: illegal identifier: <A-B>/);
  });
});

describe("macro expansion", () => {
  it("expands lazily: the last definition wins, even when later in the file", () => {
    const c = parse("G = $(LATER)\nLATER = early\nLATER = late\n");
    expect(c.raw("G")).toBe("$(LATER)");
    expect(c.get("G")).toBe("late");
  });

  it("expands a self reference at once, so it appends", () => {
    const c = parse("F = base\nF = $(F) more\nS = one\nS = $(S:zz) two\nS2 = $(S2:dd) two\n");
    expect(c.get("F")).toBe("base more");
    expect(c.raw("F")).toBe("base more");
    expect(c.get("S")).toBe("one two");
    expect(c.get("S2")).toBe("dd two");
  });

  it("treats STARTD.X = $(X) ... as a self reference only when read for the startd", () => {
    const c = parse("X = base\nSTARTD.X = $(X) startd\nX = later\nP = $(STARTD.X)\n");
    expect(c.get("STARTD.X")).toBe("later startd");
    expect(c.get("X", { subsystem: "startd" })).toBe("base startd");
    expect(c.get("P", { subsystem: "STARTD" })).toBe("base startd");
    const forStartd = parse("X = base\nSTARTD.X = $(X) startd\nX = later\n", { subsystem: "startd" });
    expect(forStartd.raw("STARTD.X")).toBe("base startd");
  });

  it("looks up macros in the daemon's context", () => {
    const c = parse("master.Z = mz\nW = $(Z)\n");
    expect(c.get("W")).toBe("");
    expect(c.get("W", { subsystem: "master" })).toBe("mz");
  });

  it("uses the default when the macro is undefined or empty", () => {
    const c = parse(
      "EMPTY =\nX = xx\nH = $(UNDEF:dflt) [$(NOPE)] $(EMPTY:e) $(X:no) $(Z:$(X)) $(NOPE:a:b) $(NOPE:a,b c) $(NOPE:a(b)c)\n",
    );
    expect(c.get("H")).toBe("dflt [] e xx xx a:b a,b c a(b)c");
  });

  it("leaves text that is not a macro alone", () => {
    const c = parse("T = $(NOPE:100%) $(NOPE:x-y) $(NO-PE:z) $$(Foo) $env(HOME) $(unclosed\n");
    expect(c.get("T")).toBe("$(NOPE:100%) $(NOPE:x-y) $(NO-PE:z) $$(Foo) $env(HOME) $(unclosed");
  });

  it("turns $(DOLLAR) into $ at the very end", () => {
    const c = parse("X = xx\nD = $(dollar)(X) $(DOLLAR)\n");
    expect(c.get("D")).toBe("$(X) $");
  });

  it("builds a macro name out of another macro", () => {
    const c = parse("FOO_A = fooa\nQ = A\nN = $(FOO_$(Q))\n");
    expect(c.get("N")).toBe("fooa");
  });

  it("reads the environment with $ENV(), UNDEFINED when unset", () => {
    const c = parse("C = $ENV(HOME) $ENV(NOPE_X:envdef) $ENV(NOPE_Y)\n", { env: { HOME: "/root" } });
    expect(c.get("C")).toBe("/root envdef UNDEFINED");
  });

  it("evaluates the function macros", () => {
    const c = parse(
      [
        "XPATH = /a/b/c.txt",
        "E = $Fn(XPATH) $BASENAME(XPATH) $DIRNAME(XPATH) $Fx(XPATH) $Fqn(XPATH)",
        "S = $SUBSTR(XPATH,1,3) $SUBSTR(XPATH,-5) $CHOICE(1,a,b,c)",
        "NUMV = 4*2",
        "I = $INT(NUMV) $REAL(NUMV) $INT(12) $REAL(0.5)",
      ].join("\n"),
    );
    expect(c.get("E")).toBe('c c.txt /a/b/ .txt "c"');
    expect(c.get("S")).toBe("a/b c.txt b");
    expect(c.get("I")).toBe("8 8 12 0.5");
    expect(() => parse("R = $RANDOM_INTEGER(1,5)\n").get("R")).toThrow(CondorConfigExpansionError);
    expect(() => parse("X = abc\nI = $INT(X)\n").get("I")).toThrow(/does not evaluate to an integer/);
  });

  it("rejects recursive definitions instead of looping like HTCondor", () => {
    const c = parse("R1 = $(R2)\nR2 = $(R1)\n");
    expect(() => c.get("R1")).toThrow(CondorConfigExpansionError);
    expect(() => c.get("R1")).toThrow(/R1|R2/);
  });

  it("falls back to built-in defaults, and to defaults given by the caller", () => {
    const c = parse("CONDOR_HOST = cm.example\n", { defaults: { FULL_HOSTNAME: "node1.example" } });
    expect(c.get("COLLECTOR_HOST")).toBe("cm.example");
    expect(c.get("DAEMON_LIST")).toBe("MASTER");
    expect(c.get("TRUST_DOMAIN")).toBe("node1.example");
    expect(c.raw("COLLECTOR_HOST")).toBeUndefined();
    expect(parse("", { defaults: false }).get("DAEMON_LIST")).toBeUndefined();
  });
});

describe("+=", () => {
  const text = "A = one\nA += two\nB += first\nC = x\nC +,= y\nD = p\nD +&&= q\n";

  it("assigns, like HTCondor 23.9.6 (the + is a stray word)", () => {
    const c = parse(text);
    expect([c.get("A"), c.get("B"), c.get("C"), c.get("D")]).toEqual(["two", "first", "y", "q"]);
  });

  it("appends with plusEquals: append (newer HTCondor)", () => {
    const c = parse(text, { plusEquals: "append" });
    expect([c.get("A"), c.get("B"), c.get("C"), c.get("D")]).toEqual(["one two", "first", "x,y", "p && q"]);
  });
});

describe("if / elif / else / endif", () => {
  it("evaluates version, defined, booleans, numbers and $(VAR)", () => {
    const c = parse(
      [
        "if version >= 23.0.0",
        "V1 = yes",
        "else",
        "V1 = no",
        "endif",
        "EMPTY =",
        "B = $(EMPTY:dflt)",
        "if version >= 24.0",
        "V2 = new",
        "elif defined EMPTY",
        "V2 = emptydef",
        "elif defined B",
        "V2 = bdef",
        "else",
        "V2 = none",
        "endif",
        "if ! defined NOPE",
        "V3 = notdef",
        "endif",
        "FLAG = true",
        "if $(FLAG)",
        "V4 = flag",
        "endif",
        "if $(NOFLAG)",
        "V5 = noflag",
        "else",
        "V5 = else",
        "endif",
        "if yes",
        "V6 = y",
        "endif",
        "if 0",
        "V7 = never",
        "elif defined use ROLE:Execute",
        "V7 = metaknob",
        "endif",
        ":if true",
        ":V8 = hidden-from-old-parsers",
        ":endif",
      ].join("\n"),
    );
    expect(["V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8"].map((n) => c.get(n))).toEqual([
      "yes",
      "bdef",
      "notdef",
      "flag",
      "else",
      "y",
      "metaknob",
      "hidden-from-old-parsers",
    ]);
  });

  it("skips the bodies of false branches, including nested ifs", () => {
    const c = parse("if false\nif true\nA = 1\nendif\nB = 2\nelse\nC = 3\nendif\n");
    expect(c.names()).toEqual(["C"]);
  });

  it("reports invalid conditions and unbalanced blocks with their location", () => {
    expect(syntaxError(() => parse("A = 1\nif version >= 24\nendif\n")).message).toBe(
      "t.conf:2:1: version >= 24 is not a valid if condition because the version literal is invalid",
    );
    expect(syntaxError(() => parse("if $(A) && $(B)\nendif\n")).message).toMatch(/complex conditionals/);
    expect(syntaxError(() => parse("if foo\nendif\n")).message).toMatch(/not a conditional/);
    expect(syntaxError(() => parse("else\n")).message).toMatch(/t\.conf:1:1: else without matching if/);
    expect(syntaxError(() => parse("if true\nelse\nelse\nendif\n")).message).toMatch(
      /2?.*else is not allowed/,
    );
    expect(syntaxError(() => parse("endif\n")).message).toMatch(/endif without matching if/);
    expect(syntaxError(() => parse("if true\nA = 1\n")).message).toMatch(/t\.conf:2:1: endif\(s\) not found/);
  });
});

describe("include, use, warning and error", () => {
  const files: Record<string, string> = {
    "/etc/condor/condor_config": "RELEASE_DIR = /usr\nFROM_SYSTEM = yes\ninclude : /etc/condor/inner.conf\n",
    "/etc/condor/inner.conf": "INNER = $(FROM_SYSTEM)\n",
    "/etc/bad.conf": "OK = 1\nif nonsense here\nendif\n",
  };
  const read = (p: string) => files[p];

  it("includes files (expanding the path) and records them", () => {
    const c = parse("DIR = /etc/condor\ninclude : $(DIR)/condor_config\ninclude ifexist : /nope.conf\n", {
      read,
    });
    expect(c.get("INNER")).toBe("yes");
    expect(c.files).toEqual(["t.conf", "/etc/condor/condor_config", "/etc/condor/inner.conf"]);
    expect(c.definition("INNER")).toMatchObject({ file: "/etc/condor/inner.conf", line: 1 });
  });

  it("fails on a missing include, on commands, and reports errors inside included files", () => {
    expect(syntaxError(() => parse("A = 1\ninclude : /nope.conf\n", { read })).message).toBe(
      "t.conf:2:11: cannot include /nope.conf: file not found",
    );
    expect(syntaxError(() => parse("include command : echo A=1\n", { read })).message).toMatch(
      /not supported/,
    );
    expect(syntaxError(() => parse("include : /etc/bad.conf\n", { read })).message).toMatch(
      /^\/etc\/bad\.conf:2:1:/,
    );
    expect(syntaxError(() => parse("include : /x\n")).message).toMatch(/no file reader/);
  });

  it("expands use ROLE / FEATURE templates; later lines override them", () => {
    const c = parse(
      "use ROLE : Execute, Submit\nuse feature : PartitionableSlot(2, 50%)\nuse FEATURE:PartitionableSlot\nSLOT_TYPE_1 = 25%\n",
    );
    expect(c.get("DAEMON_LIST")).toBe("MASTER STARTD SCHEDD");
    expect([c.get("NUM_SLOTS_TYPE_2"), c.get("SLOT_TYPE_2_PARTITIONABLE"), c.get("SLOT_TYPE_2")]).toEqual([
      "1",
      "true",
      "50%",
    ]);
    expect(c.get("SLOT_TYPE_1")).toBe("25%");
    expect(c.definition("NUM_SLOTS_TYPE_2")?.file).toBe("t.conf, use FEATURE:PartitionableSlot");
  });

  it("expands nested security templates", () => {
    const c = parse("CONDOR_HOST = cm.example\nuse ROLE : get_htcondor_execute\n");
    expect(c.get("SEC_DEFAULT_ENCRYPTION")).toBe("required");
    expect(c.get("TRUST_DOMAIN")).toBe("cm.example");
    expect(c.get("ALLOW_WRITE")).toBe("condor@cm.example");
    expect(c.get("DAEMON_LIST")).toBe("MASTER STARTD");
  });

  it("reports unknown metaknobs with their location", () => {
    expect(syntaxError(() => parse("A = 1\nuse ROLE : Bogus\n")).message).toMatch(
      /^t\.conf:2:1: use ROLE: does not recognise Bogus \(known: CentralManager, Execute/,
    );
    expect(syntaxError(() => parse("use POLICY : Desktop\n")).message).toMatch(/unknown metaknob category/);
  });

  it("collects warning lines and stops at error lines", () => {
    const c = parse("X = base\nwarning : careful $(X)\n");
    expect(c.warnings).toEqual([{ file: "t.conf", line: 2, column: 1, message: "careful base" }]);
    expect(syntaxError(() => parse("X = 1\nerror : stop $(X)\n")).message).toBe("t.conf:2:1: error : stop 1");
  });
});

describe("environment and local config", () => {
  it("applies _CONDOR_* (and _condor_*) overrides last, without self-expansion", () => {
    const c = parse("X = filex\nY = filey\n", {
      env: { _CONDOR_X: "envx", _condor_Z: "lowz", "_CONDOR_STARTD.Y": "sy", _CONDOR_W: "a $(DOLLAR) $(X)" },
    });
    expect(c.get("X")).toBe("envx");
    expect(c.get("Z")).toBe("lowz");
    expect(c.get("Y", { subsystem: "startd" })).toBe("sy");
    expect(c.get("W")).toBe("a $ envx");
    expect(c.definition("X")?.file).toBe("<environment>");
    expect(parse("X = filex\n", { env: { _CONDOR_X: "e" }, applyEnvironment: false }).get("X")).toBe("filex");
  });

  it("reads LOCAL_CONFIG_DIR (sorted, excluding editor files) then LOCAL_CONFIG_FILE", () => {
    const files: Record<string, string> = {
      "/cdir/b.conf": "X = fromdir-b\nB = b\n",
      "/cdir/a.conf": "X = fromdir-a\nA = a\n",
      "/cdir/a.conf~": "BACKUP = yes\n",
      "/lfile.conf": "X = fromfile\n",
    };
    const c = parse("LOCAL_CONFIG_DIR = /cdir\nLOCAL_CONFIG_FILE = /lfile.conf\nX = main\n", {
      read: (p) => files[p],
      localConfig: { listDir: (d) => (d === "/cdir" ? ["b.conf", "a.conf~", "a.conf"] : undefined) },
    });
    expect(c.get("X")).toBe("fromfile");
    expect([c.get("A"), c.get("B"), c.get("BACKUP")]).toEqual(["a", "b", undefined]);
    expect(c.files).toEqual(["t.conf", "/cdir/a.conf", "/cdir/b.conf", "/lfile.conf"]);
  });
});

describe("metaknob arguments", () => {
  it("splits uses and expands $(N), $(N:default), $(N+), $(N?), $(0#)", () => {
    expect(splitMetaknobUses("Execute, Submit PartitionableSlot(1, cpus=2, memory=50%) X()")).toEqual([
      { name: "Execute", args: "" },
      { name: "Submit", args: "" },
      { name: "PartitionableSlot", args: "1, cpus=2, memory=50%" },
      { name: "X", args: "" },
    ]);
    const t = "A=$(1:1) B=$(2+:100%) C=$(2?) D=$(0#) E=$(3:$(NUM_$(1:1)))";
    expect(expandMetaArgs(t, "")).toBe("A=1 B=100% C=0 D=0 E=$(NUM_1)");
    expect(expandMetaArgs(t, "2, cpus=2, mem=5")).toBe("A=2 B=cpus=2, mem=5 C=1 D=3 E=mem=5");
  });
});
