import { constraintProblem } from "../agents/constraints.js";
import { HttpError } from "./errors.js";
import { arr, isObject, type JsonObject, type JsonValue, num, obj, str, strings } from "./json.js";
import { canonicalPath, isValidPath } from "./paths.js";

/** One problem reported by a schema (the structural subset of a zod issue this module reads). */
export interface SchemaIssue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly expected?: unknown;
  readonly keys?: readonly string[];
}

/** Anything with zod's `safeParse` (the SDK's request schemas). */
export interface SchemaLike {
  safeParse(data: unknown): { success: true } | { success: false; error: { issues: readonly SchemaIssue[] } };
}

/** The request schemas the emulator validates bodies with (one wire shape, one schema, shared with the SDK). */
export interface RequestSchemas {
  appDefinition: SchemaLike;
  appUpdate: SchemaLike;
  groupUpdate: SchemaLike;
}

/** A validation problem as Marathon reports it: a JSON path (`/a/0/b`) and its messages. */
export type Detail = {
  path: string;
  errors: string[];
};

function pointer(base: string, path: readonly PropertyKey[]): string {
  const tail = path.map((p) => String(p)).join("/");
  if (base === "" || base === "/") return `/${tail}`;
  return tail.length > 0 ? `${base}/${tail}` : base;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (Array.isArray(value) && typeof key === "number") value = value[key];
    else if (isObject(value) && typeof key === "string") value = value[key];
    else return undefined;
  }
  return value;
}

const PLAY_TYPES: Record<string, string> = {
  string: "error.expected.jsstring",
  number: "error.expected.jsnumber",
  int: "error.expected.jsnumber",
  boolean: "error.expected.jsboolean",
  object: "error.expected.jsobject",
  record: "error.expected.jsobject",
  array: "error.expected.jsarray",
  tuple: "error.expected.jsarray",
};

function merge(details: Detail[]): Detail[] {
  const byPath = new Map<string, string[]>();
  for (const d of details) {
    const errors = byPath.get(d.path) ?? [];
    for (const e of d.errors) if (!errors.includes(e)) errors.push(e);
    byPath.set(d.path, errors);
  }
  return [...byPath].map(([path, errors]) => ({ path, errors }));
}

/**
 * Checks a body against a request schema the way Marathon answers (its `MarathonExceptionMapper`): JSON of the wrong
 * type (a string where a number belongs, a missing required field) fails Play's readers, which Marathon answers with
 * `422 {"message":"Invalid JSON","details":[{path, errors:["error.expected.jsstring"]}]}`; other violations are
 * returned as details for `422 {"message":"Object is not valid",...}`. Unknown fields are ignored, as Marathon's
 * readers do.
 */
export function checkSchema(schema: SchemaLike, body: unknown, base = ""): Detail[] {
  const result = schema.safeParse(body);
  if (result.success) return [];
  const typeErrors: Detail[] = [];
  const invalid: Detail[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") continue;
    const path = pointer(base, issue.path);
    if (issue.code === "invalid_type") {
      const missing = valueAt(body, issue.path) === undefined;
      const expected = typeof issue.expected === "string" ? PLAY_TYPES[issue.expected] : undefined;
      if (missing) typeErrors.push({ path, errors: ["error.path.missing"] });
      else if (expected) typeErrors.push({ path, errors: [expected] });
      else invalid.push({ path, errors: [issue.message] });
      continue;
    }
    invalid.push({ path, errors: [issue.message] });
  }
  if (typeErrors.length > 0)
    throw new HttpError(422, { message: "Invalid JSON", details: merge(typeErrors) });
  return invalid;
}

/** Throws Marathon's 422 when there are details. */
export function throwIfInvalid(details: Detail[]): void {
  if (details.length > 0)
    throw new HttpError(422, { message: "Object is not valid", details: merge(details) });
}

/**
 * Checks Marathon enforces beyond the schema (AppValidation): something to run, well-formed constraints, health check
 * port indices that exist, a valid absolute id. `base` prefixes the detail paths (e.g. `/apps/0` in a group).
 */
export function semanticAppProblems(raw: JsonObject, id: string, base = "", partial = false): Detail[] {
  const details: Detail[] = [];
  const at = (path: string) => (base === "" ? path : `${base}${path === "/" ? "" : path}`);
  if (id === "/" || !isValidPath(id)) {
    details.push({ path: at("/id"), errors: [`'${id}' is not a valid app id`] });
  }
  const hasCmd = typeof raw.cmd === "string";
  const hasArgs = strings(raw.args).length > 0;
  const hasContainer =
    isObject(raw.container) && (obj(raw.container, "docker") !== undefined || hasCmd || hasArgs);
  if (!partial && !hasCmd && !hasArgs && !hasContainer) {
    details.push({
      path: at("/"),
      errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
    });
  }
  if (hasCmd && hasArgs) {
    details.push({
      path: at("/"),
      errors: ["AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."],
    });
  }
  (arr(raw, "constraints") ?? []).forEach((constraint, i) => {
    const problem = constraintProblem(strings(constraint));
    if (problem) details.push({ path: at(`/constraints/${i}`), errors: [problem] });
  });
  const portCount = arr(raw, "portDefinitions")?.length ?? arr(raw, "ports")?.length;
  const mappings = arr(obj(raw, "container") ?? {}, "portMappings")?.length;
  const ports = portCount ?? mappings;
  (arr(raw, "healthChecks") ?? []).forEach((hc: JsonValue, i) => {
    if (!isObject(hc)) return;
    const protocol = str(hc, "protocol") ?? "HTTP";
    if (protocol === "COMMAND") {
      if (!obj(hc, "command"))
        details.push({ path: at(`/healthChecks/${i}/command`), errors: ["is required"] });
      return;
    }
    const index = num(hc, "portIndex") ?? (num(hc, "port") === undefined ? 0 : undefined);
    if (index !== undefined && ports !== undefined && index >= ports) {
      details.push({
        path: at(`/healthChecks/${i}`),
        errors: [
          "Health check port indices must address an element of the ports array or container port mappings.",
        ],
      });
    }
  });
  for (const dep of strings(raw.dependencies)) {
    if (!isValidPath(canonicalPath(dep, "/")))
      details.push({ path: at("/dependencies"), errors: [`'${dep}' is not a valid path`] });
  }
  return details;
}
