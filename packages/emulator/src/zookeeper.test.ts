import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { startZooKeeper } from "./zookeeper.js";

const require = createRequire(import.meta.url);
const zookeeper = require("node-zookeeper-client") as typeof import("node-zookeeper-client");

describe("startZooKeeper", () => {
  it("runs a real ZooKeeper that clients can use, and stops it", async () => {
    const zk = await startZooKeeper();
    try {
      const client = zookeeper.createClient(zk.connectString);
      await new Promise<void>((resolve) => {
        client.once("connected", () => resolve());
        client.connect();
      });
      const path = await new Promise<string>((resolve, reject) =>
        client.create("/bsaas-test", Buffer.from("hi"), zookeeper.CreateMode.EPHEMERAL, (e, p) =>
          e ? reject(e) : resolve(p),
        ),
      );
      expect(path).toBe("/bsaas-test");
      client.close();
    } finally {
      await zk.close();
    }
    await expect(fetch(`http://${zk.connectString}`)).rejects.toThrow();
  });
});
