import { request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest } from "node:https";

/** Header Marathon uses for proxy-loop detection (plain `Via` is dropped by Java's URL connection). */
export const VIA_HEADER = "x-marathon-via";

const HOP_BY_HOP = new Set([
  "connection",
  "host",
  "keep-alive",
  "transfer-encoding",
  "upgrade",
  "content-length",
]);

/** The answer of the leader to a proxied request, fully read. */
export interface ProxiedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * Forwards a request to the leader like a non-leading Marathon: same method, path, query, headers and body, plus
 * `X-Marathon-Via: 1.1 <host:port>` and `X-Forwarded-For`. Rejects when the leader cannot be reached.
 */
export function forwardToLeader(
  leaderUrl: string,
  req: IncomingMessage,
  body: Buffer,
  via: string,
  timeoutMs: number,
): Promise<ProxiedResponse> {
  const target = new URL(req.url ?? "/", leaderUrl);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers[name] = value;
  }
  const forwarded = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = [forwarded, req.socket.remoteAddress]
    .filter((v) => v !== undefined)
    .join(", ");
  headers[VIA_HEADER] = via;
  if (body.length > 0) headers["content-length"] = String(body.length);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const proxied = request(target, { method: req.method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        resolve({ status: res.statusCode ?? 502, headers: out, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    proxied.on("timeout", () => proxied.destroy(new Error("Connection to leader timed out.")));
    proxied.on("error", reject);
    proxied.end(body);
  });
}

/** Writes a proxied answer, adding our `X-Marathon-Via`. */
export function sendProxied(res: ServerResponse, answer: ProxiedResponse, via: string): void {
  res.writeHead(answer.status, {
    ...answer.headers,
    [VIA_HEADER]: via,
    "content-length": answer.body.length,
  });
  res.end(answer.body);
}
