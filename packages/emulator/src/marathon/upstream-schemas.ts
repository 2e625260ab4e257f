// Test support: upstream Marathon's JSON Schemas (shared/specs/marathon/schema) compiled with ajv, for the contract
// tests of what the emulator returns and of what the SDK renders.
import { readFileSync } from "node:fs";
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

// The repo root is 4 levels up from packages/emulator/src/marathon/; shared/ sits beside it.
const schemaDir = new URL("../../../../../shared/specs/marathon/schema/", import.meta.url);
const readSchema = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(name, schemaDir), "utf8")) as Record<string, unknown>;

const GROUP_ID =
  "https://raw.githubusercontent.com/mesosphere/marathon/master/docs/docs/rest-api/public/api/v2/schema/Group.json";
const APP_ID = new URL("./AppDefinition.json", GROUP_ID).toString();

/** Validators of upstream's AppDefinition.json and Group.json (which refers to the app schema). */
export function upstreamValidators(): { app: ValidateFunction; group: ValidateFunction } {
  // The files are draft-04 style (`id`, `$schema: http://json-schema.org/schema#`); ajv 8 wants `$id`.
  const { $schema: _a, ...app } = readSchema("AppDefinition.json");
  const { $schema: _g, id: _id, ...group } = readSchema("Group.json");
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...app, $id: APP_ID });
  ajv.addSchema({ ...group, $id: GROUP_ID });
  const app$ = ajv.getSchema(APP_ID);
  const group$ = ajv.getSchema(GROUP_ID);
  if (!app$ || !group$) throw new Error("schemas did not compile");
  return { app: app$, group: group$ };
}

/** ajv's errors in one line, for assertion messages. */
export const ajvErrors = (errors: ErrorObject[] | null | undefined): string =>
  (errors ?? [])
    .map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`)
    .join("; ");
