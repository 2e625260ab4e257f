import { HttpClient, type HttpClientOptions } from "../http/client.js";
import { detectLeader, isZooKeeperUrl, parseZooKeeperUrl, ZooKeeperLeaderWatcher } from "./leader.js";

/** Options shared by the Mesos clients. */
export interface MesosConnectionOptions extends Omit<HttpClientOptions, "service" | "baseUrl"> {
  /** A master's URL (`http://master:5050`; any master, redirects lead to the leader) or `zk://h1:2181,h2:2181/mesos`. */
  master: string;
}

/**
 * The HTTP transport to the leading master. With an http(s) URL, the transport follows the 307s non-leaders answer;
 * with a `zk://` address the leader is read from ZooKeeper and re-read when it changes (`reset()` after a failure).
 */
export class MesosConnection {
  private client: HttpClient | undefined;
  private watcher: ZooKeeperLeaderWatcher | undefined;

  constructor(readonly options: MesosConnectionOptions) {
    if (isZooKeeperUrl(options.master)) {
      this.watcher = new ZooKeeperLeaderWatcher(parseZooKeeperUrl(options.master), {
        timeoutMs: options.timeoutMs,
      });
      this.watcher.onChange(() => {
        this.client = undefined;
      });
    }
  }

  /** The transport to the current leader. */
  async http(signal?: AbortSignal): Promise<HttpClient> {
    if (this.client) return this.client;
    const { master, ...rest } = this.options;
    const baseUrl = this.watcher ? (await this.watcher.current({ signal })).url : master;
    this.client = new HttpClient({ ...rest, service: "Mesos", baseUrl });
    return this.client;
  }

  /** Forgets the transport, so the next call finds the leader again. */
  reset(): void {
    if (this.watcher) this.client = undefined;
  }

  /** The leader's URL, as `/master/redirect` or ZooKeeper tell it. */
  async leaderUrl(signal?: AbortSignal): Promise<string> {
    if (this.watcher) return (await this.watcher.current({ signal })).url;
    const { master, ...rest } = this.options;
    return (await detectLeader(master, { ...rest, signal })).url;
  }

  close(): void {
    this.watcher?.close();
  }
}
