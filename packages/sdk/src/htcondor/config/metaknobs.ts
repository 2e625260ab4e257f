/**
 * The `use CATEGORY : Template` metaknobs this SDK understands, with the text HTCondor 23.9.6 gives them
 * (param_info.in; printed by `condor_config_val use ROLE:Execute` and friends in the provisioned rootfs), and the
 * `$(N)` argument expansion HTCondor applies to `use FEATURE : PartitionableSlot(1, 50%)`.
 *
 * Only the templates bsaas generates or reads back are listed: every ROLE, the slot FEATUREs and the SECURITY
 * templates. Any other template is reported as unknown, with its location, rather than silently ignored.
 */

import { isSpace } from "../macros.js";

/** Template texts by category, then by template name (both matched case-insensitively, as HTCondor does). */
export const METAKNOB_TEMPLATES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  ROLE: {
    CentralManager: "DAEMON_LIST=$(DAEMON_LIST) COLLECTOR NEGOTIATOR",
    Execute: "DAEMON_LIST=$(DAEMON_LIST) STARTD",
    Submit: "DAEMON_LIST=$(DAEMON_LIST) SCHEDD",
    Personal: [
      "CONDOR_HOST=127.0.0.1",
      "COLLECTOR_HOST=$(CONDOR_HOST):0",
      "DAEMON_LIST=MASTER COLLECTOR NEGOTIATOR STARTD SCHEDD",
      "RunBenchmarks=0",
    ].join("\n"),
    get_htcondor_central_manager: "use security:get_htcondor_idtokens\nuse role:CentralManager",
    get_htcondor_execute: "use security:get_htcondor_idtokens\nuse role:execute",
    get_htcondor_submit:
      "use security:get_htcondor_idtokens\nALLOW_WRITE = $(ALLOW_WRITE) *\nuse role:submit",
  },
  FEATURE: {
    PartitionableSlot: [
      "NUM_SLOTS_TYPE_$(1:1)=1",
      "SLOT_TYPE_$(1:1)_PARTITIONABLE=true",
      "SLOT_TYPE_$(1:1)=$(2+:100%)",
    ].join("\n"),
    StaticSlots: [
      "NUM_SLOTS_TYPE_$(1:1)=$(2:$(NUM_CPUS))",
      "SLOT_TYPE_$(1:1)_PARTITIONABLE=false",
      "SLOT_TYPE_$(1:1)=$(3+:1/$(NUM_SLOTS_TYPE_$(1:1)))",
      "SLOT_TYPE_$(1:1)=$(3+)",
    ].join("\n"),
  },
  SECURITY: {
    STRONG: [
      "SEC_DEFAULT_ENCRYPTION=required",
      "SEC_DEFAULT_INTEGRITY=required",
      "SEC_DEFAULT_AUTHENTICATION=required",
    ].join("\n"),
    WITH_AUTHENTICATION: ["SEC_DEFAULT_AUTHENTICATION=required", "SEC_DEFAULT_INTEGRITY=required"].join("\n"),
    FIPS: ["FIPS = True", "use security:strong", "SEC_DEFAULT_CRYPTO_METHODS = AES,3DES"].join("\n"),
    HOST_BASED: [
      "ALLOW_ADMINISTRATOR=$(CONDOR_HOST)",
      "ALLOW_READ=*",
      "ALLOW_WRITE=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)",
      "ALLOW_DAEMON=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)",
      "ALLOW_NEGOTIATOR=$(CONDOR_HOST)",
      "ALLOW_NEGOTIATOR_SCHEDD=$(ALLOW_NEGOTIATOR) $(FLOCK_NEGOTIATOR_HOSTS)",
      "ALLOW_WRITE_COLLECTOR=$(ALLOW_WRITE) $(FLOCK_FROM)",
      "ALLOW_WRITE_STARTD=$(ALLOW_WRITE) $(FLOCK_FROM)",
      "ALLOW_READ_COLLECTOR=$(ALLOW_READ) $(FLOCK_FROM)",
      "ALLOW_READ_STARTD=$(ALLOW_READ) $(FLOCK_FROM)",
      "LEGACY_ALLOW_SEMANTICS = TRUE",
    ].join("\n"),
    USER_BASED: [
      "if $(CondorIsAdmin)",
      "authuser=condor",
      "else",
      "authuser=$(USERNAME)",
      "endif",
      "ALLOW_ADMINISTRATOR=$(authuser)@$(CONDOR_HOST)",
      "ALLOW_READ=*",
      "ALLOW_WRITE=$(authuser)@$(FULL_HOSTNAME) $(authuser)@$(IP_ADDRESS)",
      "ALLOW_DAEMON=$(authuser)@$(FULL_HOSTNAME) $(authuser)@$(IP_ADDRESS)",
      "ALLOW_NEGOTIATOR=$(authuser)@$(CONDOR_HOST)",
      "ALLOW_NEGOTIATOR_SCHEDD=$(ALLOW_NEGOTIATOR) $(FLOCK_NEGOTIATOR_HOSTS)",
      "ALLOW_WRITE_COLLECTOR=$(ALLOW_WRITE) $(FLOCK_FROM)",
      "ALLOW_WRITE_STARTD=$(ALLOW_WRITE) $(FLOCK_FROM)",
      "ALLOW_READ_COLLECTOR=$(ALLOW_READ) $(FLOCK_FROM)",
      "ALLOW_READ_STARTD=$(ALLOW_READ) $(FLOCK_FROM)",
      "use SECURITY:WITH_AUTHENTICATION",
    ].join("\n"),
    recommended_v9_0: [
      "SECURITY_MODEL = 9.0",
      "use security:strong",
      "SEC_READ_AUTHENTICATION = OPTIONAL",
      "SEC_READ_ENCRYPTION = OPTIONAL",
      "SEC_READ_INTEGRITY = OPTIONAL",
      "ALLOW_ADMINISTRATOR = $(1:condor)@* condor_pool@* $(2:root@*) $(3+)",
      "ALLOW_DAEMON = $(1:condor)@*  condor_pool@*",
      "ALLOW_NEGOTIATOR = $(1:condor)@* condor_pool@*",
      "ALLOW_WRITE = *",
      "ALLOW_READ = *",
    ].join("\n"),
    get_htcondor_idtokens: [
      "use security:strong",
      "SEC_DEFAULT_AUTHENTICATION_METHODS = IDTOKENS, FS",
      "SEC_READ_AUTHENTICATION_METHODS = IDTOKENS, FS, ANONYMOUS",
      "SEC_CLIENT_AUTHENTICATION_METHODS = IDTOKENS, FS, ANONYMOUS",
      "TRUST_DOMAIN = $(CONDOR_HOST)",
      "ALLOW_READ = *",
      "ALLOW_ADMINISTRATOR = root@* condor@$(TRUST_DOMAIN)",
      "ALLOW_WRITE = condor@$(TRUST_DOMAIN)",
      "ALLOW_DAEMON = condor@$(TRUST_DOMAIN)",
      "ALLOW_NEGOTIATOR = condor@$(TRUST_DOMAIN)",
    ].join("\n"),
  },
};

/** A template found in {@link METAKNOB_TEMPLATES}, with its canonical spelling. */
export interface MetaknobTemplate {
  category: string;
  name: string;
  text: string;
}

/** The canonical category name for `category` (any case), or undefined when HTCondor has no such category here. */
export function metaknobCategory(category: string): string | undefined {
  const upper = category.toUpperCase();
  return Object.keys(METAKNOB_TEMPLATES).find((c) => c === upper);
}

/** Looks a template up case-insensitively; undefined when the category or template is unknown. */
export function findMetaknob(category: string, name: string): MetaknobTemplate | undefined {
  const cat = metaknobCategory(category);
  if (!cat) return undefined;
  const table = METAKNOB_TEMPLATES[cat] ?? {};
  const lower = name.toLowerCase();
  const key = Object.keys(table).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : { category: cat, name: key, text: table[key] ?? "" };
}

/** The template names known for a category (for error messages). */
export function metaknobNames(category: string): string[] {
  const cat = metaknobCategory(category);
  return cat ? Object.keys(METAKNOB_TEMPLATES[cat] ?? {}) : [];
}

/** One `Name(args)` item of a `use` line's right-hand side. */
export interface MetaknobUse {
  name: string;
  /** The text between the parentheses, or "" when there are none. */
  args: string;
}

/**
 * Splits the right-hand side of `use CATEGORY : A, B(1, 2) C` into its items, the way HTCondor does: names are
 * separated by whitespace or commas, and may be followed by a parenthesised argument list (which may nest).
 */
export function splitMetaknobUses(rhs: string): MetaknobUse[] {
  const out: MetaknobUse[] = [];
  let i = 0;
  const n = rhs.length;
  while (i < n) {
    while (i < n && (isSpace(rhs[i]) || rhs[i] === ",")) i++;
    const start = i;
    while (i < n && !isSpace(rhs[i]) && rhs[i] !== "," && rhs[i] !== "(") i++;
    if (i === start) {
      if (i < n) i++; // a stray "(" with no name: skip it like HTCondor's scanner does
      continue;
    }
    const name = rhs.slice(start, i);
    while (i < n && isSpace(rhs[i])) i++;
    let args = "";
    if (rhs[i] === "(") {
      const close = findCloseParen(rhs, i);
      if (close >= 0) {
        args = rhs.slice(i + 1, close);
        i = close + 1;
      } else {
        i++;
      }
    }
    out.push({ name, args });
  }
  return out;
}

/** Index of the `)` matching the `(` at `open` (nested parentheses and brackets count), or -1. */
function findCloseParen(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === "(" || c === "[") depth++;
    else if (c === ")" || c === "]") {
      depth--;
      if (depth === 0) return c === ")" ? i : -1;
    }
  }
  return -1;
}

function splitArgs(args: string): string[] {
  // HTCondor's StringTokenIterator: comma separated, whitespace trimmed, empty items skipped.
  return args
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "");
}

/**
 * Expands the metaknob argument references in a template text: `$(N)` (the Nth argument), `$(N:default)`,
 * `$(N?)` (1 when the argument is non-empty, else 0), `$(N+)` / `$(N#)` (the arguments from the Nth on, commas
 * kept), `$(0)` (all arguments) and `$(0#)` (how many there are). Other `$(...)` references are left for normal
 * macro expansion, which happens later.
 */
export function expandMetaArgs(text: string, args: string): string {
  if (!/\$\(\d/.test(text)) return text;
  let s = text;
  for (let guard = 0; guard < 10_000; guard++) {
    const at = findMetaArg(s);
    if (!at) return s;
    const value = evaluateMetaArg(at.body, args);
    s = s.slice(0, at.start) + value + s.slice(at.end);
  }
  return s;
}

function findMetaArg(s: string): { start: number; end: number; body: string } | undefined {
  let from = 0;
  for (;;) {
    const d = s.indexOf("$(", from);
    if (d < 0) return undefined;
    const c = s[d + 2];
    if (c !== undefined && c >= "0" && c <= "9") {
      const close = findCloseParen(s, d + 1);
      if (close >= 0) return { start: d, end: close + 1, body: s.slice(d + 2, close) };
    }
    from = d + 2;
  }
}

function evaluateMetaArg(body: string, args: string): string {
  const m = /^(\d+)([?#+]?)(?::([\s\S]*))?$/.exec(body);
  const index = Number(m?.[1] ?? "0");
  const suffix = m?.[2] ?? "";
  const def = m?.[3];
  const list = splitArgs(args);
  let value: string;
  if (index <= 0) {
    value = suffix === "#" || suffix === "+" ? String(list.length) : args;
  } else if (suffix === "#" || suffix === "+") {
    value = restFrom(args, index);
    if (value.trim() === "" && def !== undefined) value = def;
  } else {
    value = list[index - 1] ?? def ?? "";
  }
  value = value.trim();
  if (suffix === "?") return value ? "1" : "0";
  return value;
}

/** The argument text from the `index`-th (1-based) argument on, commas included. */
function restFrom(args: string, index: number): string {
  let rest = args;
  for (let i = 1; i < index; i++) {
    // skip one (non-empty) token and the comma after it
    const trimmed = rest.replace(/^[\s,]*/, "");
    const comma = trimmed.indexOf(",");
    if (comma < 0) return "";
    rest = trimmed.slice(comma);
  }
  return rest.replace(/^,/, "");
}
