import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { startLoopbackServer } from "./server.js";

describe("startLoopbackServer", () => {
  it("serves on a free loopback port and answers requests", async () => {
    const server = await startLoopbackServer((req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ path: req.url }));
    });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.port).toBeGreaterThan(0);
      const res = await fetch(`${server.url}/v2/info`);
      expect(await res.json()).toEqual({ path: "/v2/info" });
    } finally {
      await server.close();
    }
  });

  it("answers 500 with a JSON message when the handler throws", async () => {
    const server = await startLoopbackServer(() => {
      throw new Error("boom");
    });
    try {
      const res = await fetch(server.url);
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ message: "internal emulator error: boom" });
    } finally {
      await server.close();
    }
  });

  it("closes promptly while a streaming response is still open, and frees the port", async () => {
    const server = await startLoopbackServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write(": connected\n\n");
    });
    const ended = new Promise<void>((resolve) => {
      request(server.url, (res) => {
        res.once("data", () => void server.close());
        res.on("close", resolve);
        res.resume();
      }).end();
    });
    await ended;
    await server.close();
    const again = await startLoopbackServer((_req, res) => void res.end(), { port: server.port });
    expect(again.port).toBe(server.port);
    await again.close();
  });

  it("refuses a non-loopback address unless asked", async () => {
    await expect(startLoopbackServer(() => {}, { host: "0.0.0.0" })).rejects.toThrow(
      /loopback addresses only/,
    );
  });
});
