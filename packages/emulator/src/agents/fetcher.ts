import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { TaskFetchUri } from "./runner.js";

/** Options of {@link fetchUris}. */
export interface FetchUrisOptions {
  /** Aborts downloads, copies and extractions (the task was killed or the runner closed). */
  signal?: AbortSignal;
  /** Receives progress lines (the runner writes them to the sandbox's `stderr`, like `mesos-fetcher`). */
  log?: (line: string) => void;
}

/** Archive suffixes Mesos' fetcher extracts with libarchive (`src/launcher/fetcher.cpp`), and how we do it. */
const ARCHIVES: readonly { suffix: string; tool: "tar" | "unzip" }[] = [
  { suffix: ".tar", tool: "tar" },
  { suffix: ".tgz", tool: "tar" },
  { suffix: ".tar.gz", tool: "tar" },
  { suffix: ".tbz2", tool: "tar" },
  { suffix: ".tar.bz2", tool: "tar" },
  { suffix: ".txz", tool: "tar" },
  { suffix: ".tar.xz", tool: "tar" },
  { suffix: ".zip", tool: "unzip" },
];

/** File modes: fetched files may be secrets (HTCondor tokens), so they are never readable by others. */
const FILE_MODE = 0o600;
const EXECUTABLE_MODE = 0o700;

/**
 * Fetches URIs into a sandbox like the Mesos fetcher (`mesos-fetcher`, bypassing its cache): each lands at
 * `<sandbox>/<basename of the URI>` or `<sandbox>/<outputFile>`, mode 0600 (0700 when `executable`), archives are
 * extracted into the sandbox when `extract` (default true) and not `executable`. Sources are read on this host:
 * `file:///abs`, `file://localhost/abs`, `/abs`, `http://`, `https://`. Rejects with the first failure, worded like
 * `mesos-fetcher` (`Failed to fetch '<uri>': <why>`).
 */
export async function fetchUris(
  uris: readonly TaskFetchUri[],
  sandbox: string,
  options: FetchUrisOptions = {},
): Promise<void> {
  const log = options.log ?? (() => {});
  for (const uri of uris) {
    log(`Fetching URI '${uri.value}'`);
    let fetched: string;
    try {
      // `cache` is ignored: the emulator has no fetcher cache, every URI is fetched straight into the sandbox.
      fetched = await fetchOne(uri, sandbox, options.signal);
    } catch (error) {
      throw new Error(`Failed to fetch '${uri.value}': ${describe(error)}`);
    }
    log(`Fetched '${uri.value}' to '${fetched}'`);
  }
  log(`Successfully fetched all URIs into '${sandbox}'`);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = {
    ENOENT: "No such file or directory",
    EACCES: "Permission denied",
    EISDIR: "Is a directory",
    ENOTDIR: "Not a directory",
  };
  const path = (error as NodeJS.ErrnoException).path;
  if (code !== undefined && known[code] !== undefined)
    return path === undefined ? known[code] : `${known[code]}: '${path}'`;
  return error.message;
}

/** The file name Mesos gives a URI (`Fetcher::basename`: the text after the last `/`, query string included). */
function uriBasename(uri: string): string {
  const index = uri.indexOf("://");
  if (index > 1) {
    const path = uri.slice(index + 3);
    const slash = path.indexOf("/");
    if (slash < 0 || path.length <= slash + 1) throw new Error(`Malformed URI (missing path): ${uri}`);
    return path.slice(path.lastIndexOf("/") + 1);
  }
  return basename(uri);
}

/** The host path of a local URI, or undefined for a network URI (`Fetcher::uriToLocalPath`). */
function localPath(uri: string): string | undefined {
  if (!uri.startsWith("file://") && uri.includes("://")) return undefined;
  let path = uri;
  let fileUri = false;
  if (path.startsWith("file://localhost")) {
    path = path.slice("file://localhost".length);
    fileUri = true;
  } else if (path.startsWith("file://")) {
    path = path.slice("file://".length);
    fileUri = true;
  }
  if (fileUri && !path.startsWith("/")) throw new Error("File URI only supports absolute paths");
  if (!path.startsWith("/")) {
    throw new Error(
      "A relative path was passed for the resource but the Mesos framework home was not specified. " +
        "Please either provide this config option or avoid using a relative path",
    );
  }
  return path;
}

/** Where a URI lands in the sandbox; an `outputFile` may name subdirectories (created) but not leave the sandbox. */
function destinationOf(uri: TaskFetchUri, sandbox: string): string {
  const name = uri.outputFile ?? uriBasename(uri.value);
  const destination = resolve(sandbox, `.${sep}${name.replace(/^\/+/, "")}`);
  const inside = relative(sandbox, destination);
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === "..") {
    throw new Error(
      uri.outputFile === undefined
        ? `Malformed URI (missing file name): ${uri.value}`
        : `output file '${uri.outputFile}' is not a file inside the sandbox`,
    );
  }
  return destination;
}

async function fetchOne(
  uri: TaskFetchUri,
  sandbox: string,
  signal: AbortSignal | undefined,
): Promise<string> {
  const value = uri.value.trimStart();
  if (/[\\'\0]/.test(value)) throw new Error("Illegal characters in URI");
  const destination = destinationOf({ ...uri, value }, sandbox);
  mkdirSync(dirname(destination), { recursive: true });
  const mode = uri.executable === true ? EXECUTABLE_MODE : FILE_MODE;
  const source = localPath(value);
  if (source !== undefined) {
    await writeAtomically(destination, mode, () => createReadStream(source), signal);
  } else if (value.startsWith("http://") || value.startsWith("https://")) {
    let response: Response;
    try {
      response = await fetch(value, { redirect: "follow", ...(signal ? { signal } : {}) });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : describe(error);
      throw new Error(`Error downloading resource: ${cause}`);
    }
    if (response.status !== 200 || response.body === null) {
      await response.body?.cancel();
      throw new Error(`Error downloading resource, received HTTP return code ${response.status}`);
    }
    const body = response.body as WebReadableStream<Uint8Array>;
    await writeAtomically(destination, mode, () => Readable.fromWeb(body), signal);
  } else {
    throw new Error(
      `unsupported URI scheme (the emulator's fetcher takes file://, absolute paths, http:// and https://): ${value}`,
    );
  }
  if (uri.executable !== true && uri.extract !== false) await extract(destination, sandbox, signal);
  return destination;
}

/**
 * Writes a stream to a new private temporary file beside `destination`, sets `mode`, and renames it into place: the
 * content is never readable by others, even for a moment or when an older file of the same name was.
 */
async function writeAtomically(
  destination: string,
  mode: number,
  open: () => NodeJS.ReadableStream,
  signal: AbortSignal | undefined,
): Promise<void> {
  const temporary = join(dirname(destination), `.fetch-${randomBytes(6).toString("hex")}.tmp`);
  try {
    const output = createWriteStream(temporary, { flags: "wx", mode: FILE_MODE });
    await pipeline(open(), output, signal ? { signal } : {});
    chmodSync(temporary, mode);
    renameSync(temporary, destination);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Extracts an archive into the sandbox (Mesos: `extract()` in `src/launcher/fetcher.cpp`); other files stay as they are. */
async function extract(path: string, sandbox: string, signal: AbortSignal | undefined): Promise<void> {
  const archive = ARCHIVES.find((a) => path.endsWith(a.suffix));
  if (archive) {
    // Owners in the archive are not restored (libarchive without ARCHIVE_EXTRACT_OWNER, like Mesos); modes are.
    const argv =
      archive.tool === "tar"
        ? ["tar", "-x", "--no-same-owner", "-f", path, "-C", sandbox]
        : ["unzip", "-o", "-q", path, "-d", sandbox];
    try {
      await run(argv, signal);
    } catch (error) {
      throw new Error(`Failed to extract archive '${path}' to '${sandbox}': ${describe(error)}`);
    }
    return;
  }
  if (path.endsWith(".gz")) {
    // A bare gzip file: Mesos leaves it to `gunzip -d -c`, writing `<sandbox>/<name without .gz>`.
    const target = join(sandbox, basename(path.slice(0, -3)));
    const temporary = join(sandbox, `.fetch-${randomBytes(6).toString("hex")}.tmp`);
    const fd = openSync(temporary, "wx", FILE_MODE);
    try {
      await run(["gzip", "-d", "-c", path], signal, fd);
      chmodSync(temporary, FILE_MODE);
      renameSync(temporary, target);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw new Error(`Failed to extract '${path}': ${describe(error)}`);
    } finally {
      closeSync(fd);
    }
  }
  // Anything else is kept as fetched: Mesos copies instead of extracting what does not look like an archive.
}

/** Runs a helper program; rejects with its stderr when it fails, and says so when it is not installed. */
function run(argv: readonly string[], signal: AbortSignal | undefined, stdout?: number): Promise<void> {
  const [file, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file ?? "", args, {
      stdio: ["ignore", stdout ?? "ignore", "pipe"],
      ...(signal ? { signal } : {}),
      killSignal: "SIGKILL",
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") reject(new Error(`'${file}' is not installed on this host`));
      else reject(error);
    });
    child.once("close", (code, signalName) => {
      if (code === 0) resolvePromise();
      else {
        const how = signalName ? `terminated with signal ${signalName}` : `exited with status ${code}`;
        const detail = stderr
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== "")
          .join("; ")
          .slice(0, 500);
        reject(new Error(`${file} ${how}${detail ? `: ${detail}` : ""}`));
      }
    });
  });
}
