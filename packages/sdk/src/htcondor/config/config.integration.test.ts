// The generator and the parser against the real HTCondor 23.9.6 of the provisioned rootfs (BSAAS_HTCONDOR_ROOTFS,
// default /var/lib/bsaas/htcondor-trixie): every generated file must be accepted by condor_config_val, the parser
// must agree with condor_config_val knob by knob, and the environment form must give the same values as the file.
// Without the rootfs these tests fail and say how to provision it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireCondorRootfs, runInRootfs, Scratch } from "../../../test/support/rootfs.js";
import { Secret } from "../../secret.js";
import { fileReader } from "./files.js";
import type { CondorConfigInput } from "./model.js";
import { type CondorConfig, parseCondorConfig } from "./parser.js";
import { condorEnvironment, renderCondorConfig } from "./render.js";

let rootfs: string;
let scratch: Scratch;
/** Machine facts HTCondor detects for a plain configuration (FULL_HOSTNAME ...). */
let detected: Record<string, string>;

/** Knobs HTCondor detects at startup; they depend on the machine (and on NO_DNS/DEFAULT_DOMAIN_NAME). */
const DETECTED = [
  "FULL_HOSTNAME",
  "HOSTNAME",
  "IP_ADDRESS",
  "IPV4_ADDRESS",
  "IPV6_ADDRESS",
  "DETECTED_CPUS_LIMIT",
  "DETECTED_CPUS",
  "DETECTED_MEMORY",
];

/** What HTCondor detects with this configuration, to give the parser as defaults. */
async function detectedFor(configFile: string): Promise<Record<string, string>> {
  return Object.fromEntries([...(await condorValues(configFile, DETECTED))].map(([k, v]) => [k, v] as const));
}

beforeAll(async () => {
  rootfs = requireCondorRootfs();
  scratch = new Scratch(rootfs, "cfgval");
  detected = await detectedFor(
    scratch.write("detect.conf", "include : /etc/condor/condor_config\nLOCAL_CONFIG_DIR =\n"),
  );
  expect(detected.FULL_HOSTNAME).toBeTruthy();
});

afterAll(() => {
  scratch?.remove();
});

/**
 * What condor_config_val says about several knobs: name (upper case) -> expanded value; knobs it reports as
 * `Not defined` (undefined, or expanding to "") are absent. One run for all knobs (each run costs a hostname lookup
 * that can be slow in the sandbox): values come one per line in order, skipping the `Not defined` ones; multi-line
 * values fall back to one run per knob. Fails on any configuration error.
 */
async function condorValues(
  configFile: string,
  knobs: readonly string[],
  options: { subsystem?: string; env?: Record<string, string> } = {},
): Promise<Map<string, string>> {
  // condor_config_val's own subsystem is TOOL; naming it is equivalent
  const run = (names: readonly string[]) =>
    runInRootfs(rootfs, ["condor_config_val", "-subsystem", options.subsystem ?? "TOOL", ...names], {
      env: { CONDOR_CONFIG: configFile, ...options.env },
    });
  const r = await run(knobs);
  // besides values, only "Not defined" notes and warnings (an obsolete ':' assignment) may appear
  const notDefined = new Set(
    [...r.stderr.matchAll(/^Not defined: (\S+)$/gm)].map((m) => (m[1] ?? "").toUpperCase()),
  );
  expect(r.stderr.replace(/^(Not defined: \S+|.*Warning.*)\n/gm, "")).toBe("");
  const defined = knobs.filter((k) => !notDefined.has(k.toUpperCase()));
  const lines = r.stdout === "" ? [] : r.stdout.replace(/\n$/, "").split("\n");
  const out = new Map<string, string>();
  if (lines.length === defined.length) {
    defined.forEach((k, i) => {
      out.set(k.toUpperCase(), lines[i] ?? "");
    });
    return out;
  }
  for (const k of defined) {
    const one = await run([k]);
    expect(one.code).toBe(0);
    out.set(k.toUpperCase(), one.stdout.replace(/\n$/, ""));
  }
  return out;
}

/** The parser's answer in condor_config_val's terms: "" counts as not defined. */
function parserValue(c: CondorConfig, knob: string, subsystem?: string): string | undefined {
  const v = c.get(knob, { subsystem });
  return v === "" ? undefined : v;
}

const TD = "pool.test";
const ROLE_INPUTS: Record<string, CondorConfigInput> = {
  "central-manager": {
    role: "central-manager",
    centralManager: "127.0.0.1:29618",
    name: "cm",
    localDir: "/var/lib/bsaas/instances/cm/local",
    sharedPort: { port: 29618 },
    network: { bindAddress: "127.0.0.1" },
    security: { mode: "idtokens", trustDomain: TD },
    raw: { NEGOTIATOR_INTERVAL: "20", "COLLECTOR.MAX_FILE_DESCRIPTORS": "4096" },
  },
  submit: {
    role: "submit",
    centralManager: "127.0.0.1:29618?sock=collector",
    name: "ap1",
    localDir: "/var/lib/bsaas/instances/ap1/local",
    sharedPort: { port: 29619 },
    ccb: "collector",
    security: {
      mode: "idtokens",
      trustDomain: TD,
      identities: { centralManager: [`cm@${TD}`], execute: [`exec*@${TD}`] },
    },
  },
  execute: {
    role: "execute",
    centralManager: "cm.example.org:9618",
    name: "exec1",
    localDir: "/var/lib/bsaas/instances/exec1/local",
    sharedPort: { port: 31000 },
    ccb: "collector",
    privateNetworkName: "site-a",
    tcpForwardingHost: "203.0.113.5",
    network: { noDns: true, defaultDomainName: "pool.local", lowPort: 31024, highPort: 32048 },
    resources: { cpus: 4, memoryMb: 8192, diskMb: 20_000 },
    site: "INFN-BARI",
    startdAttrs: { HasDocker: "True", Rank2: "TARGET.RequestCpus * 2" },
    container: true,
    sandboxCompat: true,
    security: { mode: "idtokens", trustDomain: TD, anonymousRead: true },
    raw: { "STARTD.UPDATE_INTERVAL": "30" },
  },
  "execute-static": {
    role: "execute",
    centralManager: "cm.example.org",
    resources: { partitionable: false, cpus: 3 },
    retirement: { maxJobRetirementSeconds: 60 },
    security: { mode: "none" },
  },
  personal: {
    role: "personal",
    name: "me",
    localDir: "/var/lib/bsaas/instances/me/local",
    security: { mode: "pool-password", password: new Secret("never-written-to-config") },
  },
};

/** Knobs compared besides the ones the file defines: defaults that follow from them. */
const DERIVED = [
  "COLLECTOR_HOST",
  "TRUST_DOMAIN",
  "SEC_PASSWORD_FILE",
  "SHARED_PORT_PORT",
  "UID_DOMAIN",
  "CCB_ADDRESS",
];
const SUBSYSTEMS = [undefined, "MASTER", "STARTD", "SCHEDD", "COLLECTOR", "NEGOTIATOR"];

describe.each(Object.keys(ROLE_INPUTS))("generated configuration: %s", (key) => {
  const input = ROLE_INPUTS[key] as CondorConfigInput;

  it("is accepted by condor_config_val and read the same by the parser, knob by knob", async () => {
    const text = renderCondorConfig(input);
    const file = scratch.write(`${key}.conf`, text);
    // -config lists the files read (on stderr); a bad file makes it print errors and fail
    const check = await runInRootfs(rootfs, ["condor_config_val", "-config"], {
      env: { CONDOR_CONFIG: file },
    });
    const report = check.stdout + check.stderr;
    expect({ code: check.code, problems: report.match(/.*(error|warning).*/gi) }).toEqual({
      code: 0,
      problems: null,
    });
    expect(report).toContain(file);
    expect(report).toContain("/etc/condor/condor_config");
    expect(report).not.toMatch(/config\.d/);

    const parsed = parseCondorConfig(text, {
      file,
      read: fileReader(rootfs),
      defaults: await detectedFor(file),
    });
    const knobs = [...new Set([...parsed.names().filter((n) => !/^LOCAL_CONFIG_/.test(n)), ...DERIVED])];
    expect(knobs.length).toBeGreaterThan(25);
    let compared = 0;
    for (const subsystem of SUBSYSTEMS) {
      const real = await condorValues(file, knobs, { subsystem });
      for (const k of knobs) {
        expect({ knob: k, subsystem, value: parserValue(parsed, k, subsystem) }).toEqual({
          knob: k,
          subsystem,
          value: real.get(k.toUpperCase()),
        });
        compared++;
      }
    }
    expect(compared).toBe(knobs.length * SUBSYSTEMS.length);
  }, 180_000);

  it("as _CONDOR_* environment gives condor_config_val the same values as the file", async () => {
    const file = scratch.write(`${key}.env-check.conf`, renderCondorConfig(input));
    const systemOnly = scratch.write(`${key}.system-only.conf`, "include : /etc/condor/condor_config\n");
    const env = condorEnvironment(input);
    const knobs = Object.keys(env).map((k) => k.slice("_CONDOR_".length));
    expect(knobs.length).toBeGreaterThan(10);
    for (const subsystem of [undefined, "MASTER", "STARTD", "SCHEDD"]) {
      const fromFile = await condorValues(file, knobs, { subsystem });
      const fromEnv = await condorValues(systemOnly, knobs, { subsystem, env });
      expect(fromFile.size).toBeGreaterThan(10);
      expect(Object.fromEntries(fromEnv)).toEqual(Object.fromEntries(fromFile));
    }
  }, 180_000);
});

// Texts exercising each feature of the language; the parser must agree with condor_config_val on every name.
const CORPUS: Record<string, string> = {
  basics: [
    "Foo = bar baz",
    "EMPTY =",
    "A foo = bar",
    "A2 += two",
    "C = x",
    "C +,= y",
    "COLON : value",
    "[section]",
    "E.F = dotted",
    "Mixed_Case = mc",
  ].join("\n"),
  continuation: [
    "J = a \\",
    "    b\\",
    "c",
    "I = one \\",
    "  # comment \\",
    "  two",
    "I2 = one \\",
    "  # comment inside",
    "X = after",
  ].join("\n"),
  heredoc: ["L @=END", "line1", "  # comment in heredoc", "line2", "@END", "M = after"].join("\n"),
  expansion: [
    "G = $(LATER)",
    "LATER = early",
    "LATER = late",
    "F = base",
    "F = $(F) more",
    "S = one",
    "S = $(S:zz) two",
    "S2 = $(S2:dd) two",
    "X = xx",
    "H = $(UNDEF:dflt) [$(NOPE)] $(EMPTY:e) $(X:no) $(Z:$(X)) $(NOPE:a:b) $(NOPE:a,b c) $(NOPE:a(b)c)",
    "T = $(NOPE:100%) $(NOPE:x-y) $(NO-PE:z) $$(Foo) $env(HOME)",
    "D = $(dollar)(X) $(DOLLAR)",
    "FOO_A = fooa",
    "Q = A",
    "N = $(FOO_$(Q))",
    "C = $ENV(NOPE_X:envdef) $ENV(NOPE_Y)",
    "XPATH = /a/b/c.txt",
    "FN = $Fn(XPATH) $BASENAME(XPATH) $DIRNAME(XPATH) $Fx(XPATH) $Fqn(XPATH) $Fd(XPATH) $Fdn(XPATH) $Fp(XPATH)",
    "SUB = $SUBSTR(XPATH,1,3) $SUBSTR(XPATH,-5) $CHOICE(1,a,b,c)",
    "NUMV = 4*2",
    "NUM = $INT(NUMV) $REAL(NUMV) $INT(12) $REAL(0.5) $REAL(1e20) $REAL(0.00001)",
  ].join("\n"),
  prefixes: [
    "K = plain",
    "STARTD.K = sk",
    "MASTER.K = mk",
    "X = base",
    "STARTD.X = $(X) startd",
    "X = later",
    "P = $(STARTD.X)",
    "master.Z = mz",
    "W = $(Z)",
    "COLLECTOR.SEC_DEFAULT_AUTHENTICATION = OPTIONAL",
  ].join("\n"),
  conditionals: [
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
    ":V8 = hidden",
    ":endif",
    "if false",
    "if true",
    "V9 = nested",
    "endif",
    "endif",
  ].join("\n"),
  metaknobs: [
    "CONDOR_HOST = cm.example",
    "use ROLE : Execute, Submit",
    "use feature : PartitionableSlot(2, 50%)",
    "use FEATURE : StaticSlots(3, 4, cpus=1)",
    "use FEATURE:PartitionableSlot",
    "SLOT_TYPE_1 = 25%",
    "use SECURITY : recommended_v9_0",
    "use ROLE : get_htcondor_submit",
    "use security:host_based",
  ].join("\n"),
};

describe.each(Object.keys(CORPUS))("parser agrees with condor_config_val: %s", (key) => {
  it("on every defined name, for several daemons", async () => {
    const text = CORPUS[key] as string;
    const file = scratch.write(`corpus-${key}.conf`, text);
    const parsed = parseCondorConfig(text, { file, defaults: detected, env: { HOME: "/root" } });
    const knobs = parsed.names();
    expect(knobs.length).toBeGreaterThan(1);
    for (const subsystem of [undefined, "STARTD", "MASTER", "COLLECTOR"]) {
      const real = await condorValues(file, knobs, { subsystem, env: { HOME: "/root" } });
      for (const k of knobs) {
        expect({ knob: k, subsystem, value: parserValue(parsed, k, subsystem) }).toEqual({
          knob: k,
          subsystem,
          value: real.get(k.toUpperCase()),
        });
      }
    }
  }, 120_000);
});
