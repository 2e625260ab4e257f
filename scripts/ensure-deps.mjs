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
