/**
 * Errors of the submit language: syntax errors carry the place in the submit file (`file:line:column`), expansion
 * errors name the submit command and the job (cluster.proc) being built when they happened.
 */
import { BsaasError, type BsaasErrorOptions, type SourcePosition } from "../../errors.js";

/** A submit description could not be parsed. `position` is where the offending text starts. */
export class SubmitSyntaxError extends BsaasError {
  /** The file as given to the parser, or `<input>`. */
  readonly file: string;
  readonly position: SourcePosition;
  /** The problem without the location prefix. */
  readonly problem: string;

  constructor(file: string, position: SourcePosition, problem: string, options: BsaasErrorOptions = {}) {
    super("SUBMIT_SYNTAX", `${file}:${position.line}:${position.column}: ${problem}`, {
      hint: "Fix the submit description at the place shown; `man condor_submit` documents every command.",
      ...options,
    });
    this.file = file;
    this.position = position;
    this.problem = problem;
  }
}

/** A submit description (object form) is not valid: a field has the wrong type or a value cannot be written. */
export class SubmitDescriptionError extends BsaasError {
  /** Path of the offending field, e.g. `queue[0].from[2]`. */
  readonly path: string;

  constructor(path: string, problem: string, options: BsaasErrorOptions = {}) {
    super("SUBMIT_INVALID", path ? `${path}: ${problem}` : problem, {
      hint: "Correct the field named above in the submit description object.",
      ...options,
    });
    this.path = path;
  }
}

/** Turning a submit description into job ads failed the way condor_submit would fail. */
export class SubmitExpansionError extends BsaasError {
  /** The submit command being processed (for example `request_memory`), when known. */
  readonly command: string | undefined;
  /** `cluster.proc` of the job being built, when known. */
  readonly job: string | undefined;

  constructor(
    problem: string,
    context: { command?: string; job?: string } = {},
    options: BsaasErrorOptions = {},
  ) {
    const where = [context.job ? `job ${context.job}` : "", context.command ? `${context.command}` : ""]
      .filter(Boolean)
      .join(", ");
    super("SUBMIT_EXPANSION", where ? `${where}: ${problem}` : problem, {
      hint: "Fix the submit command named above; condor_submit rejects the same description.",
      ...options,
    });
    this.command = context.command;
    this.job = context.job;
  }
}

/** Problem found while expanding macros, before the caller knows which command it belongs to. */
export class MacroError extends BsaasError {
  constructor(problem: string, options: BsaasErrorOptions = {}) {
    super("SUBMIT_MACRO", problem, options);
  }
}
