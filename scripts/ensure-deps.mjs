// Installs the locked dependencies when they are missing (a fresh clone), so `npm start` and `npm test` work as the
// first command. Uses only Node built-ins: nothing else is installed yet when it runs.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";

export function ensureDependencies(root) {
  const marker = join(root, "node_modules", ".package-lock.json");
  const lock = join(root, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log("▶ installing dependencies: npm ci");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error("npm ci failed; see the output above (the npm registry must be reachable).");
    process.exit(result.status ?? 1);
  }
}

/**
 * Debian packages the test suites run for real: ZooKeeper (Mesos leader detection). Installed with apt-get when
 * missing and running as root; otherwise the exact command is printed and the run stops.
 */
const SYSTEM_PACKAGES = [{ name: "zookeeper", check: "/usr/share/java/zookeeper.jar" }];

export function ensureSystemPackages() {
  const missing = SYSTEM_PACKAGES.filter((p) => !existsSync(p.check)).map((p) => p.name);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    console.error(
      `Missing Debian packages: ${missing.join(", ")}. Install them as root: apt-get update && ${command}`,
    );
    process.exit(1);
  }
  console.log(`▶ installing Debian packages: ${missing.join(", ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [
    ["update", "-qq"],
    ["install", "-y", "-qq", "--no-install-recommends", ...missing],
  ]) {
    const result = spawnSync("apt-get", args, { stdio: "inherit", env });
    if (result.status !== 0) {
      console.error(`apt-get ${args.join(" ")} failed; see the output above.`);
      process.exit(result.status ?? 1);
    }
  }
}

/**
 * A real HTCondor for the suites: `scripts/provision-htcondor` uses one on PATH, or builds (once; cached) a Debian
 * rootfs with Debian's condor package. Building needs root; otherwise the script says what to run, and the run stops.
 */
export function ensureHTCondor(root) {
  const result = spawnSync(join(root, "scripts", "provision-htcondor"), [], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error("HTCondor is not available; see the output above.");
    process.exit(result.status ?? 1);
  }
}
