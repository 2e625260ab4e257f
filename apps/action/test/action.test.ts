// Runs the committed bundle the way the GitHub runner does: `node dist/index.js` with INPUT_* variables and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const here = new URL("..", import.meta.url).pathname;
const repo = new URL("../../..", import.meta.url).pathname;

async function runAction(inputs: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "bsaas-action-"));
  const output = join(dir, "output");
  const summary = join(dir, "summary");
  await writeFile(output, "");
  await writeFile(summary, "");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: repo,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [join(here, "dist/index.js")], { env, cwd: repo }, (error, stdout) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
    );
  });
  const outputs = parseOutputs(await readFile(output, "utf8"));
  const summaryText = await readFile(summary, "utf8");
  await rm(dir, { recursive: true, force: true });
  return { ...result, outputs, summary: summaryText };
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const block = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(block)) outputs[m[1] as string] = m[3] as string;
  return outputs;
}

describe("bsaas action, validate", () => {
  it("sets outputs and writes a summary table for a valid file", async () => {
    const { code, outputs, summary } = await runAction({ "cluster-file": "examples/two-sites.yaml" });
    expect(code).toBe(0);
    expect(outputs).toEqual({ valid: "true", executors: "6", sites: "infn-to,infn-ba" });
    expect(summary).toContain("Cluster physics");
    expect(summary).toMatch(
      /<td>infn-ba<\/td><td>—<\/td><td>calico:htcondor-ba \(CCB\)<\/td><td>2 \(0–50\)<\/td>/,
    );
  });

  it("annotates each problem on its line and fails the step", async () => {
    const dir = await mkdtemp(join(repo, ".action-test-"));
    const file = join(dir, "bad.yaml");
    const text = await readFile(join(repo, "examples/local.yaml"), "utf8");
    await writeFile(file, text.replace("    executors:", "    executers:"));
    try {
      const shown = file.slice(repo.length).replace(/^\//, "");
      const { code, stdout, outputs } = await runAction({ "cluster-file": shown });
      expect(code).toBe(1);
      expect(outputs.valid).toBe("false");
      expect(stdout).toContain(
        `::error title=bsaas%3A sites[0].executers,file=${shown},line=36,col=5::unknown field`,
      );
      expect(stdout).toMatch(/::error::.*not a valid cluster file \(2 problems\)/);
    } finally {
      execFileSync("rm", ["-rf", dir]);
    }
  });

  it("fails with a clear message on an unknown command", async () => {
    const { code, stdout } = await runAction({
      command: "deploy-everything",
      "cluster-file": "examples/local.yaml",
    });
    expect(code).toBe(1);
    expect(stdout).toContain('::error::Unknown command "deploy-everything" Use one of: validate.');
  });
});

describe("dist/", () => {
  it("is committed and matches a fresh build of src/ (run `npm run build -w apps/action` and commit dist/)", () => {
    // The test task runs after this package's build, so a stale committed bundle now shows as a change in git.
    execFileSync("git", ["ls-files", "--error-unmatch", "dist/index.js"], { cwd: here, stdio: "pipe" });
    const diff = execFileSync("git", ["diff", "--stat", "--", "dist/"], { cwd: here, encoding: "utf8" });
    expect(diff).toBe("");
  });
});
