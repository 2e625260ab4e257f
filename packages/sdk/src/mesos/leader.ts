import { createRequire } from "node:module";
import type { Client as ZooKeeperClient } from "node-zookeeper-client";
import { BsaasError } from "../errors.js";
import { HttpClient, type HttpClientOptions } from "../http/client.js";
import { AbortedError } from "../http/errors.js";

// node-zookeeper-client is CommonJS.
const require = createRequire(import.meta.url);

/** Where a Mesos leader was found. */
export interface MesosLeader {
  /** The leader's base URL, e.g. `http://10.0.0.5:5050`. */
  url: string;
  /** How it was found. */
  via: "redirect" | "zookeeper";
  /** The master's `MasterInfo`, when it came from ZooKeeper. */
  masterInfo?: Record<string, unknown>;
}

/** A parsed `zk://host:port[,host:port...]/path` address. */
export interface ZooKeeperAddress {
  connectString: string;
  path: string;
}

/** Options of leader detection. */
export interface DetectLeaderOptions extends Omit<HttpClientOptions, "service" | "baseUrl"> {
  signal?: AbortSignal;
  /** Give up after this long. Default 15 000 ms. */
  timeoutMs?: number;
  /** Scheme for the leader's URL when it comes from ZooKeeper. Default `http`. */
  scheme?: "http" | "https";
}

/** True for `zk://` addresses. */
export function isZooKeeperUrl(url: string): boolean {
  return url.startsWith("zk://");
}

/**
 * Parses `zk://h1:2181,h2:2181/mesos`.
 *
 * @throws {BsaasError} `MESOS_ZK_URL_INVALID` naming what is wrong.
 */
export function parseZooKeeperUrl(url: string): ZooKeeperAddress {
  const match = /^zk:\/\/([^/\s]+)(\/[^\s]*)$/.exec(url);
  const hosts = match?.[1]?.split(",") ?? [];
  if (!match || hosts.length === 0 || hosts.some((h) => !/^[^:\s]+(:\d{1,5})?$/.test(h))) {
    throw new BsaasError("MESOS_ZK_URL_INVALID", `Not a ZooKeeper address: ${url}`, {
      hint: "Write it as zk://host:port[,host:port...]/path, e.g. zk://zk1:2181,zk2:2181/mesos.",
    });
  }
  const path = (match[2] ?? "/mesos").replace(/\/+$/, "") || "/";
  return { connectString: hosts.map((h) => (h.includes(":") ? h : `${h}:2181`)).join(","), path };
}

/**
 * Finds the leading Mesos master. For an http(s) URL it asks `/master/redirect` (answered by every master with a 307
 * to the leader); for a `zk://` address it reads the masters' `json.info_*` znodes and takes the lowest sequence.
 *
 * @example
 * const { url } = await detectLeader("zk://127.0.0.1:2181/mesos");
 * @throws {BsaasError} `MESOS_NO_LEADER` when no master leads, or the errors of the transport.
 */
export async function detectLeader(url: string, options: DetectLeaderOptions = {}): Promise<MesosLeader> {
  if (isZooKeeperUrl(url)) {
    const watcher = new ZooKeeperLeaderWatcher(parseZooKeeperUrl(url), options);
    try {
      return await watcher.current(options);
    } finally {
      watcher.close();
    }
  }
  const { signal, timeoutMs, scheme: _scheme, ...http } = options;
  const client = new HttpClient({
    ...http,
    service: "Mesos",
    baseUrl: url,
    ...(timeoutMs ? { timeoutMs } : {}),
  });
  const res = await client.request({
    method: "GET",
    path: "/master/redirect",
    followRedirects: false,
    signal,
  });
  const location = res.headers.location;
  if (!location) return { url: client.baseUrl, via: "redirect" };
  const target = new URL(location, client.baseUrl);
  return { url: target.origin, via: "redirect" };
}

/** The URL of a master described by a `MasterInfo` znode (API.md §6: prefer `address`, else hostname/ip). */
export function masterUrlFromInfo(info: Record<string, unknown>, scheme: "http" | "https" = "http"): string {
  const address = info.address as { ip?: string; hostname?: string; port?: number } | undefined;
  const port = address?.port ?? (info.port as number | undefined) ?? 5050;
  let host = address?.ip ?? address?.hostname ?? (info.hostname as string | undefined);
  if (!host && typeof info.ip === "number") {
    // The numeric ip is the IPv4 address in network byte order read as a little-endian uint32.
    const ip = info.ip >>> 0;
    host = [ip & 255, (ip >>> 8) & 255, (ip >>> 16) & 255, ip >>> 24].join(".");
  }
  if (!host)
    throw new BsaasError("MESOS_MASTER_INFO_INVALID", "A Mesos master's ZooKeeper entry has no address");
  return `${scheme}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/**
 * Watches a Mesos ZooKeeper group: the leader is the `json.info_<seq>` member with the lowest sequence, re-read on
 * every change of the group. `changes()` yields each new leader; `current()` waits for one.
 */
export class ZooKeeperLeaderWatcher {
  private readonly client: ZooKeeperClient;
  private readonly connected: Promise<void>;
  private leader: MesosLeader | undefined;
  private readonly listeners = new Set<(leader: MesosLeader | undefined) => void>();
  private closed = false;

  constructor(
    private readonly address: ZooKeeperAddress,
    private readonly options: { scheme?: "http" | "https"; timeoutMs?: number } = {},
  ) {
    const zookeeper = require("node-zookeeper-client") as typeof import("node-zookeeper-client");
    this.client = zookeeper.createClient(address.connectString, { sessionTimeout: 10_000, retries: 2 });
    this.connected = new Promise((resolve) => this.client.once("connected", () => resolve()));
    this.client.connect();
    void this.connected.then(() => this.refresh());
  }

  /** The current leader, waiting until one is known. */
  async current(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<MesosLeader> {
    if (this.leader) return this.leader;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 15_000;
    return new Promise<MesosLeader>((resolve, reject) => {
      const done = (error?: Error, leader?: MesosLeader) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        options.signal?.removeEventListener("abort", onAbort);
        if (error) reject(error);
        else resolve(leader as MesosLeader);
      };
      const listener = (leader: MesosLeader | undefined) => leader && done(undefined, leader);
      const onAbort = () => done(new AbortedError("waiting for a Mesos leader in ZooKeeper"));
      const timer = setTimeout(
        () =>
          done(
            new BsaasError(
              "MESOS_NO_LEADER",
              `No Mesos master leads in zk://${this.address.connectString}${this.address.path}`,
              {
                hint: "Check that the masters run with --zk pointing at this path, and that ZooKeeper is reachable.",
              },
            ),
          ),
        timeoutMs,
      );
      this.listeners.add(listener);
      options.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Calls `listener` with every new leader (undefined while there is none). Returns a function that stops it. */
  onChange(listener: (leader: MesosLeader | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.listeners.clear();
    this.client.close();
  }

  private refresh(): void {
    if (this.closed) return;
    this.client.getChildren(
      this.address.path,
      () => this.refresh(),
      (error, children) => {
        if (this.closed) return;
        if (error) {
          // The group may not exist yet: watch for it to appear.
          this.client.exists(
            this.address.path,
            () => this.refresh(),
            () => {},
          );
          this.set(undefined);
          return;
        }
        const lowest = children
          .filter((c) => /^json\.info_\d+$/.test(c))
          .sort((a, b) => Number(a.slice(10)) - Number(b.slice(10)))[0];
        if (!lowest) return this.set(undefined);
        this.client.getData(`${this.address.path}/${lowest}`, (dataError, data) => {
          if (this.closed) return;
          if (dataError || !data) return this.refresh();
          try {
            const info = JSON.parse(data.toString("utf8")) as Record<string, unknown>;
            this.set({
              url: masterUrlFromInfo(info, this.options.scheme),
              via: "zookeeper",
              masterInfo: info,
            });
          } catch {
            this.set(undefined);
          }
        });
      },
    );
  }

  private set(leader: MesosLeader | undefined): void {
    if (leader?.url === this.leader?.url && (leader === undefined) === (this.leader === undefined)) return;
    this.leader = leader;
    for (const listener of [...this.listeners]) listener(leader);
  }
}
