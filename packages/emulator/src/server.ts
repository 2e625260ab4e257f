import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** Handles one request. Throwing (or rejecting) answers 500 with a JSON body naming the error. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** Options for {@link startLoopbackServer}. */
export interface LoopbackServerOptions {
  /** Address to listen on; defaults to 127.0.0.1. Only loopback addresses are accepted unless `allowAnyHost` is set. */
  host?: string;
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Listen on a non-loopback address (for per-site test hosts in network namespaces). */
  allowAnyHost?: boolean;
}

/** A running server: its URL, and a `close()` that ends it without waiting on idle keep-alive connections. */
export interface LoopbackServer {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops accepting connections, ends open ones (streams included), and resolves once the port is free. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/;

/** Ports the Fetch standard blocks (https://fetch.spec.whatwg.org/#port-blocking) above 1023. */
const FETCH_BAD_PORTS: ReadonlySet<number> = new Set([
  1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697,
  10080,
]);

/**
 * Starts the HTTP server every emulated service (Marathon, Mesos master) is built on. It listens on loopback only by
 * default, on a free port unless one is given, and its `close()` also ends long-lived connections such as event
 * streams, so tests and `bsaas emulator start` always stop cleanly.
 *
 * @example
 * const server = await startLoopbackServer((req, res) => res.end("pong"));
 * await fetch(`${server.url}/ping`);
 * await server.close();
 * @throws {Error} when the host is not a loopback address (and `allowAnyHost` is not set), or the port is taken.
 */
export async function startLoopbackServer(
  handler: RequestHandler,
  options: LoopbackServerOptions = {},
): Promise<LoopbackServer> {
  const host = options.host ?? "127.0.0.1";
  if (!options.allowAnyHost && !LOOPBACK.test(host)) {
    throw new Error(
      `refusing to listen on ${host}: the emulator serves loopback addresses only (set allowAnyHost to override)`,
    );
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy(error instanceof Error ? error : undefined);
          return;
        }
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            message: `internal emulator error: ${error instanceof Error ? error.message : String(error)}`,
          }),
        );
      });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  // A free port picked by the system may be one that fetch() refuses to connect to (the Fetch standard's "bad
  // ports", e.g. 6000 or 10080, inside this machine's 1024-65535 ephemeral range): pick another.
  for (
    let attempt = 0;
    !options.port && FETCH_BAD_PORTS.has((server.address() as AddressInfo).port);
    attempt++
  ) {
    if (attempt >= 20) throw new Error("could not find a free port that fetch() accepts");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await listen(0);
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    host,
    port,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
