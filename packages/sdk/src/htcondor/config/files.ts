/**
 * File access for the configuration parser: resolves `include : /etc/condor/condor_config` and the
 * `LOCAL_CONFIG_DIR` listing against the real filesystem, optionally below a root directory (a chroot such as the
 * provisioned HTCondor rootfs, where the paths in the configuration are absolute inside the chroot).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";

function resolve(root: string | undefined, path: string): string {
  if (!root) return path;
  return join(root, isAbsolute(path) ? path.slice(1) : path);
}

/**
 * A `read` function for {@link parseCondorConfig}: returns the file's text, or undefined when it does not exist
 * (or is a directory). With `root`, absolute paths are taken inside that directory. Relative paths are relative to
 * the process's working directory, as HTCondor's own include is.
 */
export function fileReader(root?: string): (path: string) => string | undefined {
  return (path) => {
    const full = resolve(root, path);
    try {
      if (!statSync(full).isFile()) return undefined;
      return readFileSync(full, "utf8");
    } catch {
      return undefined;
    }
  };
}

/** A directory lister for `ParseConfigOptions.localConfig` (file names only, no sub-directories). */
export function directoryLister(root?: string): { listDir(path: string): string[] | undefined } {
  return {
    listDir(path) {
      try {
        return readdirSync(resolve(root, path), { withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => d.name);
      } catch {
        return undefined;
      }
    },
  };
}
