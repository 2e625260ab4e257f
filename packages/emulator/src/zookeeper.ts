import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Where Debian's `zookeeper` package puts the server. */
export const ZOOKEEPER_CLASSPATH = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar";
const ZOOKEEPER_JAR = "/usr/share/java/zookeeper.jar";

/** Options of {@link startZooKeeper}. */
export interface ZooKeeperOptions {
  /** Client port on 127.0.0.1; default a free one. */
  port?: number;
  /** Data directory; default a new temporary one, removed on close. */
  dataDir?: string;
  /** How long to wait for the server to answer. Default 30 s. */
  startTimeoutMs?: number;
}

/** A running ZooKeeper server. */
export interface ZooKeeperServer {
  /** `127.0.0.1:<port>`, for clients and for `zk://` URLs. */
  readonly connectString: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server (SIGTERM, then SIGKILL) and removes a temporary data directory. */
  close(): Promise<void>;
}

/**
 * Starts a real ZooKeeper (Debian's `zookeeper` package) standalone on loopback, for leader detection in tests and on
 * one machine. Resolves once the server answers `ruok` with `imok`.
 *
 * @throws {Error} when the package is not installed (with the command that installs it), or it does not start in time.
 */
export async function startZooKeeper(options: ZooKeeperOptions = {}): Promise<ZooKeeperServer> {
  if (!existsSync(ZOOKEEPER_JAR)) {
    throw new Error(
      `ZooKeeper is not installed (${ZOOKEEPER_JAR} is missing): run \`apt-get install --no-install-recommends zookeeper\` as root (npm test does it)`,
    );
  }
  const port = options.port ?? (await freePort());
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "bsaas-zk-"));
  const child = spawn(
    "java",
    [
      "-Xmx256m",
      "-Dzookeeper.admin.enableServer=false",
      "-Dzookeeper.4lw.commands.whitelist=ruok",
      "-cp",
      ZOOKEEPER_CLASSPATH,
      "org.apache.zookeeper.server.ZooKeeperServerMain",
      String(port),
      dataDir,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const close = async () => {
    await stop(child, exited);
    if (ownDir) rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await ruok(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(
        `ZooKeeper did not start on 127.0.0.1:${port}: ${stderr.trim() || `exit ${child.exitCode}`}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { connectString: `127.0.0.1:${port}`, port, dataDir, close };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function ruok(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let answer = "";
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("connect", () => socket.write("ruok"));
    socket.on("data", (d) => {
      answer += d.toString();
    });
    socket.on("close", () => resolve(answer === "imok"));
    socket.on("error", () => resolve(false));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
