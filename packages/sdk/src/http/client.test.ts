import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { json, serve, type TestServer } from "../../test/support/http-server.js";
import { Secret } from "../secret.js";
import { HttpClient } from "./client.js";
import {
  AbortedError,
  HttpError,
  NetworkError,
  RequestValidationError,
  ResponseValidationError,
} from "./errors.js";

const servers: TestServer[] = [];
async function server(handler: Parameters<typeof serve>[0], tls?: Parameters<typeof serve>[1]) {
  const s = await serve(handler, tls);
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const fast = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };
const Info = z.object({ name: z.string(), version: z.string() });

describe("HttpClient.request", () => {
  it("parses the response with the schema", async () => {
    const s = await server((_req, res) => json(res, 200, { name: "marathon", version: "1.11.24" }));
    const http = new HttpClient({ service: "Marathon", baseUrl: `${s.url}/` });
    const { data, status } = await http.request({ method: "GET", path: "/v2/info", schema: Info });
    expect(status).toBe(200);
    expect(data).toEqual({ name: "marathon", version: "1.11.24" });
    expect(s.requests[0]).toMatchObject({ method: "GET", url: "/v2/info" });
    expect(s.requests[0]?.headers.accept).toBe("application/json");
  });

  it("keeps the base URL's path and encodes query parameters, repeating arrays", async () => {
    const s = await server((_req, res) => json(res, 200, {}));
    const http = new HttpClient({ service: "Marathon", baseUrl: `${s.url}/service/marathon` });
    await http.request({
      method: "GET",
      path: "v2/apps",
      query: { embed: ["apps.tasks", "apps.counts"], id: "a b", x: undefined },
    });
    expect(s.requests[0]?.url).toBe("/service/marathon/v2/apps?embed=apps.tasks&embed=apps.counts&id=a+b");
  });

  it("reports a response that does not match the schema, with field paths", async () => {
    const s = await server((_req, res) => json(res, 200, { name: "marathon", version: 7 }));
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url });
    const error = await http
      .request({ method: "GET", path: "/v2/info", schema: Info })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).issues).toEqual([
      { path: "/version", message: expect.stringContaining("string") },
    ]);
  });

  it("validates the body before sending and sends nothing when it is invalid", async () => {
    const s = await server((_req, res) => json(res, 201, {}));
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url });
    const bodySchema = z.strictObject({ id: z.string(), instances: z.number().int().min(0) });
    const error = await http
      .request({ method: "POST", path: "/v2/apps", body: { id: "/a", instances: -1 }, bodySchema })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as RequestValidationError).issues[0]?.path).toBe("/instances");
    expect(s.requests).toHaveLength(0);
    await http.request({ method: "POST", path: "/v2/apps", body: { id: "/a", instances: 1 }, bodySchema });
    expect(s.requests[0]?.body).toBe('{"id":"/a","instances":1}');
    expect(s.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it.each([
    [
      { type: "basic" as const, username: "bsaas", password: new Secret("pa55") },
      `Basic ${Buffer.from("bsaas:pa55").toString("base64")}`,
    ],
    [{ type: "dcos" as const, token: new Secret("tok-1") }, "token=tok-1"],
    [{ type: "bearer" as const, token: "tok-2" }, "Bearer tok-2"],
  ])("sends %o as the Authorization header", async (auth, header) => {
    const s = await server((_req, res) => json(res, 200, {}));
    await new HttpClient({ service: "Marathon", baseUrl: s.url, auth }).request({
      method: "GET",
      path: "/ping",
    });
    expect(s.requests[0]?.headers.authorization).toBe(header);
  });

  it("never puts credentials in errors or logs", async () => {
    const s = await server((_req, res) => json(res, 401, { message: "Unauthorized" }));
    const lines: string[] = [];
    const http = new HttpClient({
      service: "Marathon",
      baseUrl: `http://admin:url-pass@127.0.0.1:${s.port}`,
      auth: { type: "dcos", token: new Secret("super-secret-token") },
      logger: { debug: (message, fields) => lines.push(message + JSON.stringify(fields)) },
    });
    const error = await http
      .request({ method: "GET", path: "/v2/apps", query: { token: "query-secret" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    const everything = [
      String(error),
      JSON.stringify(error),
      (error as HttpError).stack ?? "",
      ...lines,
      http.baseUrl,
    ].join("\n");
    for (const secret of ["super-secret-token", "url-pass", "query-secret"])
      expect(everything).not.toContain(secret);
    expect((error as HttpError).status).toBe(401);
    expect((error as HttpError).hint).toMatch(/credentials/);
  });

  it("retries 503 with backoff and succeeds", async () => {
    let calls = 0;
    const s = await server((_req, res) =>
      ++calls <= 2 ? json(res, 503, { message: "Leader unavailable" }) : json(res, 200, { ok: 1 }),
    );
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url, retry: fast });
    const result = await http.request({ method: "POST", path: "/v2/apps", body: {} });
    expect(result.attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it("gives up after the retries with the last error", async () => {
    const s = await server((_req, res) =>
      json(res, 503, { message: "Could not determine the current leader" }),
    );
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url, retry: { ...fast, retries: 2 } });
    const error = (await http
      .request({ method: "GET", path: "/v2/apps" })
      .catch((e: unknown) => e)) as HttpError;
    expect(error).toBeInstanceOf(HttpError);
    expect(error.attempts).toBe(3);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("503 Could not determine the current leader");
  });

  it("resends a POST after a 502 only when the leader was never reached", async () => {
    const bodies = ["Connection to leader timed out.", "Could not determine the current leader"];
    for (const message of bodies) {
      let calls = 0;
      const s = await server((_req, res) =>
        ++calls === 1 ? json(res, 502, { message }) : json(res, 201, {}),
      );
      const http = new HttpClient({ service: "Marathon", baseUrl: s.url, retry: fast });
      const outcome = await http.request({ method: "POST", path: "/v2/apps", body: {} }).then(
        () => "sent twice",
        (e: HttpError) => `failed ${e.status}`,
      );
      expect(outcome).toBe(message.includes("timed out") ? "failed 502" : "sent twice");
    }
  });

  it("summarises an HTML error page", async () => {
    const s = await server((_req, res) => {
      res.writeHead(500, { "content-type": "text/html" });
      res.end(
        "<html><head><title>Error 500 Server Error</title></head><body><h2>HTTP ERROR 500</h2><pre>stack...</pre></body></html>",
      );
    });
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url, retry: { retries: 0 } });
    const error = (await http
      .request({ method: "GET", path: "/v2/apps" })
      .catch((e: unknown) => e)) as HttpError;
    expect(error.message).toBe(`Marathon GET ${s.url}/v2/apps failed: 500 Error 500 Server Error`);
  });

  it("follows a leader redirect with a scheme-less Location, keeps the credentials, and stays with the leader", async () => {
    const leader = await server((_req, res) => json(res, 200, { leader: true }));
    const follower = await server((req, res) => {
      res.writeHead(307, { location: `//127.0.0.1:${leader.port}${req.url}` });
      res.end();
    });
    const http = new HttpClient({
      service: "Mesos",
      baseUrl: follower.url,
      auth: { type: "bearer", token: "t" },
    });
    const first = await http.request({ method: "POST", path: "/api/v1", body: { type: "GET_STATE" } });
    expect(first.data).toEqual({ leader: true });
    expect(leader.requests[0]).toMatchObject({
      method: "POST",
      url: "/api/v1",
      body: '{"type":"GET_STATE"}',
    });
    expect(leader.requests[0]?.headers.authorization).toBe("Bearer t");
    expect(http.baseUrl).toBe(leader.url);
    await http.request({ method: "GET", path: "/health" });
    expect(follower.requests).toHaveLength(1);
    expect(leader.requests).toHaveLength(2);
  });

  it("times out, retries idempotent requests, then reports a NetworkError", async () => {
    const s = await server(() => {
      /* never answers */
    });
    const http = new HttpClient({
      service: "Marathon",
      baseUrl: s.url,
      timeoutMs: 50,
      retry: { ...fast, retries: 1 },
    });
    const error = (await http
      .request({ method: "GET", path: "/v2/apps" })
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.errno).toBe("ETIMEDOUT");
    expect(error.attempts).toBe(2);
    expect(s.requests).toHaveLength(2);
  });

  it("reports a refused connection with a hint naming the URL", async () => {
    const s = await server(() => {});
    const port = s.port;
    await s.close();
    const http = new HttpClient({
      service: "Marathon",
      baseUrl: `http://127.0.0.1:${port}`,
      retry: { ...fast, retries: 1 },
    });
    const error = (await http
      .request({ method: "POST", path: "/v2/apps", body: {} })
      .catch((e: unknown) => e)) as NetworkError;
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.errno).toBe("ECONNREFUSED");
    expect(error.attempts).toBe(2);
    expect(error.hint).toBe(`Check that Marathon is reachable at http://127.0.0.1:${port}.`);
  });

  it("stops when the signal aborts", async () => {
    const s = await server(() => {});
    const controller = new AbortController();
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url });
    const pending = http
      .request({ method: "GET", path: "/v2/apps", signal: controller.signal })
      .catch((e: unknown) => e);
    await waitFor(() => s.requests.length === 1);
    controller.abort();
    expect(await pending).toBeInstanceOf(AbortedError);
  });

  it("verifies TLS certificates, trusting an extra CA only when given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bsaas-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=bsaas-test",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const cert = readFileSync(join(dir, "cert.pem"), "utf8");
    const key = readFileSync(join(dir, "key.pem"), "utf8");
    const s = await server((_req, res) => json(res, 200, { ok: true }), {
      key,
      cert,
    });
    const untrusted = new HttpClient({ service: "Marathon", baseUrl: s.url, retry: { retries: 0 } });
    const error = await untrusted.request({ method: "GET", path: "/ping" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).errno).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    const trusted = new HttpClient({
      service: "Marathon",
      baseUrl: s.url,
      tls: { caFile: join(dir, "cert.pem") },
    });
    expect((await trusted.request({ method: "GET", path: "/ping" })).data).toEqual({ ok: true });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("HttpClient.stream", () => {
  it("follows a 302 to the leader and returns the open stream", async () => {
    const leader = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end("event: ping\ndata: {}\n\n");
    });
    const follower = await server((req, res) => {
      res.writeHead(302, { location: `${leader.url}${req.url}` });
      res.end();
    });
    const http = new HttpClient({ service: "Marathon", baseUrl: follower.url });
    const stream = await http.stream({
      method: "GET",
      path: "/v2/events",
      query: { event_type: "deployment_success" },
    });
    let text = "";
    for await (const chunk of stream.body) text += String(chunk);
    expect(text).toBe("event: ping\ndata: {}\n\n");
    expect(leader.requests[0]?.url).toBe("/v2/events?event_type=deployment_success");
    expect(leader.requests[0]?.headers.accept).toBe("text/event-stream");
  });

  it("throws HttpError with the body of a failed stream request", async () => {
    const s = await server((_req, res) => json(res, 405, { message: "Method Not Allowed" }));
    const http = new HttpClient({ service: "Marathon", baseUrl: s.url });
    const error = (await http
      .stream({ method: "GET", path: "/v2/events" })
      .catch((e: unknown) => e)) as HttpError;
    expect(error.status).toBe(405);
    expect(error.body).toEqual({ message: "Method Not Allowed" });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
