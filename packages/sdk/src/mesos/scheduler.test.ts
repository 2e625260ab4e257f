// MesosScheduler against a scripted master: the stream id on calls, re-subscription with the framework id when
// heart-beats stop, and a scheme-less 307 to the leader. The emulator integration tests cover offers and failover.
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type SeenRequest, serve, type TestServer } from "../../test/support/http-server.js";
import { encodeRecordIO } from "./recordio.js";
import { MesosScheduler } from "./scheduler.js";

const servers: TestServer[] = [];
const schedulers: MesosScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) s.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const subscribed = (heartbeat: number) =>
  encodeRecordIO(
    JSON.stringify({
      type: "SUBSCRIBED",
      subscribed: { framework_id: { value: "fw-1" }, heartbeat_interval_seconds: heartbeat },
    }),
  );

function stream(res: ServerResponse, id: string, records: Buffer[]) {
  res.writeHead(200, { "content-type": "application/json", "mesos-stream-id": id });
  res.flushHeaders();
  for (const r of records) res.write(r);
}

describe("MesosScheduler", () => {
  it("re-subscribes with its framework id when heart-beats stop, and sends calls with the new stream id", async () => {
    let subscriptions = 0;
    const calls: SeenRequest[] = [];
    const server = await serve((req, res) => {
      const body = JSON.parse(req.body) as { type: string };
      if (body.type === "SUBSCRIBE") stream(res, `stream-${++subscriptions}`, [subscribed(0.05)]);
      else {
        calls.push(req);
        res.writeHead(202);
        res.end();
      }
    });
    servers.push(server);
    const scheduler = new MesosScheduler({
      master: server.url,
      framework: { name: "t", user: "nobody" },
      reconnect: { baseDelayMs: 1, maxDelayMs: 5 },
    });
    schedulers.push(scheduler);
    const kinds: string[] = [];
    for await (const item of scheduler.events()) {
      kinds.push(item.kind === "event" ? item.event.type : item.kind);
      if (item.kind === "resubscribed") break;
    }
    expect(kinds).toEqual(["SUBSCRIBED", "SUBSCRIBED", "resubscribed"]);
    const second = JSON.parse(server.requests[1]?.body ?? "{}");
    expect(second).toMatchObject({
      type: "SUBSCRIBE",
      framework_id: { value: "fw-1" },
      subscribe: { framework_info: { id: { value: "fw-1" } } },
    });
    await scheduler.decline(["offer-1"], { refuse_seconds: 30 });
    expect(calls[0]?.headers["mesos-stream-id"]).toBe("stream-2");
    expect(JSON.parse(calls[0]?.body ?? "{}")).toEqual({
      framework_id: { value: "fw-1" },
      type: "DECLINE",
      decline: { offer_ids: [{ value: "offer-1" }], filters: { refuse_seconds: 30 } },
    });
  });

  it("follows a non-leader's scheme-less 307 with the SUBSCRIBE body", async () => {
    const leader = await serve((_req, res) => stream(res, "s", [subscribed(15)]));
    const follower = await serve((req, res) => {
      res.writeHead(307, { location: `//127.0.0.1:${leader.port}${req.url}` });
      res.end();
    });
    servers.push(leader, follower);
    const scheduler = new MesosScheduler({ master: follower.url, framework: { name: "t", user: "nobody" } });
    schedulers.push(scheduler);
    for await (const item of scheduler.events()) {
      expect(item).toMatchObject({ kind: "event", event: { type: "SUBSCRIBED" } });
      break;
    }
    expect(JSON.parse(leader.requests[0]?.body ?? "{}")).toMatchObject({
      type: "SUBSCRIBE",
      subscribe: { framework_info: { name: "t" } },
    });
  });

  it("refuses calls before it is subscribed", async () => {
    const scheduler = new MesosScheduler({
      master: "http://127.0.0.1:1",
      framework: { name: "t", user: "nobody" },
    });
    schedulers.push(scheduler);
    await expect(scheduler.revive()).rejects.toThrow("the scheduler is not subscribed");
  });
});
