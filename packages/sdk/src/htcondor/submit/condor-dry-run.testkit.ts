/**
 * Test support (not exported): runs the real `condor_submit -dry-run` of the HTCondor rootfs on submit text and
 * normalises ClassAd expression text with HTCondor's own classad2 library, so the SDK's job ads can be compared
 * attribute by attribute with the real thing.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireCondorRootfs } from "../../../test/support/rootfs.js";

/** One job ad printed by condor_submit -dry-run: attribute name to old-syntax expression text. */
export interface DryRunJob {
  clusterId: number;
  procId: number;
  attributes: Map<string, string>;
}

/** Parses the file written by `condor_submit -dry-run <file>`: blank-line separated blocks, each a full cluster ad
 * (it starts with ClusterId) or the delta of one more job of the current cluster. */
export function parseDryRunOutput(text: string): DryRunJob[] {
  const jobs: DryRunJob[] = [];
  let cluster: Map<string, string> | undefined;
  for (const block of text.split(/\n\s*\n/)) {
    const attrs = new Map<string, string>();
    for (const line of block.split("\n")) {
      if (!line.trim()) continue;
      const eq = line.indexOf("=");
      attrs.set(line.slice(0, eq), line.slice(eq + 1));
    }
    if (attrs.size === 0) continue;
    let full: Map<string, string>;
    if (attrs.has("ClusterId")) {
      cluster = attrs;
      full = new Map(attrs);
    } else {
      if (!cluster) throw new Error("dry-run output starts with a job that has no cluster ad");
      full = new Map([...cluster, ...attrs]);
    }
    jobs.push({
      clusterId: Number(full.get("ClusterId")),
      procId: Number(full.get("ProcId")),
      attributes: full,
    });
  }
  return jobs;
}

const NORMALIZER = `
import sys, json, classad2
out = []
for pairs in json.load(sys.stdin):
    res = {}
    for name, text in pairs:
        try:
            ad = classad2.parseOne(name + " = " + text + "\\n", classad2.ParserType.Old)
            expr = ad.lookup(name)
            res[name] = str(expr)
        except Exception as ex:
            res[name] = "PARSE-ERROR: " + repr(ex)
    out.append(res)
print(json.dumps(out))
`;

/** A scratch directory inside the rootfs where submit files are written and condor_submit runs as `nobody`. */
export class DryRunWorkspace {
  readonly rootfs: string;
  /** The directory as seen on this host. */
  readonly hostDir: string;
  /** The same directory as seen inside the rootfs (condor_submit's working directory). */
  readonly dir: string;
  /** Environment condor_submit runs with (and the expansion should be given). */
  readonly env: Record<string, string> = {
    PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
    HOME: "/nonexistent",
    BSAAS_TEST_VAR: "from-env",
    LANG: "C",
  };

  constructor() {
    this.rootfs = requireCondorRootfs();
    this.hostDir = mkdtempSync(join(this.rootfs, "tmp", "bsaas-submit-test-"));
    chmodSync(this.hostDir, 0o777);
    this.dir = this.hostDir.slice(this.rootfs.length);
  }

  /** Writes a file into the workspace (readable by everybody). */
  write(name: string, content: string): void {
    const path = join(this.hostDir, name);
    writeFileSync(path, content);
    chmodSync(path, 0o666);
  }

  /** Creates a directory (and its parents) in the workspace, writable by everybody. */
  mkdir(name: string): void {
    mkdirSync(join(this.hostDir, name), { recursive: true, mode: 0o777 });
  }

  /** Reads an HTCondor configuration value of the rootfs. */
  config(name: string): string {
    return execFileSync("chroot", [this.rootfs, "condor_config_val", name], { encoding: "utf8" }).trim();
  }

  /** Runs `condor_submit -dry-run` on submit text; returns the jobs or condor_submit's complaint. */
  dryRun(submitText: string, file = "job.sub"): { jobs: DryRunJob[]; stderr: string; status: number | null } {
    this.write(file, submitText);
    const out = `${this.dir}/dry-run.out`;
    rmSync(join(this.hostDir, "dry-run.out"), { force: true });
    const envArgs = Object.entries(this.env).map(([k, v]) => `${k}=${v}`);
    const result = spawnSync(
      "chroot",
      [
        "--userspec=nobody:nogroup",
        this.rootfs,
        "env",
        "-i",
        "-C",
        this.dir,
        ...envArgs,
        "condor_submit",
        "-dry-run",
        out,
        file,
      ],
      { encoding: "utf8" },
    );
    const outPath = join(this.hostDir, "dry-run.out");
    const jobs =
      result.status === 0 && existsSync(outPath) ? parseDryRunOutput(readFileSync(outPath, "utf8")) : [];
    return { jobs, stderr: `${result.stderr}${result.stdout}`, status: result.status };
  }

  /** Normalises expression text with HTCondor's classad2 (old-syntax parse, new-syntax print), per attribute. */
  normalize(ads: readonly (readonly [string, string])[][]): Record<string, string>[] {
    const result = spawnSync("chroot", [this.rootfs, "python3", "-c", NORMALIZER], {
      input: JSON.stringify(ads),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) throw new Error(`classad2 normaliser failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as Record<string, string>[];
  }

  /** Size of a file as condor_submit sees it (inside the rootfs). */
  fileSize = (path: string): number | undefined => {
    try {
      const text = execFileSync("chroot", [this.rootfs, "stat", "-L", "-c", "%s", path], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      });
      return Number(text.trim());
    } catch {
      return undefined;
    }
  };

  cleanup(): void {
    rmSync(this.hostDir, { recursive: true, force: true });
  }
}
