/**
 * Logical lines of a submit file, read the way HTCondor's getline does (config.cpp getline_implementation): each
 * physical line is trimmed, a trailing `\` joins the next line, and a `#` line inside a continuation counts as blank
 * (only its last character is kept, so a commented line ending in `\` continues the value). Every logical line keeps
 * a map back to the physical text so errors can point at `line:column`.
 */
import type { SourcePosition } from "../../errors.js";

/** A piece of a logical line that came from one physical line. */
interface Segment {
  /** Index in the logical line where this piece starts. */
  at: number;
  /** 0-based character offset in the whole text of the piece's first character. */
  offset: number;
  line: number;
  column: number;
}

/** One logical line: the joined, trimmed text and where its pieces came from. */
export class LogicalLine {
  readonly text: string;
  private readonly segments: readonly Segment[];
  /** Physical line number of the last line read for this logical line. */
  readonly lastLine: number;

  constructor(text: string, segments: readonly Segment[], lastLine: number) {
    this.text = text;
    this.segments = segments;
    this.lastLine = lastLine;
  }

  /** The position of the character at `index` of {@link text} (clamped to the line). */
  position(index = 0): SourcePosition {
    let seg = this.segments[0] as Segment;
    for (const s of this.segments) {
      if (s.at <= index) seg = s;
      else break;
    }
    const delta = Math.max(0, index - seg.at);
    return { line: seg.line, column: seg.column + delta, offset: seg.offset + delta };
  }
}

interface PhysicalLine {
  text: string;
  /** Offset of the line's first character in the whole input. */
  offset: number;
  line: number;
}

function physicalLines(text: string): PhysicalLine[] {
  const out: PhysicalLine[] = [];
  let offset = 0;
  let line = 1;
  while (offset <= text.length) {
    const nl = text.indexOf("\n", offset);
    const end = nl < 0 ? text.length : nl;
    if (nl < 0 && offset === text.length) break;
    out.push({ text: text.slice(offset, end), offset, line });
    if (nl < 0) break;
    offset = nl + 1;
    line++;
  }
  return out;
}

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

/** Reads logical lines one at a time; the queue parser pulls item lines from the same reader. */
export class LineReader {
  private readonly lines: PhysicalLine[];
  private next = 0;

  constructor(text: string) {
    this.lines = physicalLines(text);
  }

  /** Line number of the last physical line consumed (0 before the first). */
  get lineNumber(): number {
    return this.next === 0 ? 0 : (this.lines[this.next - 1] as PhysicalLine).line;
  }

  /** The next logical line, or undefined at the end of the text. */
  read(): LogicalLine | undefined {
    if (this.next >= this.lines.length) return undefined;
    let text = "";
    const segments: Segment[] = [];
    let first = true;
    let lastLine = 0;
    while (this.next < this.lines.length) {
      const phys = this.lines[this.next++] as PhysicalLine;
      lastLine = phys.line;
      let end = phys.text.length;
      while (end > 0 && isSpace(phys.text[end - 1])) end--;
      let start = 0;
      while (start < end && isSpace(phys.text[start])) start++;
      let inComment = phys.text[start] === "#";
      if (inComment && !first) {
        // A comment inside a continuation is treated as whitespace up to its last character.
        start = Math.max(start, end - 1);
        inComment = false;
      }
      const piece = phys.text.slice(start, end);
      segments.push({ at: text.length, offset: phys.offset + start, line: phys.line, column: start + 1 });
      text += piece;
      first = false;
      if (text.endsWith("\\")) {
        text = text.slice(0, -1);
        // A comment line that ends in a backslash does not continue.
        if (!inComment) continue;
      }
      break;
    }
    return new LogicalLine(text, segments, lastLine);
  }
}
