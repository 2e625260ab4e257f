/**
 * The mapping between typed fields of {@link SubmitCommands} and submit command lines, in both directions. Printing
 * (`toString`) and expansion both go through {@link commandLines}, so a description means the same thing whether it
 * is written to a file for condor_submit or expanded here.
 */
import { SubmitDescriptionError } from "./errors.js";
import { formatRealOldSyntax, oldStringLiteralValue, splitTokens, stringToBoolean } from "./macros.js";
import {
  formatArgumentsValue,
  formatEnvironmentValue,
  NO_ENVIRONMENT_VALUE,
  parseArgumentsValue,
  parseEnvironmentValue,
} from "./quoting.js";
import type { CustomAttributeValue, SubmitCommands } from "./schema.js";
import { SUBMIT_UNIVERSES } from "./schema.js";

/** A submit command line: the name as written and its raw value. */
export interface CommandLine {
  name: string;
  value: string;
}

type TypedKey = Exclude<keyof SubmitCommands, "custom" | "commands">;

interface FieldSpec {
  key: TypedKey;
  /** The submit command this field is written as. */
  command: string;
  format(value: never, path: string): string;
  /** Converts a raw value; undefined keeps the line as a raw command instead. Throws for syntax errors. */
  parse(raw: string): unknown;
}

const text = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: string) => value,
  parse: (raw) => raw,
});

/** Values condor_submit strips of surrounding double quotes (trim_and_strip_quotes_in_place). */
const quotedText = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: string) => (value !== value.trim() || /^".*"$/.test(value) ? `"${value}"` : value),
  parse: (raw) => (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw),
});

const enumeration = (key: TypedKey, command: string, values: readonly string[]): FieldSpec => ({
  key,
  command,
  format: (value: string) => value,
  parse: (raw) => values.find((v) => v.toLowerCase() === raw.trim().toLowerCase()),
});

const integer = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: number) => String(value),
  parse: (raw) => (/^\s*[+-]?\d+\s*$/.test(raw) ? Number.parseInt(raw, 10) : undefined),
});

const resource = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: number | string) => (typeof value === "number" ? formatNumber(value) : value),
  parse: (raw) => (/^\d+$/.test(raw) ? Number.parseInt(raw, 10) : raw),
});

const boolean = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: boolean) => (value ? "true" : "false"),
  parse: (raw) => (/^(true|false|1|0)$/i.test(raw) ? stringToBoolean(raw) : undefined),
});

const fileList = (key: TypedKey, command: string): FieldSpec => ({
  key,
  command,
  format: (value: string[]) => (value.length === 0 ? '""' : value.join(", ")),
  parse: (raw) => (raw === '""' ? [] : splitTokens(raw, ",")),
});

/** The typed fields, in the order they are printed. */
const FIELDS: readonly FieldSpec[] = [
  enumeration("universe", "universe", SUBMIT_UNIVERSES),
  text("executable", "executable"),
  {
    key: "arguments",
    command: "arguments",
    format: (value: string[]) => formatArgumentsValue(value),
    parse: (raw) => {
      const parsed = parseArgumentsValue(raw);
      return parsed.syntax === "v2" ? parsed.args : undefined;
    },
  },
  {
    key: "environment",
    command: "environment",
    format: (value: Record<string, string>) => formatEnvironmentValue(Object.entries(value)),
    parse: (raw) => {
      const parsed = parseEnvironmentValue(raw);
      if (parsed.syntax !== "v2") return undefined;
      for (const value of parsed.env.values()) if (value === NO_ENVIRONMENT_VALUE) return undefined;
      return Object.fromEntries(parsed.env);
    },
  },
  text("input", "input"),
  text("output", "output"),
  text("error", "error"),
  text("log", "log"),
  text("initialdir", "initialdir"),
  resource("requestCpus", "request_cpus"),
  resource("requestMemory", "request_memory"),
  resource("requestDisk", "request_disk"),
  resource("requestGpus", "request_gpus"),
  text("requirements", "requirements"),
  text("rank", "rank"),
  enumeration("shouldTransferFiles", "should_transfer_files", ["YES", "NO", "IF_NEEDED"]),
  enumeration("whenToTransferOutput", "when_to_transfer_output", [
    "ON_EXIT",
    "ON_EXIT_OR_EVICT",
    "ON_SUCCESS",
  ]),
  fileList("transferInputFiles", "transfer_input_files"),
  fileList("transferOutputFiles", "transfer_output_files"),
  boolean("transferExecutable", "transfer_executable"),
  quotedText("dockerImage", "docker_image"),
  quotedText("containerImage", "container_image"),
  integer("maxRetries", "max_retries"),
  text("periodicRemove", "periodic_remove"),
  text("periodicHold", "periodic_hold"),
  text("periodicRelease", "periodic_release"),
  text("onExitRemove", "on_exit_remove"),
  text("onExitHold", "on_exit_hold"),
  text("accountingGroup", "accounting_group"),
  text("accountingGroupUser", "accounting_group_user"),
  integer("priority", "priority"),
  quotedText("batchName", "batch_name"),
  {
    key: "concurrencyLimits",
    command: "concurrency_limits",
    format: (value: string[]) => value.join(", "),
    parse: (raw) => splitTokens(raw),
  },
  {
    key: "getenv",
    command: "getenv",
    format: (value: boolean | string[]) => (typeof value === "boolean" ? String(value) : value.join(", ")),
    parse: (raw) => (/^(true|false|1|0)$/i.test(raw) ? stringToBoolean(raw) : splitTokens(raw, ",; \t\r\n")),
  },
  enumeration("notification", "notification", ["Never", "Always", "Complete", "Error"]),
  boolean("hold", "hold"),
];

const FIELD_BY_COMMAND = new Map(FIELDS.map((f) => [f.command, f]));

/** The submit command a typed field is written as (`requestMemory` is `request_memory`). */
export function commandOfField(key: string): string | undefined {
  return FIELDS.find((f) => f.key === key)?.command;
}

/** Formats a number for a submit file: integers as is, others like HTCondor prints reals. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : formatRealOldSyntax(value).replace(/\.0$/, "");
}

/** Writes a JS string as an old-syntax ClassAd string literal (only `"` is escaped in old syntax). */
export function oldSyntaxString(value: string, path = ""): string {
  if (/\\"/.test(value) || value.endsWith("\\")) {
    throw new SubmitDescriptionError(
      path,
      "a string with a backslash before a double quote or at its end cannot be written in old ClassAd syntax; " +
        "use { expr } with the exact expression instead",
    );
  }
  return `"${value.replaceAll('"', '\\"')}"`;
}

/** Formats a custom attribute's value as expression text. */
export function formatAttributeValue(value: CustomAttributeValue, path = ""): string {
  if (typeof value === "string") return oldSyntaxString(value, path);
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  return value.expr;
}

/** Reads a custom attribute's raw value back into the most specific {@link CustomAttributeValue}. */
export function parseAttributeValue(raw: string): CustomAttributeValue {
  const trimmed = raw.trim();
  if (trimmed === "") return { expr: "undefined" };
  const str = oldStringLiteralValue(trimmed);
  if (str !== undefined && trimmed.startsWith('"') && !/\\"/.test(str) && !str.endsWith("\\")) return str;
  // A number literal becomes a JS number only when it prints back exactly (so 1.0 stays a real expression).
  if (/^-?\d[\d.eE+-]*$/.test(trimmed)) {
    const n = Number(trimmed);
    if (Number.isFinite(n) && formatNumber(n) === trimmed) return n;
  }
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  return { expr: trimmed };
}

/**
 * The command lines of a set of commands, in print order: typed fields, then custom attributes (`+Name`), then raw
 * commands. Throws {@link SubmitDescriptionError} when a value cannot be written or a name is given twice.
 */
export function commandLines(commands: SubmitCommands, path = ""): CommandLine[] {
  const lines: CommandLine[] = [];
  const seen = new Map<string, string>();
  const add = (name: string, value: string, where: string) => {
    const key = name.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new SubmitDescriptionError(
        where,
        `the submit command ${name} is also given by ${previous}; keep only one`,
      );
    }
    seen.set(key, where);
    lines.push({ name, value });
  };
  const record = commands as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = record[field.key];
    if (value === undefined) continue;
    const where = join(path, field.key);
    add(field.command, (field.format as (v: unknown, p: string) => string)(value, where), where);
  }
  for (const [name, value] of Object.entries(commands.custom ?? {})) {
    const where = join(path, `custom.${name}`);
    add(`MY.${name}`, formatAttributeValue(value, where), where);
  }
  for (const [name, value] of Object.entries(commands.commands ?? {})) {
    add(name, value, join(path, `commands.${name}`));
  }
  return lines;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * Builds the object form of a group of assignments (in file order; a later one replaces an earlier one with the
 * same name). `onError` receives the index of the assignment whose value has a syntax error.
 */
export function commandsFromAssignments(
  assignments: readonly CommandLine[],
  onError: (index: number, error: unknown) => never,
): SubmitCommands {
  const latest = new Map<string, { line: CommandLine; index: number }>();
  assignments.forEach((line, index) => {
    const key = line.name.toLowerCase();
    latest.delete(key);
    latest.set(key, { line, index });
  });
  const out: Record<string, unknown> = {};
  const attributes: Record<string, CustomAttributeValue> = {};
  const raw: Record<string, string> = {};
  for (const [key, { line, index }] of latest) {
    if (key.startsWith("my.")) {
      attributes[line.name.slice(3)] = parseAttributeValue(line.value);
      continue;
    }
    // An empty value stays raw: for some commands (transfer_output_files) empty and `""` mean different things.
    const field = line.value.trim() === "" ? undefined : FIELD_BY_COMMAND.get(key);
    let typed: unknown;
    if (field) {
      try {
        typed = field.parse(line.value);
      } catch (error) {
        onError(index, error);
      }
    }
    if (field && typed !== undefined) out[field.key] = typed;
    else raw[line.name] = line.value;
  }
  if (Object.keys(attributes).length > 0) out.custom = attributes;
  if (Object.keys(raw).length > 0) out.commands = raw;
  return out as SubmitCommands;
}
