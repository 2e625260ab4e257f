/**
 * A fast path for big response documents: {@link fast} wraps a zod schema so that valid input is checked by a plain
 * function compiled from the schema's definition, which returns the input itself — copying only the objects on the
 * way to a value that changes (int64 fields becoming `bigint`) — instead of zod's per-key copy of every object. When
 * the check fails, the wrapped schema parses the input the usual way, so errors are exactly zod's.
 *
 * Why: a GET_STATE answer of 10,000 tasks holds ~500,000 objects; zod's copies double the allocations of
 * `JSON.parse` and the garbage collection with them (`bench/mesos-state.bench.mjs`).
 *
 * The compiled check covers what these schemas use: objects (loose, strict, stripping), optional/nullable, arrays,
 * records, unions (discriminated ones by table lookup), enums, literals, primitives, `z.custom`, transforms and pipes,
 * and checks (refinements, formats, bounds) by running zod's own check functions. Any other kind of schema is
 * delegated to zod for that value. `fast.test.ts` compares both paths on valid and invalid documents.
 *
 * Note: unlike zod's, the result shares unchanged objects with the input; do not mutate one expecting the other to
 * stay as it was.
 */
import { z } from "zod";

/** Returned by a compiled check when the value does not match. */
const FAIL: unique symbol = Symbol("fail");
type Run = (value: unknown) => unknown;

/** The internals of zod 4 schemas the compiler reads (`schema._zod.def`, check functions). */
interface Def {
  type: string;
  [key: string]: unknown;
}
interface Internals {
  def: Def;
  check?: (payload: Payload) => unknown;
}
interface Payload {
  value: unknown;
  issues: unknown[];
}

const internals = (schema: unknown): Internals => (schema as { _zod: Internals })._zod;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether wrappers take the fast path (tests turn it off to get zod's own results for comparison). */
let enabled = true;

/** Turns the fast path of every {@link fast} wrapper on or off (for tests; not exported from the package). */
export function setFastPath(on: boolean): void {
  enabled = on;
}

/** The detailed schema behind each {@link fast} wrapper, so nested wrappers compile as one. */
const wrapped = new WeakMap<object, z.ZodType>();
const compiled = new WeakMap<object, Run>();

function compile(schema: z.ZodType): Run {
  const inner = wrapped.get(schema);
  if (inner !== undefined) return compile(inner);
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  // Placeholder for recursive schemas: resolved when first called.
  let run: Run | undefined;
  compiled.set(schema, (v) => (run as Run)(v));
  run = withChecks(schema, build(schema));
  compiled.set(schema, run);
  return run;
}

/** Delegates one value to zod: used for kinds of schemas the compiler does not know. */
function viaZod(schema: z.ZodType): Run {
  return (v) => {
    const result = schema.safeParse(v);
    return result.success ? result.data : FAIL;
  };
}

/** Runs the schema's checks (refinements, bounds, formats) on the output of `run`, as zod does. */
function withChecks(schema: z.ZodType, run: Run): Run {
  const checks = (internals(schema).def.checks as { _zod: Internals }[] | undefined) ?? [];
  if (checks.length === 0) return run;
  const fns = checks.map((c) => c._zod.check);
  if (fns.some((fn) => typeof fn !== "function")) return viaZod(schema);
  return (v) => {
    const out = run(v);
    if (out === FAIL) return FAIL;
    const payload: Payload = { value: out, issues: [] };
    for (const fn of fns) (fn as (p: Payload) => unknown)(payload);
    return payload.issues.length === 0 ? out : FAIL;
  };
}

function build(schema: z.ZodType): Run {
  const self = internals(schema);
  const def = self.def;
  switch (def.type) {
    case "string":
      return (v) => (typeof v === "string" ? v : FAIL);
    case "boolean":
      return (v) => (typeof v === "boolean" ? v : FAIL);
    case "bigint":
      return (v) => (typeof v === "bigint" ? v : FAIL);
    case "number": {
      if (def.format === undefined) return (v) => (typeof v === "number" && Number.isFinite(v) ? v : FAIL);
      if (def.format === "safeint") return (v) => (Number.isSafeInteger(v) ? v : FAIL);
      return viaZod(schema);
    }
    case "unknown":
    case "any":
      return (v) => v;
    case "never":
      return () => FAIL;
    case "literal": {
      const values = new Set(def.values as unknown[]);
      return (v) => (values.has(v) ? v : FAIL);
    }
    case "enum": {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return (v) => (values.has(v) ? v : FAIL);
    }
    case "optional": {
      const inner = compile(def.innerType as z.ZodType);
      return (v) => (v === undefined ? v : inner(v));
    }
    case "nullable": {
      const inner = compile(def.innerType as z.ZodType);
      return (v) => (v === null ? v : inner(v));
    }
    case "custom": {
      const fn = def.fn as (v: unknown) => unknown;
      return (v) => (fn(v) ? v : FAIL);
    }
    case "pipe": {
      const first = compile(def.in as z.ZodType);
      const second = compile(def.out as z.ZodType);
      return (v) => {
        const mid = first(v);
        return mid === FAIL ? FAIL : second(mid);
      };
    }
    case "transform": {
      const fn = def.transform as (v: unknown, payload: Payload) => unknown;
      return (v) => {
        const payload: Payload = { value: v, issues: [] };
        const out = fn(v, payload);
        if (payload.issues.length > 0 || out instanceof Promise) return FAIL;
        return out;
      };
    }
    case "array":
      return arrayRun(compile(def.element as z.ZodType));
    case "record": {
      const key = internals(def.keyType).def;
      if (key.type !== "string" || (key.checks as unknown[] | undefined)?.length) return viaZod(schema);
      return recordRun(compile(def.valueType as z.ZodType));
    }
    case "object":
      return objectRun(def);
    case "union":
      return unionRun(def);
    default:
      return viaZod(schema);
  }
}

function arrayRun(element: Run): Run {
  return (v) => {
    if (!Array.isArray(v)) return FAIL;
    let copy: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const out = element(item);
      if (out === FAIL) return FAIL;
      if (out !== item) {
        copy ??= v.slice();
        copy[i] = out;
      }
    }
    return copy ?? v;
  };
}

function recordRun(value: Run): Run {
  return (v) => {
    if (!isRecord(v)) return FAIL;
    let copy: Record<string, unknown> | undefined;
    for (const key in v) {
      const item = v[key];
      const out = value(item);
      if (out === FAIL) return FAIL;
      if (out !== item) {
        copy ??= { ...v };
        copy[key] = out;
      }
    }
    return copy ?? v;
  };
}

function objectRun(def: Def): Run {
  const shape = def.shape as Record<string, z.ZodType>;
  const keys = Object.keys(shape);
  const runs = keys.map((k) => compile(shape[k] as z.ZodType));
  const catchall = def.catchall === undefined ? "strip" : internals(def.catchall).def.type;
  if (catchall !== "unknown" && catchall !== "never" && catchall !== "strip") {
    return viaZod(z.object({}).catchall(def.catchall as z.ZodType));
  }
  const known = new Set(keys);
  return (v) => {
    if (!isRecord(v)) return FAIL;
    let copy: Record<string, unknown> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const item = v[key];
      const out = (runs[i] as Run)(item);
      if (out === FAIL) return FAIL;
      if (out !== item) {
        copy ??= { ...v };
        copy[key] = out;
      }
    }
    if (catchall === "unknown") return copy ?? v;
    if (catchall === "never") {
      for (const key in v) if (!known.has(key)) return FAIL;
      return copy ?? v;
    }
    // A plain z.object strips unknown keys.
    const stripped: Record<string, unknown> = {};
    const from = copy ?? v;
    for (const key of keys) if (key in from) stripped[key] = from[key];
    return stripped;
  };
}

function unionRun(def: Def): Run {
  const options = def.options as z.ZodType[];
  const runs = options.map((o) => compile(o));
  const discriminator = def.discriminator as string | undefined;
  if (discriminator !== undefined) {
    const table = new Map<unknown, Run>();
    let complete = true;
    options.forEach((option, i) => {
      const odef = internals(option).def;
      const prop = (odef.shape as Record<string, z.ZodType> | undefined)?.[discriminator];
      const pdef = prop === undefined ? undefined : internals(prop).def;
      if (pdef?.type !== "literal") complete = false;
      else
        for (const value of pdef.values as unknown[]) if (!table.has(value)) table.set(value, runs[i] as Run);
    });
    if (complete) {
      return (v) => {
        if (!isRecord(v)) return FAIL;
        const run = table.get(v[discriminator]);
        return run === undefined ? FAIL : run(v);
      };
    }
  }
  return (v) => {
    for (const run of runs) {
      const out = run(v);
      if (out !== FAIL) return out;
    }
    return FAIL;
  };
}

/**
 * Wraps `schema` with the compiled fast path described above. Same input and output types, same results, same
 * errors (from `schema` itself); much less allocation for big valid documents.
 */
export function fast<S extends z.ZodType>(schema: S): z.ZodType<z.output<S>, z.input<S>> {
  let run: Run | undefined;
  const wrapper = z.unknown().transform((value, ctx) => {
    if (enabled) {
      run ??= compile(schema);
      const out = run(value);
      if (out !== FAIL) return out as z.output<S>;
    }
    const result = schema.safeParse(value);
    if (result.success) return result.data as z.output<S>;
    for (const issue of result.error.issues) ctx.issues.push({ ...issue, input: value } as never);
    return z.NEVER;
  });
  wrapped.set(wrapper, schema);
  return wrapper as unknown as z.ZodType<z.output<S>, z.input<S>>;
}

/** The schema a {@link fast} wrapper stands for (or the schema itself): for introspection and tests. */
export function detailed<S extends z.ZodType>(schema: S): z.ZodType {
  return wrapped.get(schema) ?? schema;
}
