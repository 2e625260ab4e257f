// Runs the committed bundle the way the GitHub runner does: `node dist/index.js` with INPUT_* variables and the
// GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const here = new URL("..", import.meta.url).pathname;
export const repo = new URL("../../..", import.meta.url).pathname;

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The outputs, parsed from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written. */
  outputFile: string;
  /** GITHUB_STEP_SUMMARY as written. */
  summary: string;
}

/**
 * Runs the action with `inputs` as the runner passes them (`INPUT_<NAME upper-cased>`, hyphens kept), in
 * `workspace` (default: the repository).
 */
export async function runAction(
  inputs: Record<string, string>,
  options: { workspace?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), "bsaas-action-"));
  const output = join(dir, "output");
  const summary = join(dir, "summary");
  await writeFile(output, "");
  await writeFile(summary, "");
  const workspace = options.workspace ?? repo;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: dir,
    ...options.env,
  };
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = value;
  const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(here, "dist/index.js")],
      { env, cwd: workspace, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number(error.code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
  const outputFile = await readFile(output, "utf8");
  const summaryText = await readFile(summary, "utf8");
  await rm(dir, { recursive: true, force: true });
  return { ...result, outputs: parseOutputs(outputFile), outputFile, summary: summaryText };
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const block = /^([^<\n]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm;
  for (const m of text.matchAll(block)) outputs[m[1] as string] = m[3] as string;
  return outputs;
}
