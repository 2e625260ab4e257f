/**
 * Loading cluster files: YAML with positions, `${ENV_VAR}` interpolation, validation against {@link ClusterSpecSchema},
 * and every problem reported as `file:line:column: field.path: message`.
 */
import { readFile } from "node:fs/promises";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type Scalar, visit } from "yaml";
import type { z } from "zod";
import { FileReadError, type SpecIssue, SpecValidationError } from "../errors.js";
import { Secret } from "../secret.js";
import { type ClusterSpec, ClusterSpecSchema } from "./spec.js";

/** Options for {@link parseClusterSpec} and {@link loadClusterSpec}. */
export interface LoadOptions {
  /** Name used in error locations; defaults to the path given to {@link loadClusterSpec}, or `<input>`. */
  file?: string;
  /** Variables for `${NAME}` interpolation; defaults to `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** A valid cluster file. */
export interface LoadedClusterSpec {
  /** The validated spec, every default filled in. Secrets are {@link Secret} objects. */
  spec: ClusterSpec;
  /** The file it came from, as named in locations. */
  file: string;
  /** Things that are valid but unwise (for example a password written into the file), with their locations. */
  warnings: SpecIssue[];
}

type Path = (string | number)[];
type Position = SpecIssue["position"];

/**
 * Reads and validates a cluster file.
 *
 * @example
 * const { spec, warnings } = await loadClusterSpec("examples/local.yaml");
 * console.log(spec.sites.map((s) => s.name));
 * @throws {FileReadError} when the file cannot be read.
 * @throws {SpecValidationError} listing every problem with its file:line:column.
 */
export async function loadClusterSpec(path: string, options: LoadOptions = {}): Promise<LoadedClusterSpec> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new FileReadError(options.file ?? path, { cause });
  }
  return parseClusterSpec(text, { ...options, file: options.file ?? path });
}

/**
 * Validates the text of a cluster file.
 *
 * @throws {SpecValidationError} listing every problem with its file:line:column.
 */
export function parseClusterSpec(text: string, options: LoadOptions = {}): LoadedClusterSpec {
  const file = options.file ?? "<input>";
  const env = options.env ?? process.env;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col, offset };
  };
  const issue = (offset: number, path: Path, code: string, message: string): SpecIssue => ({
    file,
    position: at(offset),
    path,
    code,
    message,
  });

  const syntax = doc.errors.map((e) => issue(e.pos[0], [], "yaml_syntax", firstLine(e.message)));
  if (syntax.length > 0) throw new SpecValidationError(file, syntax);
  if (!isMap(doc.contents)) {
    const offset = doc.contents?.range?.[0] ?? 0;
    const what = doc.contents === null ? "empty" : "not a mapping of fields";
    throw new SpecValidationError(file, [
      issue(
        offset,
        [],
        "invalid_type",
        `the document is ${what}; a cluster file starts with apiVersion, kind and metadata`,
      ),
    ]);
  }

  const issues: SpecIssue[] = [];
  const interpolated = new Set<Node>();
  visit(doc, {
    Scalar(key, node) {
      if (key === "key" || typeof node.value !== "string" || !node.value.includes("$")) return;
      const result = interpolate(node.value, env);
      for (const name of result.unset) {
        issues.push(
          issue(
            node.range?.[0] ?? 0,
            [],
            "env_unset",
            `environment variable ${name} is not set (write \${${name}:-default} for a fallback, or $\${${name}} for a literal)`,
          ),
        );
      }
      if (result.used) interpolated.add(node);
      node.value = result.text;
    },
  });
  if (issues.length > 0) throw new SpecValidationError(file, withFieldPaths(doc.contents, issues));

  const parsed = ClusterSpecSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const zi of flattenIssues(parsed.error.issues)) issues.push(...locate(doc.contents, zi, issue));
    issues.sort((a, b) => a.position.offset - b.position.offset);
    throw new SpecValidationError(file, issues);
  }

  const warnings: SpecIssue[] = [];
  for (const path of secretPaths(parsed.data)) {
    const node = nodeAt(doc.contents, path);
    if (node && !interpolated.has(node)) {
      warnings.push(
        issue(
          node.range?.[0] ?? 0,
          path,
          "inline_secret",
          "a secret is written into the file; use ${ENV_VAR} or { file: path } so it stays out of version control",
        ),
      );
    }
  }
  return { spec: parsed.data, file, warnings };
}

/** Replaces `${NAME}` and `${NAME:-default}`; `$${` stands for a literal `${`. */
export function interpolate(
  text: string,
  env: Readonly<Record<string, string | undefined>>,
): { text: string; used: boolean; unset: string[] } {
  const unset: string[] = [];
  let used = false;
  const out = text.replace(
    /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (match, name: string | undefined, fallback: string | undefined) => {
      if (match === "$${") return "${";
      used = true;
      const value = env[name as string];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback;
      unset.push(name as string);
      return "";
    },
  );
  return { text: out, used, unset };
}

/** The YAML node at a document path, or undefined when the path does not exist. */
function nodeAt(root: Node, path: Path): Node | undefined {
  let node: Node | undefined = root;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(part));
      node = (pair?.value ?? undefined) as Node | undefined;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part] as Node | undefined;
    } else return undefined;
    if (node === undefined || node === null) return undefined;
  }
  return node;
}

/** The deepest existing node on a path, and how much of the path exists. */
function deepestNode(root: Node, path: Path): { node: Node; depth: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = nodeAt(root, path.slice(0, depth));
    if (node) return { node, depth };
  }
  return { node: root, depth: 0 };
}

function keyNode(map: Node, key: string): Scalar | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

type ZodIssue = z.core.$ZodIssue;

/**
 * Unions report one list of issues per branch. Shows the branch that came closest (fewest issues) and, when every
 * branch only disagrees on the type of the same value, one "expected A or B" issue.
 */
function flattenIssues(issues: readonly ZodIssue[], prefix: Path = []): ZodIssue[] {
  const out: ZodIssue[] = [];
  for (const zi of issues) {
    const path = [...prefix, ...(zi.path as Path)];
    if (zi.code === "invalid_union" && zi.errors.length > 0) {
      const branches = zi.errors;
      const typeOnly = branches.every(
        (b) => b.length === 1 && b[0]?.code === "invalid_type" && b[0].path.length === 0,
      );
      if (typeOnly) {
        const expected = [...new Set(branches.map((b) => (b[0] as { expected: string }).expected))];
        out.push({ ...zi, path, message: `expected ${expected.join(" or ")}` });
        continue;
      }
      const best = [...branches].sort((a, b) => a.length - b.length)[0] ?? [];
      out.push(...flattenIssues(best, path));
      continue;
    }
    out.push({ ...zi, path } as ZodIssue);
  }
  return out;
}

function locate(
  root: Node,
  zi: ZodIssue,
  issue: (offset: number, path: Path, code: string, message: string) => SpecIssue,
) {
  const path = zi.path as Path;
  if (zi.code === "unrecognized_keys") {
    const map = nodeAt(root, path);
    return zi.keys.map((key) => {
      const node = map ? keyNode(map, key) : undefined;
      const known = map && isMap(map) ? knownKeysNear(path) : [];
      const guess = closest(key, known);
      const hint = guess
        ? ` (did you mean "${guess}"?)`
        : known.length
          ? ` (expected one of: ${known.join(", ")})`
          : "";
      return issue(
        node?.range?.[0] ?? map?.range?.[0] ?? 0,
        [...path, key],
        "unknown_key",
        `unknown field "${key}"${hint}`,
      );
    });
  }
  const { node, depth } = deepestNode(root, path);
  if (depth < path.length) {
    // The value is missing: point at the key of the deepest existing ancestor, or the mapping itself.
    const field = path[depth];
    const parentKey =
      depth > 0
        ? keyNode(nodeAt(root, path.slice(0, depth - 1)) ?? root, String(path[depth - 1]))
        : undefined;
    const offset = parentKey?.range?.[0] ?? node.range?.[0] ?? 0;
    const expected = zi.code === "invalid_type" ? ` (expected ${article(zi.expected)})` : "";
    return [issue(offset, path, "missing_field", `required field "${String(field)}" is missing${expected}`)];
  }
  return [issue(node.range?.[0] ?? 0, path, zi.code, describe(zi))];
}

function describe(zi: ZodIssue): string {
  switch (zi.code) {
    case "invalid_type":
      return `expected ${article(zi.expected)}`;
    case "invalid_value":
      return zi.values.length === 1
        ? `must be ${JSON.stringify(zi.values[0])}`
        : `must be one of ${zi.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union": {
      // A discriminated union whose discriminator matched no option (zod adds `options`).
      const options = (zi as { options?: unknown[] }).options;
      return options?.length
        ? `must be one of ${options.map((v) => JSON.stringify(v)).join(", ")}`
        : zi.message;
    }
    case "too_small":
      if (zi.origin === "number") return `must be ${zi.inclusive ? "≥" : ">"} ${String(zi.minimum)}`;
      if (zi.origin === "array")
        return zi.message.startsWith("Too small")
          ? `needs at least ${String(zi.minimum)} item(s)`
          : zi.message;
      if (zi.origin === "string")
        return Number(zi.minimum) === 1
          ? "must not be empty"
          : `needs at least ${String(zi.minimum)} characters`;
      return zi.message;
    case "too_big":
      if (zi.origin === "number") return `must be ${zi.inclusive ? "≤" : "<"} ${String(zi.maximum)}`;
      if (zi.origin === "array") return `takes at most ${String(zi.maximum)} item(s)`;
      return zi.message;
    case "invalid_key": {
      // A record key the key schema refused: its own message says why.
      const inner = zi.issues[0];
      return inner ? `key ${JSON.stringify(String(zi.path.at(-1) ?? ""))}: ${inner.message}` : zi.message;
    }
    default:
      return zi.message;
  }
}

/** Field names the schema allows at a path (used for "did you mean"). */
function knownKeysNear(path: Path): string[] {
  const keys = new Set<string>();
  for (const schema of schemasAt(ClusterSpecSchema, path)) {
    const shape = objectShape(schema);
    if (shape) for (const k of Object.keys(shape)) keys.add(k);
  }
  return [...keys];
}

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema[] {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
      return unwrap(def.innerType as AnySchema);
    case "pipe":
      return unwrap(def.in as AnySchema);
    case "union":
      return (def.options as AnySchema[]).flatMap(unwrap);
    default:
      return [schema];
  }
}

function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  const def = schema._zod.def as unknown as { type: string; shape?: Record<string, AnySchema> };
  return def.type === "object" ? def.shape : undefined;
}

function schemasAt(schema: AnySchema, path: Path): AnySchema[] {
  let current = unwrap(schema);
  for (const part of path) {
    const next: AnySchema[] = [];
    for (const s of current) {
      const def = s._zod.def as unknown as { type: string; element?: AnySchema };
      const shape = objectShape(s);
      if (shape && typeof part === "string" && shape[part]) next.push(...unwrap(shape[part]));
      else if (def.type === "array" && typeof part === "number" && def.element)
        next.push(...unwrap(def.element));
    }
    current = next;
  }
  return current;
}

/** The known name closest to a misspelt one, when it is close enough to be a typo. */
function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** Paths of every {@link Secret} in a parsed spec. */
function secretPaths(value: unknown, path: Path = []): Path[] {
  if (value instanceof Secret) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, [...path, i]));
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => secretPaths(v, [...path, k]));
  }
  return [];
}

/** Fills in field paths for issues found before validation (by position: the pair whose value holds the offset). */
function withFieldPaths(root: Node, issues: SpecIssue[]): SpecIssue[] {
  return issues.map((i) => ({ ...i, path: pathOfOffset(root, i.position.offset) }));
}

function pathOfOffset(node: Node, offset: number, path: Path = []): Path {
  if (isMap(node)) {
    for (const pair of node.items) {
      const value = pair.value as Node | null;
      if (value?.range && offset >= value.range[0] && offset <= value.range[1] && isScalar(pair.key)) {
        return pathOfOffset(value, offset, [...path, String(pair.key.value)]);
      }
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) {
      const value = item as Node;
      if (value?.range && offset >= value.range[0] && offset <= value.range[1])
        return pathOfOffset(value, offset, [...path, i]);
    }
  }
  return path;
}

function article(type: string): string {
  if (type === "int") return "a whole number";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}
