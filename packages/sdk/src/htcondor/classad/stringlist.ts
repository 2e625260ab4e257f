// HTCondor's string lists: "a, b, c" split on a set of delimiter characters.

import { isCSpace } from "./text.js";

/**
 * StringTokenIterator with trimming (stl_string_utils.cpp): every character of `delims` separates items, white space
 * around items is dropped, and empty items are skipped.
 */
export function tokenize(str: string, delims: string): string[] {
  const out: string[] = [];
  const n = str.length;
  let i = 0;
  while (i < n) {
    while (i < n && (delims.includes(str[i] as string) || isCSpace(str.charCodeAt(i)))) i++;
    if (i >= n) break;
    const start = i;
    let end = i;
    while (i < n && !delims.includes(str[i] as string)) {
      if (!isCSpace(str.charCodeAt(i))) end = i;
      i++;
    }
    out.push(str.slice(start, end + 1));
  }
  return out;
}

/** split_string_list of fnCall.cpp (stringListsIntersect): split on delimiters, no trimming, empty items skipped. */
export function splitPlain(str: string, delims: string): string[] {
  const d = delims === "" ? " ," : delims;
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= str.length; i++) {
    if (i === str.length || d.includes(str[i] as string)) {
      if (i > start) out.push(str.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}
