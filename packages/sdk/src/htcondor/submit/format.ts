/**
 * Writes the object form of a submit description as submit-file text that condor_submit (and {@link parseSubmit})
 * read back to the same description.
 */
import { type CommandLine, commandLines } from "./commands.js";
import { SubmitDescriptionError } from "./errors.js";
import { formatSlice } from "./queue.js";
import type { QueueStatement, SubmitCommands, SubmitDescription } from "./schema.js";

/** The queue statements of a description; an absent list means a single `queue`. */
export function queueStatementsOf(description: SubmitDescription): QueueStatement[] {
  return description.queue ?? [{}];
}

/** The commands of a description without its queue statements. */
export function commandsOf(description: SubmitDescription): SubmitCommands {
  const { queue: _queue, ...commands } = description;
  return commands;
}

function formatLine(line: CommandLine): string {
  const name = /^my\./i.test(line.name) ? `+${line.name.slice(3)}` : line.name;
  return line.value === "" ? `${name} =` : `${name} = ${line.value}`;
}

/** Formats a whole description (validated already) as submit-file text ending with a newline. */
export function formatSubmit(description: SubmitDescription): string {
  const out: string[] = commandLines(commandsOf(description)).map(formatLine);
  queueStatementsOf(description).forEach((statement, index) => {
    const path = `queue[${index}]`;
    if (statement.set) {
      if (out.length > 0) out.push("");
      out.push(...commandLines(statement.set, `${path}.set`).map(formatLine));
    }
    out.push(...formatQueueStatement(statement, path));
  });
  return `${out.join("\n")}\n`;
}

/** The line(s) of one queue statement. */
export function formatQueueStatement(statement: QueueStatement, path = "queue"): string[] {
  const head: string[] = ["queue"];
  if (statement.count !== undefined) head.push(String(statement.count));
  const vars = "vars" in statement && statement.vars ? statement.vars : undefined;
  if (vars) head.push(vars.join(", "));
  const slice = "slice" in statement && statement.slice ? ` ${formatSlice(statement.slice)}` : "";

  if ("in" in statement) {
    const list = statement.in.join(", ");
    if (list.length <= 100) return [`${head.join(" ")} in${slice} (${list})`];
    return [`${head.join(" ")} in${slice} (`, ...statement.in.map((i) => `  ${i}`), ")"];
  }
  if ("matching" in statement) {
    const kind = statement.kind ? ` ${statement.kind}` : "";
    return [`${head.join(" ")} matching${kind}${slice} ${statement.matching.join(" ")}`];
  }
  if ("fromFile" in statement) {
    return [`${head.join(" ")} from${slice} ${statement.fromFile}`];
  }
  if ("from" in statement) {
    const varCount = vars?.length ?? 1;
    const rows = statement.from.map((row, i) => formatRow(row, varCount, `${path}.from[${i}]`));
    return [`${head.join(" ")} from${slice} (`, ...rows.map((r) => (r === "" ? "" : `  ${r}`)), ")"];
  }
  return [head.join(" ")];
}

/** Joins the values of a `from` row; values other than the last must not contain a field separator. */
function formatRow(row: string | readonly string[], varCount: number, path: string): string {
  if (typeof row === "string") return row.trim();
  if (row.length > varCount) {
    throw new SubmitDescriptionError(
      path,
      `the row has ${row.length} values but the queue statement has ${varCount} variables`,
    );
  }
  row.forEach((value, i) => {
    const last = i === row.length - 1;
    if (value.trim() !== value || (value === "" && !last)) {
      throw new SubmitDescriptionError(
        `${path}[${i}]`,
        "a value must not start or end with whitespace, and only the last value may be empty",
      );
    }
    if (i < row.length - 1 && /[, \t]/.test(value)) {
      throw new SubmitDescriptionError(
        `${path}[${i}]`,
        "only the last value of a row may contain ',', spaces or tabs",
      );
    }
  });
  const text = row.join(", ");
  if (/^[#)]/.test(text)) throw new SubmitDescriptionError(path, "a row must not start with '#' or ')'");
  return text;
}
