// Runs the built binary exactly as a user does (`bsaas ...`), so exit codes, stdout and stderr are the real ones.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clusterJsonSchema } from "@bsaas/sdk/cluster";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = new URL("../bin/run.js", import.meta.url).pathname;
const examples = new URL("../../../examples/", import.meta.url).pathname;

function bsaas(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: { ...process.env, NO_COLOR: "1", ...env } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "bsaas-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function variant(name: string, edit: (text: string) => string) {
  const file = join(dir, name);
  await writeFile(file, edit(await readFile(join(examples, "local.yaml"), "utf8")));
  return file;
}

describe("bsaas", () => {
  it("--version prints the CLI version", async () => {
    const { code, stdout } = await bsaas(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^@bsaas\/cli\/\d+\.\d+\.\d+ /);
  });

  it("--help lists the commands", async () => {
    const { code, stdout } = await bsaas(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("validate");
    expect(stdout).toContain("schema");
  });
});

describe("bsaas validate", () => {
  it.each(["local.yaml", "two-sites.yaml"])("accepts examples/%s (exit 0)", async (name) => {
    const { code, stdout } = await bsaas(["validate", "-f", join(examples, name)]);
    expect(code).toBe(0);
    expect(stdout).toContain("is a valid cluster file");
  });

  it("rejects a misspelt key with its line and column (exit 1)", async () => {
    const file = await variant("typo.yaml", (t) => t.replace("    executors:", "    executers:"));
    const { code, stdout } = await bsaas(["validate", "-f", file]);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${file}:36:5: sites[0].executers: unknown field "executers" (did you mean "executors"?)`,
    );
  });

  it("rejects a negative instance count with its line and column (exit 1)", async () => {
    const file = await variant("negative.yaml", (t) => t.replace("instances: 3", "instances: -1"));
    const { code, stdout } = await bsaas(["validate", "-f", file]);
    expect(code).toBe(1);
    expect(stdout).toContain(`${file}:37:18: sites[0].executors.instances: must be ≥ 0`);
  });

  it("--json prints one object with every issue, and exits 1 when invalid", async () => {
    const file = await variant("two.yaml", (t) =>
      t.replace("instances: 3", "instances: -1").replace("kind: Cluster", "kind: cluster"),
    );
    const { code, stdout } = await bsaas(["validate", "-f", file, "--json"]);
    expect(code).toBe(1);
    const result = JSON.parse(stdout);
    expect(result.valid).toBe(false);
    expect(result.issues.map((i: { position: { line: number } }) => i.position.line)).toEqual([5, 37]);
  });

  it("--json on a valid file includes the summary", async () => {
    const { code, stdout } = await bsaas(["validate", "-f", join(examples, "local.yaml"), "--json"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ valid: true, summary: { name: "local", totals: { executors: 3 } } });
  });

  it("never prints a secret, in text or JSON", async () => {
    const secret = "s3cr3t-token-value-42";
    const file = await variant("secret.yaml", (t) =>
      t.replace("    network:", "    auth:\n      type: bearer\n      token: ${SITE_TOKEN}\n    network:"),
    );
    for (const args of [
      ["validate", "-f", file],
      ["validate", "-f", file, "--json"],
    ]) {
      const { code, stdout, stderr } = await bsaas(args, { SITE_TOKEN: secret });
      expect(code).toBe(0);
      expect(stdout + stderr).not.toContain(secret);
    }
  });

  it("says which variable is unset", async () => {
    const file = await variant("unset.yaml", (t) =>
      t.replace("url: http://127.0.0.1:8080", "url: ${BSAAS_TEST_UNSET_URL}"),
    );
    const { code, stdout } = await bsaas(["validate", "-f", file], { BSAAS_TEST_UNSET_URL: "" });
    expect(code).toBe(1);
    expect(stdout).toContain("environment variable BSAAS_TEST_UNSET_URL is not set");
  });

  it("reports a missing file (exit 1) and a missing flag (exit 2)", async () => {
    const missing = await bsaas(["validate", "-f", join(dir, "nope.yaml")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Could not read");
    expect((await bsaas(["validate"])).code).toBe(2);
  });
});

describe("bsaas schema", () => {
  it("prints the SDK's JSON Schema, with and without --json", async () => {
    for (const args of [["schema"], ["schema", "--json"]]) {
      const { code, stdout } = await bsaas(args);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual(clusterJsonSchema());
    }
  });

  it("--output writes the schema to a file", async () => {
    const out = join(dir, "cluster.schema.json");
    const { code } = await bsaas(["schema", "--output", out]);
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(clusterJsonSchema());
  });
});
