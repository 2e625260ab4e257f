/**
 * Parser of submit files (condor_submit's Parse_macros with the submit syntax): `name = value` commands
 * (case-insensitive), `+Attr = expr` and `MY.Attr = expr`, `#` comments, `\` continuations, self-referencing macros
 * (`requirements = $(requirements) && ...` expands at once), `if`/`elif`/`else`/`endif`, `include : file` (when a
 * file reader is given), `error :`/`warning :` and any number of `queue` statements. Errors carry `file:line:column`.
 */

import { type CommandLine, commandsFromAssignments } from "./commands.js";
import { classAdEvaluator } from "./engine.js";
import { MacroError, SubmitSyntaxError } from "./errors.js";
import { LineReader, type LogicalLine } from "./lines.js";
import { expandMacros, expandSelfReferences, type MacroContext, stringToInteger } from "./macros.js";
import { parseQueueArgs, QueueSyntaxError, splitRow } from "./queue.js";
import { SubmitQuotingError } from "./quoting.js";
import {
  type QueueStatement,
  type SubmitCommands,
  type SubmitDescription,
  SubmitDescriptionSchema,
} from "./schema.js";
import { type MacroTable, newMacroTable, setMacro, submitDefaults } from "./table.js";

/** Options of {@link parseSubmit}. */
export interface ParseSubmitOptions {
  /** File name used in error messages (default `<input>`). */
  file?: string;
  /**
   * Reads a file named by `include : <file>` (relative names are passed as written). Without it, `include` is
   * reported as unsupported.
   */
  readFile?: (path: string) => string;
  /** Environment seen by `$ENV()` in `if` conditions and self-references (default: empty). */
  env?: Readonly<Record<string, string | undefined>>;
  /** HTCondor version that `if version >= x.y.z` compares against (default 23.9.6, the version this was checked with). */
  condorVersion?: string;
  /** Receives `warning : text` messages and commands that follow the last queue statement. */
  onWarning?: (message: string) => void;
}

interface Statement {
  line: LogicalLine;
  file: string;
}

interface ParseState {
  table: MacroTable;
  groups: { lines: CommandLine[]; at: Statement[] }[];
  queues: { statement: QueueStatement; at: Statement }[];
  options: ParseSubmitOptions;
  depth: number;
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);
const isOp = (ch: string | undefined) => ch === "=" || ch === ":";
const VALID_NAME = /^[A-Za-z0-9_./]+$/;
const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function fail(file: string, line: LogicalLine, index: number, problem: string, cause?: unknown): never {
  throw new SubmitSyntaxError(file, line.position(index), problem, cause === undefined ? {} : { cause });
}

/**
 * Parses submit-file text into the object form. Commands before the first `queue` become the description's fields;
 * commands between two queue statements become that statement's `set`. Throws {@link SubmitSyntaxError}.
 */
export function parseSubmit(text: string, options: ParseSubmitOptions = {}): SubmitDescription {
  const state: ParseState = {
    table: newMacroTable(),
    groups: [{ lines: [], at: [] }],
    queues: [],
    options,
    depth: 0,
  };
  parseText(text, options.file ?? "<input>", state);

  const trailing = state.groups[state.queues.length];
  if (state.queues.length > 0 && trailing && trailing.lines.length > 0) {
    options.onWarning?.(
      `commands after the last queue statement are ignored: ${trailing.lines.map((l) => l.name).join(", ")}`,
    );
  }
  const toCommands = (index: number): SubmitCommands => {
    const group = state.groups[index] as ParseState["groups"][number];
    return commandsFromAssignments(group.lines, (i, error) => {
      const at = group.at[i] as Statement;
      const valueStart = at.line.text.indexOf(group.lines[i]?.value ?? "");
      const offset = error instanceof SubmitQuotingError ? error.index : 0;
      fail(at.file, at.line, Math.max(0, valueStart) + offset, describe(error), error);
    });
  };
  // Commands before the first queue statement are the description's own; those between queue statements i-1 and
  // i are queue statement i's `set`.
  const description: Record<string, unknown> = { ...toCommands(0) };
  description.queue = state.queues.map(({ statement }, i) => {
    if (i === 0) return statement;
    const set = toCommands(i);
    return Object.keys(set).length > 0 ? { ...statement, set } : statement;
  });
  const checked = SubmitDescriptionSchema.safeParse(description);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new SubmitSyntaxError(
      options.file ?? "<input>",
      { line: 1, column: 1, offset: 0 },
      issue?.message ?? "invalid",
      {
        cause: checked.error,
      },
    );
  }
  return checked.data;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function macroContext(state: ParseState): MacroContext {
  const defaults = submitDefaults({});
  return {
    lookup: (name) => state.table.get(name.toLowerCase())?.value ?? defaults(name),
    env: (name) => state.options.env?.[name],
  };
}

function parseText(text: string, file: string, state: ParseState): void {
  const reader = new LineReader(text);
  const ifs = new IfStack();
  const ctx = macroContext(state);
  for (let line = reader.read(); line; line = reader.read()) {
    let t = line.text;
    let shift = 0;
    if (t === "" || t.startsWith("#")) continue;
    if (t.startsWith(":") && (ifs.insideIf() || /^:if(\s|$)/.test(t))) {
      t = t.slice(1);
      shift = 1;
    }
    const conditional = /^(if|elif|else|endif)(\s|$)/i.exec(t);
    if (conditional) {
      const keyword = (conditional[1] as string).toLowerCase();
      const rest = t.slice(keyword.length).trim();
      try {
        ifs.handle(keyword, rest, (expr) => evaluateCondition(expr, state, ctx));
      } catch (error) {
        fail(file, line, shift, describe(error), error);
      }
      continue;
    }
    if (!ifs.enabled()) continue;
    parseStatement(t, shift, line, file, reader, state, ctx);
  }
  if (ifs.insideIf()) {
    throw new SubmitSyntaxError(
      file,
      { line: reader.lineNumber, column: 1, offset: text.length },
      "endif(s) not found before the end of the file",
    );
  }
}

function parseStatement(
  t: string,
  shift: number,
  line: LogicalLine,
  file: string,
  reader: LineReader,
  state: ParseState,
  ctx: MacroContext,
): void {
  let ptr = 0;
  while (ptr < t.length && !isSpace(t[ptr]) && !isOp(t[ptr])) ptr++;
  if (ptr >= t.length) {
    parseQueue(t, shift, line, file, reader, state);
    return;
  }
  const rawName = t.slice(0, ptr);
  let op = t[ptr] as string;
  let p = ptr + 1;
  let wordBeforeOp = false;
  if (!isOp(op)) {
    while (isSpace(t[p])) p++;
    if (p < t.length && !isOp(t[p]) && t[p] !== "@") wordBeforeOp = true;
    while (p < t.length && !isOp(t[p]) && t[p] !== "@") p++;
    op = t[p] ?? "";
    if (op) {
      p++;
      if (op === "@") {
        if (t[p] === "=") p++;
        else op = "";
      }
    }
  }
  while (isSpace(t[p])) p++;
  const rhs = t.slice(p);
  const rhsAt = shift + p;
  const keyword = rawName.replace(/^@/, "").toLowerCase();

  if (op === ":" && (keyword === "include" || /^include\s/i.test(t.slice(rawName.startsWith("@") ? 1 : 0)))) {
    parseInclude(t, shift, rhs, rhsAt, line, file, state, ctx);
    return;
  }
  if (op === ":" && keyword === "use") {
    fail(file, line, shift, "'use' (metaknob templates) is not supported in submit descriptions here");
  }
  if (op === ":" && (keyword === "error" || keyword === "warning")) {
    const message = expandAt(rhs, ctx, file, line, rhsAt);
    if (keyword === "error") fail(file, line, shift, `error statement: ${message}`);
    state.options.onWarning?.(`${file}:${line.position(shift).line}: ${message}`);
    return;
  }
  if (wordBeforeOp) {
    parseQueue(t, shift, line, file, reader, state);
    return;
  }
  if (op === "=" && (rawName.startsWith("+") || rawName.startsWith("-"))) {
    const attr = rawName.slice(1);
    if (!ATTRIBUTE_NAME.test(attr)) fail(file, line, shift, `'${attr}' is not a valid attribute name`);
    addAssignment(state, { name: `MY.${attr}`, value: rawName.startsWith("+") ? rhs : "" }, line, file);
    return;
  }
  if ((op !== "=" && op !== "@") || keyword === "queue") {
    parseQueue(t, shift, line, file, reader, state);
    return;
  }
  if (op === "@") {
    fail(
      file,
      line,
      shift,
      "multi-line values (NAME @=TAG ... @TAG) are not supported in submit descriptions here",
    );
  }
  const name = rawName.includes("$") ? expandAt(rawName, ctx, file, line, shift) : rawName;
  if (!VALID_NAME.test(name)) {
    fail(file, line, shift, `'${name}' is not a valid command name (use letters, digits, '_', '.' and '/')`);
  }
  if (/^my\./i.test(name) && !ATTRIBUTE_NAME.test(name.slice(3))) {
    fail(file, line, shift, `'${name.slice(3)}' is not a valid attribute name`);
  }
  let value: string;
  try {
    value = expandSelfReferences(rhs, name, ctx);
  } catch (error) {
    fail(file, line, rhsAt, describe(error), error);
  }
  addAssignment(state, { name, value }, line, file);
}

function addAssignment(state: ParseState, assignment: CommandLine, line: LogicalLine, file: string) {
  const group = state.groups[state.groups.length - 1] as ParseState["groups"][number];
  group.lines.push(assignment);
  group.at.push({ line, file });
  setMacro(state.table, assignment.name, assignment.value);
}

function expandAt(text: string, ctx: MacroContext, file: string, line: LogicalLine, index: number): string {
  try {
    return expandMacros(text, ctx);
  } catch (error) {
    if (error instanceof MacroError) fail(file, line, index, error.message, error);
    throw error;
  }
}

function parseInclude(
  t: string,
  shift: number,
  rhs: string,
  rhsAt: number,
  line: LogicalLine,
  file: string,
  state: ParseState,
  ctx: MacroContext,
): void {
  const head = t.slice(0, t.indexOf(":")).replace(/^@/, "").trim();
  const words = head
    .split(/\s+/)
    .slice(1)
    .map((w) => w.toLowerCase());
  const ifExist = words.includes("ifexist");
  if (words.some((w) => w !== "ifexist")) {
    fail(
      file,
      line,
      shift,
      `'include ${words.join(" ")} :' is not supported here; only 'include [ifexist] : <file>'`,
    );
  }
  if (rhs.trim().endsWith("|"))
    fail(file, line, rhsAt, "including the output of a command is not supported here");
  const name = expandAt(rhs, ctx, file, line, rhsAt).trim();
  if (!state.options.readFile) {
    fail(file, line, shift, "include is not supported without a file reader (pass readFile to parseSubmit)");
  }
  if (state.depth >= 20) fail(file, line, shift, "includes are nested too deep");
  let content: string | undefined;
  try {
    content = state.options.readFile(name);
  } catch (error) {
    if (ifExist) return;
    fail(file, line, rhsAt, `cannot read included file ${name}: ${describe(error)}`, error);
  }
  const queuesBefore = state.queues.length;
  state.depth++;
  try {
    parseText(content, name, state);
  } finally {
    state.depth--;
  }
  if (state.queues.length !== queuesBefore) {
    fail(file, line, shift, `queue statements are not allowed in an included file (${name})`);
  }
}

function parseQueue(
  t: string,
  shift: number,
  line: LogicalLine,
  file: string,
  reader: LineReader,
  state: ParseState,
) {
  const m = /^queue(\s|$)/i.exec(t);
  if (!m) {
    fail(file, line, shift, `cannot parse '${t}': expected 'name = value' or a queue statement`);
  }
  let argsAt = 5;
  while (isSpace(t[argsAt])) argsAt++;
  let parsed: ReturnType<typeof parseQueueArgs>;
  try {
    parsed = parseQueueArgs(t.slice(argsAt));
  } catch (error) {
    if (error instanceof QueueSyntaxError) {
      fail(file, line, shift + argsAt + error.index, `invalid queue statement: ${error.message}`, error);
    }
    throw error;
  }
  if (typeof parsed.count === "string" && !parsed.count.includes("$")) {
    // condor_submit evaluates the count as a ClassAd expression (`queue 2*3`); without macros it can be checked now.
    const n = stringToInteger(parsed.count, classAdEvaluator());
    if (n === undefined || n < 0 || n >= 2 ** 31 - 1) {
      fail(
        file,
        line,
        shift + argsAt,
        `invalid queue statement: the count '${parsed.count}' is not an integer`,
      );
    }
  }
  const items = [...parsed.items];
  if (parsed.multiline) {
    let closed = false;
    for (let next = reader.read(); next; next = reader.read()) {
      const text = next.text;
      if (text.startsWith("#")) continue;
      if (text.startsWith(")")) {
        closed = true;
        break;
      }
      if (parsed.mode === "from") items.push(text);
      else items.push(...text.split(/[, \t\r\n]+/).filter((s) => s.length > 0));
    }
    if (!closed) {
      fail(
        file,
        line,
        shift,
        `reached the end of the file without finding the closing ')' of the queue statement on line ${line.position(0).line}`,
      );
    }
  }
  const statement: Record<string, unknown> = {};
  if (parsed.count !== undefined) statement.count = parsed.count;
  if (parsed.vars.length > 0) statement.vars = parsed.vars;
  if (parsed.mode === "in") statement.in = items;
  else if (parsed.mode === "matching") {
    statement.matching = items;
    if (parsed.matchKind) statement.kind = parsed.matchKind;
  } else if (parsed.mode === "fromFile") statement.fromFile = parsed.source;
  else if (parsed.mode === "from") {
    const varCount = Math.max(1, parsed.vars.length);
    statement.from =
      varCount === 1 ? items : items.map((row) => (row.trim() === "" ? "" : splitRow(row, varCount)));
  }
  if (parsed.slice && parsed.mode !== "count") statement.slice = parsed.slice;
  if (parsed.mode === "matching" && items.length === 0) {
    fail(file, line, shift, "invalid queue statement: 'matching' needs at least one pattern");
  }
  state.queues.push({ statement: statement as QueueStatement, at: { line, file } });
  state.groups.push({ lines: [], at: [] });
}

/** Evaluates the condition of `if`/`elif` (HTCondor's Test_config_if_expression). */
function evaluateCondition(expr: string, state: ParseState, ctx: MacroContext): boolean {
  let text = expr;
  const expanded = text.includes("$");
  if (expanded) text = expandMacros(text, ctx).trimEnd();
  text = text.trimStart();
  let inverted = false;
  if (text.startsWith("!")) {
    inverted = true;
    text = text.slice(1).trimStart();
  }
  let result: boolean;
  if (expanded && text === "") result = false;
  else result = evaluateSimpleCondition(text, state, ctx);
  return inverted ? !result : result;
}

const CRUFTY_TRUE = /^(yes|t)$/i;
const CRUFTY_FALSE = /^(no|f)$/i;

function evaluateSimpleCondition(text: string, state: ParseState, ctx: MacroContext): boolean {
  if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text) !== 0;
  if (/^true$/i.test(text)) return true;
  if (/^false$/i.test(text)) return false;
  if (CRUFTY_TRUE.test(text)) return true;
  if (CRUFTY_FALSE.test(text)) return false;
  const version = /^version(\s+|(?=[!<=>]))(.*)$/i.exec(text);
  if (version)
    return compareVersionCondition((version[2] as string).trim(), state.options.condorVersion ?? "23.9.6");
  const defined = /^defined(\s+(.*))?$/i.exec(text);
  if (defined) {
    const name = (defined[2] ?? "").trim();
    if (name === "") return false;
    if (/^-?\d+(\.\d+)?$/.test(name) || /^(true|false)$/i.test(name)) return true;
    if (/^use\s/i.test(name)) throw new Error("'defined use ...' (metaknob templates) is not supported here");
    if (!/^[A-Za-z0-9_./:]+$/.test(name))
      throw new Error(`${text} is not a valid if condition: defined needs a name`);
    const value = ctx.lookup(name);
    if (value === undefined && (CRUFTY_TRUE.test(name) || CRUFTY_FALSE.test(name))) return true;
    return value !== undefined && value !== "";
  }
  throw new Error(
    `${text} is not a valid if condition: use 'defined NAME', 'version >= x.y.z', true/false, or $(NAME); ` +
      "complex conditionals are not supported",
  );
}

function compareVersionCondition(rest: string, current: string): boolean {
  let p = 0;
  const negated = rest[p] === "!";
  if (negated) p++;
  let op = 0;
  let orEqual = false;
  const ch = rest[p];
  if (ch === "<" || ch === "=" || ch === ">") {
    op = ch === "<" ? -1 : ch === "=" ? 0 : 1;
    p++;
  }
  if (rest[p] === "=") {
    orEqual = true;
    p++;
  }
  let given = rest.slice(p).trim();
  if (/^[vV]/.test(given)) given = given.slice(1);
  const parts = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(given);
  if (!parts || Number(parts[1]) < 6)
    throw new Error(`version ${rest} is not a valid if condition: the version literal is invalid`);
  const mine = current.split(".").map((n) => Number.parseInt(n, 10));
  const theirs = [
    Number(parts[1]),
    Number(parts[2]),
    parts[3] === undefined ? (mine[2] ?? 0) : Number(parts[3]),
  ];
  let diff = 0;
  for (let i = 0; i < 3 && diff === 0; i++) diff = Math.sign((mine[i] ?? 0) - (theirs[i] ?? 0));
  const result = diff === op || (orEqual && diff === 0);
  return negated ? !result : result;
}

/** The if/elif/else/endif nesting state (HTCondor's ConfigIfStack). */
class IfStack {
  private readonly frames: { active: boolean; taken: boolean; sawElse: boolean; parentEnabled: boolean }[] =
    [];

  enabled(): boolean {
    const top = this.frames[this.frames.length - 1];
    return top ? top.parentEnabled && top.active : true;
  }

  insideIf(): boolean {
    return this.frames.length > 0;
  }

  handle(keyword: string, expr: string, evaluate: (expr: string) => boolean): void {
    const top = this.frames[this.frames.length - 1];
    if (keyword === "if") {
      const parentEnabled = this.enabled();
      const value = parentEnabled ? evaluate(expr) : false;
      if (this.frames.length >= 63) throw new Error("if nesting too deep");
      this.frames.push({ active: value, taken: value, sawElse: false, parentEnabled });
    } else if (keyword === "elif") {
      if (!top) throw new Error("elif without matching if");
      if (top.sawElse) throw new Error("elif is not allowed after else");
      if (top.taken || !top.parentEnabled) top.active = false;
      else {
        top.active = evaluate(expr);
        top.taken = top.active;
      }
    } else if (keyword === "else") {
      if (!top) throw new Error("else without matching if");
      if (top.sawElse) throw new Error("else is not allowed after else");
      top.sawElse = true;
      top.active = !top.taken;
      top.taken = true;
    } else {
      if (!top) throw new Error("endif without matching if");
      this.frames.pop();
    }
  }
}
