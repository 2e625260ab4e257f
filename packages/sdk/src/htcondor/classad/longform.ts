// The old long form (condor_q -long, condor_status -long): one `Name = value` line per attribute, values in old
// syntax, ads separated by blank lines. `#` lines are comments. A trailing `;` after a value is tolerated (as
// HTCondor does).

import { ClassAd, Expr } from "./classad.js";
import { ClassAdSyntaxError } from "./errors.js";
import { describeToken, T } from "./lexer.js";
import { Parser } from "./parser.js";

const NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/** Unquotes a `'quoted'` attribute name (old syntax: only \' is an escape). */
function unquoteName(text: string, offset: number, raw: string): string {
  if (raw.length < 2 || !raw.endsWith("'")) {
    throw new ClassAdSyntaxError(text, offset, "unterminated quoted attribute name");
  }
  return raw.slice(1, -1).replace(/\\'/g, "'");
}

/** Parses long-form text into ads (blank lines separate ads). */
export function parseLongFormAds(text: string): ClassAd[] {
  const ads: ClassAd[] = [];
  let current: { names: string[]; exprs: Expr[] } | undefined;
  const finish = (): void => {
    if (current) ads.push(ClassAd.fromEntries(current.names, current.exprs));
    current = undefined;
  };
  let pos = 0;
  while (pos <= text.length) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = text.length;
    let lineEnd = end;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    const line = text.slice(pos, lineEnd);
    const trimmed = line.trim();
    if (trimmed === "") {
      finish();
    } else if (!trimmed.startsWith("#")) {
      current ??= { names: [], exprs: [] };
      parseLine(text, pos, lineEnd, current);
    }
    if (end >= text.length) break;
    pos = end + 1;
  }
  finish();
  return ads;
}

function parseLine(text: string, start: number, end: number, ad: { names: string[]; exprs: Expr[] }): void {
  const line = text.slice(start, end);
  const lead = line.length - line.trimStart().length;
  let eq: number;
  let name: string;
  if (line[lead] === "'") {
    let close = lead + 1;
    while (close < line.length && (line[close] !== "'" || line[close - 1] === "\\")) close++;
    const nameEnd = close >= line.length ? line.length : close + 1;
    name = unquoteName(text, start + lead, line.slice(lead, nameEnd));
    eq = line.indexOf("=", nameEnd);
    if (eq < 0 || line.slice(nameEnd, eq).trim() !== "") {
      throw new ClassAdSyntaxError(text, start + nameEnd, "expected '=' after the attribute name");
    }
  } else {
    eq = line.indexOf("=");
    if (eq < 0)
      throw new ClassAdSyntaxError(text, start + lead, "expected 'Name = value' (no '=' on this line)");
    name = line.slice(lead, eq).trim();
    if (!NAME.test(name)) {
      throw new ClassAdSyntaxError(text, start + lead, `'${name}' is not a valid attribute name`);
    }
  }
  const parser = new Parser(text, true, start + eq + 1, end);
  const node = parser.expression(false);
  let tok = parser.lexer.next();
  if (tok.t === T.Semi) tok = parser.lexer.next();
  if (tok.t !== T.End) {
    parser.lexer.fail(tok.start, `unexpected ${describeToken(tok.t)} after the value of ${name}`);
  }
  ad.names.push(name);
  ad.exprs.push(new Expr(node));
}
