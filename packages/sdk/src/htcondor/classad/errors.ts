import { BsaasError, type BsaasErrorOptions } from "../../errors.js";

/** Location of a character in a text: 0-based offset, 1-based line and column. */
export interface TextLocation {
  offset: number;
  line: number;
  column: number;
}

/** Computes the line and column of `offset` in `text` (columns count UTF-16 code units, 1-based). */
export function locate(text: string, offset: number): TextLocation {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/** The source line holding `offset` and a caret under the offending column, for error messages. */
function excerpt(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  let end = text.indexOf("\n", offset);
  if (end < 0) end = text.length;
  let lineText = text.slice(start, end).replace(/\r$/, "");
  let caretAt = offset - start;
  // Keep long lines (a whole ad on one line) readable: show a window around the error.
  const width = 100;
  if (lineText.length > width) {
    const from = Math.max(0, Math.min(caretAt - 40, lineText.length - width));
    lineText =
      (from > 0 ? "..." : "") +
      lineText.slice(from, from + width) +
      (from + width < lineText.length ? "..." : "");
    caretAt = caretAt - from + (from > 0 ? 3 : 0);
  }
  const visible = lineText.replace(/\t/g, " ");
  return `  ${visible}\n  ${" ".repeat(Math.max(0, caretAt))}^`;
}

/**
 * A ClassAd text (expression, ad, long form or JSON) could not be parsed. `offset`, `line` and `column` point at
 * the offending character; the message names what was expected and shows the line with a caret under it.
 */
export class ClassAdSyntaxError extends BsaasError {
  /** 0-based character offset of the problem in the parsed text. */
  readonly offset: number;
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column of the problem. */
  readonly column: number;
  /** The problem alone, without the location and excerpt. */
  readonly problem: string;

  constructor(text: string, offset: number, problem: string, options: BsaasErrorOptions = {}) {
    const where = locate(text, offset);
    super(
      "CLASSAD_SYNTAX",
      `ClassAd syntax error at line ${where.line}, column ${where.column}: ${problem}\n${excerpt(text, offset)}`,
      {
        hint: 'Fix the text at the marked position; new-syntax strings use C escapes (write \\\\ for a backslash), old syntax only escapes \\".',
        ...options,
      },
    );
    this.offset = offset;
    this.line = where.line;
    this.column = where.column;
    this.problem = problem;
  }
}

/** A value given to the ClassAd API cannot be represented in a ClassAd (for example an integer beyond 64 bits). */
export class ClassAdValueError extends BsaasError {
  constructor(message: string, options: BsaasErrorOptions = {}) {
    super("CLASSAD_VALUE", message, options);
  }
}
