// Runs the committed bundle the way the GitHub runner does: `node dist/index.js` with INPUT_* variables and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { here, repo, runAction } from "./run-action.js";

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
    expect(stdout).toContain(
      '::error::Unknown command "deploy-everything" Use one of: validate, plan, apply, status, scale, destroy.',
    );
  });
});

describe("action.yml", () => {
  it("declares every input the action reads and every output it sets, and runs on node24", async () => {
    const yml = await readFile(join(here, "action.yml"), "utf8");
    const section = (name: string) => {
      const body = yml.slice(yml.indexOf(`\n${name}:\n`) + name.length + 3);
      return [...body.slice(0, body.search(/\n\S/)).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);
    };
    const sources = await Promise.all(
      (await readdir(join(here, "src"))).map((f) => readFile(join(here, "src", f), "utf8")),
    );
    const used = (fn: string) =>
      new Set(
        sources.flatMap((text) =>
          [...text.matchAll(new RegExp(`${fn}\\(\\s*"([a-z-]+)"`, "g"))].map((m) => m[1]),
        ),
      );
    expect(section("inputs")).toContain("tokens");
    expect(section("outputs")).toContain("executors-ready");
    expect(new Set(section("inputs"))).toEqual(used("getInput"));
    expect(new Set(section("outputs"))).toEqual(used("setOutput"));
    expect(yml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
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
