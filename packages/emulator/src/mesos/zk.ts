import { createRequire } from "node:module";
import type * as ZooKeeper from "node-zookeeper-client";
import { isRecord, type MesosObject } from "./json.js";

const require = createRequire(import.meta.url);
const zookeeper = require("node-zookeeper-client") as typeof ZooKeeper;

/** Where masters register: a ZooKeeper connect string and the group path (Mesos' `--zk=zk://host:port/mesos`). */
export interface MesosZooKeeperOptions {
  connectString: string;
  /** Default `/mesos`. */
  path?: string;
  /** ZooKeeper session timeout (default 10 000 ms, Mesos' `--zk_session_timeout`). */
  sessionTimeoutMs?: number;
}

/** What the group says about leadership: this member leads, or another does (its MasterInfo), or nobody. */
export type LeadershipChange = { self: true } | { self: false; leader: MesosObject | undefined };

const PREFIX = "json.info_";

function promisify<T>(run: (done: (error: unknown, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    run((error, value) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(value),
    );
  });
}

/** The sequence number of a `json.info_<seq>` node. */
function sequenceOf(name: string): number {
  return Number(name.slice(PREFIX.length));
}

/**
 * Membership of one master in the Mesos ZooKeeper group, as Mesos does it: an EPHEMERAL_SEQUENTIAL znode
 * `json.info_<seq>` holding the MasterInfo JSON; the member with the lowest sequence leads. The children are watched,
 * and every change is reported (self leads, or who does).
 */
export class ZooKeeperMembership {
  private readonly client: ZooKeeper.Client;
  private readonly path: string;
  private node: string | undefined;
  private closed = false;
  private lastReport = "";

  constructor(
    private readonly options: MesosZooKeeperOptions,
    private readonly onChange: (change: LeadershipChange) => void,
  ) {
    this.path = (options.path ?? "/mesos").replace(/\/+$/, "") || "/";
    this.client = zookeeper.createClient(options.connectString, {
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      spinDelay: 200,
      retries: 3,
    });
    this.client.on("error", () => {});
  }

  /** The znode of this master (`/mesos/json.info_0000000003`), once registered. */
  get znode(): string | undefined {
    return this.node;
  }

  /** Connects, creates the znode with `info` and starts watching. Rejects when ZooKeeper cannot be reached. */
  async join(info: MesosObject, timeoutMs = 15_000): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.client.close();
        reject(new Error(`could not connect to ZooKeeper at ${this.options.connectString}`));
      }, timeoutMs);
      this.client.once("connected", () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.connect();
    });
    await promisify<string>((done) => this.client.mkdirp(this.path, done));
    const prefix = `${this.path === "/" ? "" : this.path}/${PREFIX}`;
    this.node = await promisify<string>((done) =>
      this.client.create(
        prefix,
        Buffer.from(JSON.stringify(info), "utf8"),
        zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
        done,
      ),
    );
    this.watch();
  }

  private watch(): void {
    if (this.closed) return;
    this.client.getChildren(
      this.path,
      () => this.watch(),
      (error, children) => {
        if (this.closed || error) return;
        const members = children
          .filter((name) => name.startsWith(PREFIX))
          .sort((a, b) => sequenceOf(a) - sequenceOf(b));
        const lowest = members[0];
        if (lowest === undefined) {
          this.report({ self: false, leader: undefined });
          return;
        }
        const full = `${this.path === "/" ? "" : this.path}/${lowest}`;
        if (full === this.node) {
          this.report({ self: true });
          return;
        }
        this.client.getData(full, (dataError, data) => {
          if (this.closed) return;
          if (dataError) {
            // The leader's node went away between the two reads: the children watch fires again.
            return;
          }
          let leader: MesosObject | undefined;
          try {
            const parsed: unknown = JSON.parse(data.toString("utf8"));
            leader = isRecord(parsed) ? (parsed as MesosObject) : undefined;
          } catch {
            leader = undefined;
          }
          this.report({ self: false, leader });
        });
      },
    );
  }

  private report(change: LeadershipChange): void {
    const key = JSON.stringify(change);
    if (key === this.lastReport) return;
    this.lastReport = key;
    this.onChange(change);
  }

  /** Ends the session: the ephemeral znode disappears at once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }
}
