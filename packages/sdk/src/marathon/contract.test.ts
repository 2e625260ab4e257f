// Contract test: every upstream example under shared/specs/marathon/examples goes through the schema it documents,
// request examples are also checked against upstream's JSON Schema (schema/AppDefinition.json) with ajv, and a set of
// invalid definitions must be rejected by both ajv and our zod request schema.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import Ajv, { type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AppDefinitionSchema,
  AppSchema,
  AppUpdateSchema,
  DeploymentResultSchema,
  DeploymentStepsSchema,
  InfoSchema,
  MarathonEventSchema,
  PodDefinitionSchema,
  PodSchema,
  TaskListResponseSchema,
  TaskResponseSchema,
} from "./schemas/index.js";

// The repo root is 4 levels up from packages/sdk/src/marathon/; shared/ sits beside it.
const specsDir = new URL("../../../../../shared/specs/marathon/", import.meta.url);
const examplesDir = new URL("examples/", specsDir);

const readJson = (url: URL): unknown => JSON.parse(readFileSync(url, "utf8"));
const example = (file: string): unknown => readJson(new URL(file, examplesDir));

/** How an example is used: a body Marathon returns (parsing must not change it) or a body we send. */
type Use = { kind: "response" | "request"; schema: z.ZodType; name: string };
const response = (name: string, schema: z.ZodType): Use => ({ kind: "response", schema, name });
const request = (name: string, schema: z.ZodType): Use => ({ kind: "request", schema, name });

const event = response("MarathonEventSchema", MarathonEventSchema);

/**
 * Every example file (path relative to examples/) and the schemas it must pass. Where an example documents both a
 * request and a response body (the RAML uses `app.json` and `pod.json` for both), both are listed.
 */
const EXAMPLES: Record<string, Use[]> = {
  // Used by the RAML/docs as an app definition showing `check` (RAML-only field, 1.10).
  "app-check-http-example.json": [
    request("AppDefinitionSchema", AppDefinitionSchema),
    response("AppSchema", AppSchema),
  ],
  // RAML: body and 201 response of POST /v2/apps, GET /v2/apps/{id}/versions/{v}. As a request it is invalid (cmd
  // together with non-empty args; see "known upstream example problems" below), so only the response use is listed.
  "app.json": [response("AppSchema", AppSchema)],
  "app_patch.json": [request("AppUpdateSchema", AppUpdateSchema)],
  "app_task.json": [response("TaskResponseSchema", TaskResponseSchema)],
  "app_tasks.json": [response("TaskListResponseSchema", TaskListResponseSchema)],
  // PUT /v2/apps body: an array of definitions.
  "apps_create.json": [request("AppDefinitionSchema[]", z.array(AppDefinitionSchema))],
  // PATCH /v2/apps body: an array of partial definitions.
  "apps_patch.json": [request("AppUpdateSchema[]", z.array(AppUpdateSchema))],
  "articles-app-simple.json": [
    request("AppDefinitionSchema", AppDefinitionSchema),
    response("AppSchema", AppSchema),
  ],
  "deployment_steps.json": [response("DeploymentStepsSchema", DeploymentStepsSchema)],
  "deployments_result.json": [response("DeploymentResultSchema", DeploymentResultSchema)],
  "events/add_health_check_event.json": [event],
  "events/api_post_event.json": [event],
  "events/app_terminated_event.json": [event],
  "events/deployment_failed.json": [event],
  "events/deployment_step_failure.json": [event],
  "events/deployment_success.json": [event],
  "events/event_stream_attached.json": [event],
  "events/framework_message_event.json": [event],
  "events/group_change_success.json": [event],
  "events/instance_health_changed_event.json": [event],
  "events/pod_created_event.json": [event],
  "events/pod_updated_event.json": [event],
  "events/remove_health_check_event.json": [event],
  "events/subscribe_event.json": [event],
  "events/unhealthy_task_kill_event.json": [event],
  "events/unknown_instance_terminated_event.json": [event],
  "events/unsubscribe_event.json": [event],
  "info.json": [response("InfoSchema", InfoSchema)],
  // RAML: body of POST /v2/pods and response of GET /v2/pods/{id}.
  "pod.json": [response("PodSchema", PodSchema), request("PodDefinitionSchema", PodDefinitionSchema)],
  "requests/container-bridge-pod.json": [request("PodDefinitionSchema", PodDefinitionSchema)],
  "requests/docker-http-server.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
  "requests/http-server.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
  "requests/pinger-bridge-app.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
  "requests/private-docker-app.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
  "requests/readiness-and-health-app.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
  "requests/simple-pod.json": [request("PodDefinitionSchema", PodDefinitionSchema)],
  "requests/sleep-app.json": [request("AppDefinitionSchema", AppDefinitionSchema)],
};

function listExampleFiles(): string[] {
  const root = fileURLToPath(examplesDir);
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .map((p) => p.split("\\").join("/"))
    .filter((p) => statSync(new URL(p, examplesDir)).isFile())
    .sort();
}

const issuesOf = (schema: z.ZodType, value: unknown): string =>
  JSON.stringify(schema.safeParse(value).error?.issues ?? [], null, 1);

describe("Marathon examples: coverage", () => {
  it("finds the upstream examples", () => {
    expect(listExampleFiles().length).toBeGreaterThan(30);
  });

  it("maps every example file to a schema (new upstream examples cannot be skipped silently)", () => {
    const unmapped = listExampleFiles().filter((f) => !(f in EXAMPLES));
    expect(unmapped, "add these files to EXAMPLES in contract.test.ts").toEqual([]);
  });

  it("maps only files that exist", () => {
    const files = new Set(listExampleFiles());
    expect(Object.keys(EXAMPLES).filter((f) => !files.has(f))).toEqual([]);
  });
});

describe("Marathon examples: schemas", () => {
  for (const [file, uses] of Object.entries(EXAMPLES)) {
    for (const use of uses) {
      it(`${file} is a valid ${use.kind} for ${use.name}`, () => {
        const json = example(file);
        const result = use.schema.safeParse(json);
        expect(result.success, issuesOf(use.schema, json)).toBe(true);
        // Parsing never drops, adds or changes data: responses keep unknown fields, requests have no transforms.
        expect(result.data).toEqual(json);
      });
    }
  }

  it("every event example parses to the branch named by its file", () => {
    for (const file of Object.keys(EXAMPLES).filter((f) => f.startsWith("events/"))) {
      const parsed = MarathonEventSchema.parse(example(file));
      expect(parsed.eventType).toBe(file.slice("events/".length, -".json".length));
    }
  });
});

describe("Marathon examples: known upstream example problems", () => {
  it("app.json combines cmd with non-empty args, which the RAML, AppDefinition.json and the server reject", () => {
    const app = example("app.json") as Record<string, unknown>;
    const result = AppDefinitionSchema.safeParse(app);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join("/"))).toEqual(["args"]);
    // Without args, the rest of the example (ipAddress, secrets, tty, docker BRIDGE network, ...) is a valid request.
    const { args: _args, ...withoutArgs } = app;
    expect(
      AppDefinitionSchema.safeParse(withoutArgs).success,
      issuesOf(AppDefinitionSchema, withoutArgs),
    ).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Upstream JSON Schema (ajv) vs our zod request schema
// ---------------------------------------------------------------------------------------------------------------

function compileAppDefinitionJsonSchema() {
  const schema = readJson(new URL("schema/AppDefinition.json", specsDir)) as Record<string, unknown>;
  // "$schema": "http://json-schema.org/schema#" is not a meta-schema ajv knows; the content is draft-04/07 compatible.
  delete schema.$schema;
  // strict: false because the upstream file has keywords ajv's strict mode refuses (e.g. `items` on an object, a
  // malformed `executorResources`), which upstream's validator ignored as well.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}
const validateUpstream = compileAppDefinitionJsonSchema();

function upstreamErrors(value: unknown): ErrorObject[] {
  return validateUpstream(value) ? [] : [...(validateUpstream.errors ?? [])];
}

/**
 * App request examples that upstream's JSON Schema (Marathon 1.8) rejects although the server accepts them, and
 * exactly why. Our zod schema follows the server here (see app.ts).
 */
const UPSTREAM_SCHEMA_GAPS: Record<string, { instancePath: string; additionalProperty: string }[]> = {
  // `check` is a RAML (1.10) field added after the JSON Schema was frozen.
  "app-check-http-example.json": [{ instancePath: "", additionalProperty: "check" }],
  // Upstream's own system test sends container.docker.requirePorts; the server ignores unknown fields.
  "requests/pinger-bridge-app.json": [
    { instancePath: "/container/docker", additionalProperty: "requirePorts" },
  ],
};

const appRequestExamples = Object.entries(EXAMPLES)
  .filter(([, uses]) => uses.some((u) => u.kind === "request" && u.name.startsWith("AppDefinitionSchema")))
  .map(([file]) => file);

describe("request examples against upstream's AppDefinition.json (ajv) and AppDefinitionSchema (zod)", () => {
  it("covers the app request examples", () => {
    expect(appRequestExamples).toContain("requests/sleep-app.json");
    expect(appRequestExamples.length).toBeGreaterThanOrEqual(8);
  });

  for (const file of appRequestExamples) {
    it(`${file}: ajv and zod agree`, () => {
      const json = example(file);
      const items = Array.isArray(json) ? json : [json];
      for (const item of items) {
        expect(AppDefinitionSchema.safeParse(item).success, issuesOf(AppDefinitionSchema, item)).toBe(true);
        const errors = upstreamErrors(item).map((e) => ({
          instancePath: e.instancePath,
          additionalProperty: String((e.params as { additionalProperty?: unknown }).additionalProperty),
        }));
        expect(errors).toEqual(UPSTREAM_SCHEMA_GAPS[file] ?? []);
      }
    });
  }

  it("the pod request examples have no upstream JSON Schema (pods are RAML-only) and AppDefinition.json rejects them", () => {
    for (const file of ["requests/simple-pod.json", "requests/container-bridge-pod.json"]) {
      expect(upstreamErrors(example(file)).length).toBeGreaterThan(0);
      expect(AppDefinitionSchema.safeParse(example(file)).success).toBe(false);
      expect(PodDefinitionSchema.safeParse(example(file)).success).toBe(true);
    }
  });

  const base = example("requests/sleep-app.json") as Record<string, unknown>;
  const withContainer = example("requests/docker-http-server.json") as Record<string, unknown>;
  const readiness = example("requests/readiness-and-health-app.json") as Record<string, unknown>;

  const invalid: Record<string, unknown> = {
    "bad id (uppercase)": { ...base, id: "/Sleep" },
    "bad id (underscore)": { ...base, id: "/my_app" },
    "bad id (trailing dash)": { ...base, id: "/app-" },
    "bad id (empty)": { ...base, id: "" },
    "missing id": { cmd: "sleep 1" },
    "negative instances": { ...base, instances: -1 },
    "fractional instances": { ...base, instances: 1.5 },
    "negative cpus": { ...base, cpus: -0.5 },
    "negative mem": { ...base, mem: -1 },
    "backoffFactor below 1": { ...base, backoffFactor: 0.5 },
    "unknown top-level key": { ...base, instance: 2 },
    "bad constraint operator": { ...base, constraints: [["hostname", "UNIQUELY"]] },
    "lowercase constraint operator": { ...base, constraints: [["hostname", "unique"]] },
    "constraint with one element": { ...base, constraints: [["hostname"]] },
    "constraint with four elements": { ...base, constraints: [["hostname", "LIKE", "a", "b"]] },
    "constraint value not a string": { ...base, constraints: [["hostname", "MAX_PER", 2]] },
    "cmd and args together": { ...base, args: ["sleep", "1"] },
    "unknown container type": { ...withContainer, container: { type: "RKT", docker: { image: "x" } } },
    "unknown key in container.docker": {
      ...withContainer,
      container: { type: "DOCKER", docker: { image: "x", pull: true } },
    },
    "docker image missing": { ...withContainer, container: { type: "DOCKER", docker: {} } },
    "bad legacy docker network": {
      ...withContainer,
      container: { type: "DOCKER", docker: { image: "x", network: "bridge" } },
    },
    "docker parameter with extra key": {
      ...withContainer,
      container: { type: "DOCKER", docker: { image: "x", parameters: [{ key: "a", value: "b", x: 1 }] } },
    },
    "port mapping hostPort out of range": {
      ...withContainer,
      container: {
        type: "DOCKER",
        docker: { image: "x", portMappings: [{ containerPort: 80, hostPort: 70000 }] },
      },
    },
    "bad network mode": { ...base, networks: [{ mode: "bridge" }] },
    "bad health check protocol": { ...readiness, healthChecks: [{ protocol: "GRPC" }] },
    "negative health check interval": {
      ...readiness,
      healthChecks: [{ protocol: "HTTP", intervalSeconds: -1 }],
    },
    "unknown key in health check": { ...readiness, healthChecks: [{ protocol: "HTTP", pathh: "/" }] },
    "readiness check bad protocol": { ...readiness, readinessChecks: [{ protocol: "TCP" }] },
    "upgradeStrategy above 1": { ...base, upgradeStrategy: { minimumHealthCapacity: 1.5 } },
    "upgradeStrategy below 0": { ...base, upgradeStrategy: { maximumOverCapacity: -0.1 } },
    "env value not a string or secret": { ...base, env: { A: 1 } },
    "env secret with extra key": { ...base, env: { A: { secret: "s", x: 1 } } },
    "portDefinitions port out of range": { ...base, portDefinitions: [{ port: 65536 }] },
    "bad killSelection": { ...base, killSelection: "RANDOM" },
    "bad unreachableStrategy": { ...base, unreachableStrategy: "enabled" },
    "labels with a non-string value": { ...base, labels: { a: 1 } },
    "bad executor": { ...base, executor: "a//b" },
    "fetch without uri": { ...base, fetch: [{ executable: true }] },
    "bad version timestamp": { ...base, version: "yesterday" },
  };

  for (const [name, value] of Object.entries(invalid)) {
    it(`both reject: ${name}`, () => {
      expect(upstreamErrors(value).length, "upstream JSON Schema accepted it").toBeGreaterThan(0);
      expect(AppDefinitionSchema.safeParse(value).success, "AppDefinitionSchema accepted it").toBe(false);
    });
  }

  const valid: Record<string, unknown> = {
    "2-element constraint": { ...base, constraints: [["hostname", "UNIQUE"]] },
    "3-element constraint": { ...base, constraints: [["rack", "GROUP_BY", "3"]] },
    "every constraint operator": {
      ...base,
      constraints: ["UNIQUE", "CLUSTER", "GROUP_BY", "LIKE", "UNLIKE", "MAX_PER", "IS"].map((op) => [
        "f",
        op,
        "v",
      ]),
    },
    "relative and nested ids": { ...base, id: "a.b/c-d/../e" },
    "env secret": { ...base, env: { A: "x", B: { secret: "s" } }, secrets: { s: { source: "/db/pw" } } },
    "every network mode": {
      ...base,
      networks: [{ mode: "container", name: "dcos" }, { mode: "container/bridge" }, { mode: "host" }],
    },
    "unreachableStrategy disabled": { ...base, unreachableStrategy: "disabled" },
    "unreachableStrategy timings": {
      ...base,
      unreachableStrategy: { inactiveAfterSeconds: 0, expungeAfterSeconds: 0 },
    },
    "upgradeStrategy bounds": {
      ...base,
      upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 1 },
    },
    "args without cmd": { id: "/a", args: ["sleep", "1"] },
    "read-only version fields": {
      ...base,
      version: "2015-09-29T15:59:51.164Z",
      versionInfo: {
        lastScalingAt: "2015-09-29T15:59:51.164Z",
        lastConfigChangeAt: "2015-09-29T15:59:51.164Z",
      },
    },
  };

  for (const [name, value] of Object.entries(valid)) {
    it(`both accept: ${name}`, () => {
      expect(upstreamErrors(value), "upstream JSON Schema rejected it").toEqual([]);
      expect(AppDefinitionSchema.safeParse(value).success, issuesOf(AppDefinitionSchema, value)).toBe(true);
    });
  }
});
