/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for plain (non-array) objects. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy of a JSON value. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** JSON with object keys sorted, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (isObject(v)) {
      const sorted: JsonObject = {};
      for (const key of Object.keys(v).sort()) {
        const item = v[key];
        if (item !== undefined) sorted[key] = item;
      }
      return sorted;
    }
    return v;
  });
}

/** The value at `key` if it is a string. */
export function str(obj: JsonObject, key: string): string | undefined {
  const value = obj[key];
  return typeof value === "string" ? value : undefined;
}

/** The value at `key` if it is a number. */
export function num(obj: JsonObject, key: string): number | undefined {
  const value = obj[key];
  return typeof value === "number" ? value : undefined;
}

/** The value at `key` if it is a boolean. */
export function bool(obj: JsonObject, key: string): boolean | undefined {
  const value = obj[key];
  return typeof value === "boolean" ? value : undefined;
}

/** The value at `key` if it is an object. */
export function obj(o: JsonObject, key: string): JsonObject | undefined {
  const value = o[key];
  return isObject(value) ? value : undefined;
}

/** The value at `key` if it is an array. */
export function arr(o: JsonObject, key: string): JsonValue[] | undefined {
  const value = o[key];
  return Array.isArray(value) ? value : undefined;
}

/** The strings of an array value (other items are skipped). */
export function strings(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** A string map from an object value (non-string values are skipped). */
export function stringMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) if (typeof item === "string") out[key] = item;
  }
  return out;
}
