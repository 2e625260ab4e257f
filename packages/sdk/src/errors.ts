/**
 * Errors thrown by @bsaas/sdk.
 *
 * Every error the SDK throws is a {@link BsaasError}: it has a stable machine-readable `code`, a message that names
 * what failed, an optional `hint` saying what to do next, and the underlying `cause` when there is one. Subclasses add
 * the fields their callers need (for example the locations of every problem in a cluster file).
 */

/** Options accepted by every {@link BsaasError} constructor. */
export interface BsaasErrorOptions {
  /** The error that led to this one. */
  cause?: unknown;
  /** What the user can do next, in one sentence. Printed by the front ends after the message. */
  hint?: string;
}

/** Base class of every error the SDK throws. */
export class BsaasError extends Error {
  /** Stable identifier for programs (`SPEC_INVALID`, `SPEC_READ_FAILED`, ...). */
  readonly code: string;
  /** What the user can do next, when the SDK knows. */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: BsaasErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

/** A position in a text file: 1-based line and column, and the 0-based character offset. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

/** One problem found in an input file, with where it is. */
export interface SpecIssue {
  /** The file the problem is in (as given to the loader), or `<input>` for text without a file. */
  file: string;
  /** Where the offending key or value starts. */
  position: SourcePosition;
  /** Path of the field inside the document, e.g. `["sites", 0, "executors", "instances"]`. */
  path: (string | number)[];
  /** What is wrong and what is expected. */
  message: string;
  /** Machine-readable kind, e.g. `unknown_key`, `invalid_type`, `too_small`, `env_unset`, `yaml_syntax`. */
  code: string;
}

/** Formats an issue as `file:line:column: path: message`, the form editors and CI annotations understand. */
export function formatSpecIssue(issue: SpecIssue): string {
  const where = `${issue.file}:${issue.position.line}:${issue.position.column}`;
  const path = formatFieldPath(issue.path);
  return path ? `${where}: ${path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** Formats a field path the way a user writes it: `sites[0].executors.instances`. */
export function formatFieldPath(path: readonly (string | number)[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

/** A cluster file (or another input document) is not valid. `issues` lists every problem, in file order. */
export class SpecValidationError extends BsaasError {
  readonly issues: SpecIssue[];
  readonly file: string;

  constructor(file: string, issues: SpecIssue[], options: BsaasErrorOptions = {}) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(
      "SPEC_INVALID",
      `${file} is not a valid cluster file (${count}):\n${issues.map(formatSpecIssue).join("\n")}`,
      {
        hint: "Fix the fields listed above; `bsaas schema` prints the JSON Schema your editor can check against.",
        ...options,
      },
    );
    this.file = file;
    this.issues = issues;
  }
}

/** A file could not be read (missing, unreadable, not text). */
export class FileReadError extends BsaasError {
  readonly file: string;

  constructor(file: string, options: BsaasErrorOptions = {}) {
    const reason = options.cause instanceof Error ? `: ${options.cause.message}` : "";
    super("FILE_READ_FAILED", `Could not read ${file}${reason}`, {
      hint: "Check the path and that the file is readable.",
      ...options,
    });
    this.file = file;
  }
}

/** A frame of a stream (server-sent event, RecordIO record) could not be understood. `offset` is its byte offset. */
export class StreamFrameError extends BsaasError {
  readonly stream: string;
  readonly offset: number;

  constructor(stream: string, offset: number, problem: string, options: BsaasErrorOptions = {}) {
    super("STREAM_FRAME_INVALID", `${stream}: frame at byte ${offset}: ${problem}`, options);
    this.stream = stream;
    this.offset = offset;
  }
}
