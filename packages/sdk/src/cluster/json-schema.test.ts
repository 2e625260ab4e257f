import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { clusterJsonSchema } from "./json-schema.js";

const root = new URL("../../../../", import.meta.url);
const committed = JSON.parse(readFileSync(new URL("packages/sdk/schema/cluster.schema.json", root), "utf8"));
const example = (name: string) => parse(readFileSync(new URL(`examples/${name}`, root), "utf8"));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  return ajv.compile(clusterJsonSchema());
}

describe("cluster JSON Schema", () => {
  it("is committed and up to date (run `npm run schema:write -w packages/sdk` after changing the schema)", () => {
    expect(committed).toEqual(clusterJsonSchema());
  });

  it.each(["local.yaml", "two-sites.yaml"])("validates examples/%s", (name) => {
    const validate = validator();
    expect(validate(example(name)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("rejects a misspelt key and a negative instance count, as the loader does", () => {
    const validate = validator();
    const typo = example("local.yaml");
    typo.sites[0].executers = typo.sites[0].executors;
    delete typo.sites[0].executors;
    expect(validate(typo)).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toEqual(
      expect.arrayContaining(["additionalProperties", "required"]),
    );

    const negative = example("local.yaml");
    negative.sites[0].executors.instances = -1;
    expect(validate(negative)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      instancePath: "/sites/0/executors/instances",
      keyword: "minimum",
    });
  });

  it("documents every property", () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, path: string) => {
      if (Array.isArray(node)) {
        for (const [i, n] of node.entries()) walk(n, `${path}[${i}]`);
      } else if (node && typeof node === "object") {
        const properties = (node as { properties?: Record<string, Record<string, unknown>> }).properties;
        for (const [key, value] of Object.entries(properties ?? {})) {
          const documented =
            value.description ?? (value.anyOf as { description?: string }[] | undefined)?.[0]?.description;
          if (!documented && !("const" in value)) undocumented.push(`${path}.${key}`);
        }
        for (const [key, value] of Object.entries(node)) walk(value, `${path}.${key}`);
      }
    };
    walk(clusterJsonSchema(), "$");
    expect(undocumented).toEqual([]);
  });
});
