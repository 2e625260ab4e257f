import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import { rootCertificates } from "node:tls";
import axios, { type AxiosInstance, type AxiosResponse, isAxiosError } from "axios";
import type { z } from "zod";
import { type BsaasError, FileReadError } from "../errors.js";
import { authorizationHeader, type HttpAuth } from "./auth.js";
import {
  AbortedError,
  HttpError,
  NetworkError,
  type RequestDescription,
  RequestValidationError,
  ResponseValidationError,
  type SchemaIssue,
} from "./errors.js";
import { redactUrl, summarizeBody } from "./redact.js";
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";
type QueryValue = string | number | boolean | undefined;

/** TLS settings. Server certificates are always verified; these only add trust. */
export interface TlsOptions {
  /** Extra CA certificates (PEM), added to Node's built-in roots. */
  ca?: string | Buffer | (string | Buffer)[];
  /** A PEM file of extra CA certificates. */
  caFile?: string;
  /** Host name to verify the certificate against, when it differs from the URL's. */
  serverName?: string;
}

/** Receives one line per request sent. Nothing it receives contains credentials. */
export interface HttpLogger {
  debug(message: string, fields: Record<string, unknown>): void;
}

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Service name used in errors and logs (`Marathon`, `Mesos`). */
  service: string;
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
  auth?: HttpAuth;
  tls?: TlsOptions;
  /** Time to wait for a response (headers) per attempt, in ms. Default 30 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Redirects followed per request (leader redirects). Default 5. */
  maxRedirects?: number;
  logger?: HttpLogger;
  /** Turns an HTTP error into a service-specific one (e.g. Marathon's deployment lock). */
  mapError?: (error: HttpError) => BsaasError | undefined;
  /** Extra statuses/bodies to retry, on top of the defaults (503, 429; 502/504 when safe). */
  isRetryable?: (status: number, body: unknown, idempotent: boolean) => boolean;
  /** Sent as `User-Agent`. */
  userAgent?: string;
}

/** One request. */
export interface HttpRequest<S extends z.ZodType | undefined = undefined> {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/v2/apps/web`. */
  path: string;
  /** Query parameters; arrays repeat the parameter, undefined values are left out. */
  query?: Record<string, QueryValue | readonly QueryValue[]>;
  body?: unknown;
  /** Checked against `body` before anything is sent. */
  bodySchema?: z.ZodType;
  /** The response body's schema; the parsed body is returned. */
  schema?: S;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** May the request be sent again after a failure that might have reached the server? Default: by method. */
  idempotent?: boolean;
  /** JSON decoder (e.g. one that keeps 64-bit integers exact). Default `JSON.parse`. */
  decode?: (text: string) => unknown;
  /** Return a redirect as the response instead of following it (e.g. to read Mesos' `/master/redirect`). */
  followRedirects?: boolean;
}

/** A successful response. */
export interface HttpResponse<T> {
  status: number;
  headers: Record<string, string>;
  data: T;
  /** The URL that answered (after redirects), redacted. */
  url: string;
  attempts: number;
}

/** An open streaming response (`text/event-stream`, RecordIO). */
export interface HttpStream {
  status: number;
  headers: Record<string, string>;
  url: string;
  body: Readable;
  /** Closes the connection. */
  close(): void;
}

type Send = { response: AxiosResponse; url: string; attempts: number };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const IDEMPOTENT: ReadonlySet<HttpMethod> = new Set(["GET", "HEAD", "PUT", "DELETE"]);
/** Bodies of 502s that mean "the leader was never reached", so even a POST is safe to resend (ENDPOINTS.md). */
const LEADER_UNKNOWN =
  /no leader|could not determine the current leader|connection to leader refused|not the leader|not elected/i;
/** Errors raised before the request could have reached the server. */
const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * The one HTTP transport of the SDK: every service client (Marathon, Mesos, ...) sends through it. It owns the base
 * URL (and follows a leader that redirects elsewhere), authentication, TLS trust, timeouts, retries with exponential
 * backoff and full jitter, request validation before sending, response parsing against a schema, and typed errors
 * from which credentials are always absent.
 *
 * @example
 * const http = new HttpClient({ service: "Marathon", baseUrl: "http://127.0.0.1:8080" });
 * const { data } = await http.request({ method: "GET", path: "/v2/info", schema: InfoSchema });
 */
export class HttpClient {
  readonly service: string;
  private base: URL;
  private readonly axios: AxiosInstance;
  private readonly options: HttpClientOptions;
  private readonly retry: RetryPolicy;
  private readonly authorization: string | undefined;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.service = options.service;
    this.base = parseBase(options.baseUrl, options.service);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.authorization = authorizationHeader(options.auth);
    this.axios = axios.create({
      timeout: options.timeoutMs ?? 30_000,
      maxRedirects: 0,
      validateStatus: () => true,
      transformResponse: [],
      decompress: true,
      proxy: false,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({
        keepAlive: true,
        rejectUnauthorized: true,
        ...tlsAgentOptions(options.tls),
      }),
    });
  }

  /** The base URL requests currently go to (it moves when a leader redirect is followed). Redacted. */
  get baseUrl(): string {
    return redactUrl(this.base.toString()).replace(/\/$/, "");
  }

  /**
   * Sends a request and returns the parsed response.
   *
   * @throws {RequestValidationError} when `body` fails `bodySchema` (nothing is sent).
   * @throws {HttpError} (or what `mapError` makes of it) for an error status, after retries.
   * @throws {NetworkError} when no answer came, after retries.
   * @throws {ResponseValidationError} when the body does not match `schema`.
   * @throws {AbortedError} when `signal` fires.
   */
  async request<S extends z.ZodType | undefined = undefined>(
    req: HttpRequest<S>,
  ): Promise<HttpResponse<S extends z.ZodType ? z.output<S> : unknown>> {
    let body = req.body;
    if (req.bodySchema && body !== undefined) {
      const checked = req.bodySchema.safeParse(body);
      if (!checked.success) {
        throw new RequestValidationError(
          this.describe(req.method, this.urlFor(req.path, req.query)),
          schemaIssues(checked.error),
        );
      }
      body = checked.data;
    }
    const sent = await this.send(req, body, "text");
    const text = typeof sent.response.data === "string" ? sent.response.data : "";
    let data: unknown;
    if (text.length > 0 && isJson(sent.response, text)) {
      try {
        data = (req.decode ?? JSON.parse)(text);
      } catch (cause) {
        throw new ResponseValidationError(
          this.describe(req.method, sent.url),
          [{ path: "", message: "not valid JSON" }],
          { cause },
        );
      }
    } else data = text.length > 0 ? text : undefined;
    if (req.schema) {
      const parsed = req.schema.safeParse(data);
      if (!parsed.success)
        throw new ResponseValidationError(this.describe(req.method, sent.url), schemaIssues(parsed.error));
      data = parsed.data;
    }
    return {
      status: sent.response.status,
      headers: headerRecord(sent.response),
      data: data as S extends z.ZodType ? z.output<S> : unknown,
      url: redactUrl(sent.url),
      attempts: sent.attempts,
    };
  }

  /**
   * Opens a streaming GET (server-sent events, RecordIO), following redirects to the leader. The caller reads `body`
   * and calls `close()` when done.
   */
  async stream(req: Omit<HttpRequest, "schema" | "bodySchema" | "decode">): Promise<HttpStream> {
    const sent = await this.send(req, req.body, "stream");
    const body = sent.response.data as Readable;
    return {
      status: sent.response.status,
      headers: headerRecord(sent.response),
      url: redactUrl(sent.url),
      body,
      close: () => body.destroy(),
    };
  }

  private async send(
    req: HttpRequest<z.ZodType | undefined>,
    body: unknown,
    responseType: "text" | "stream",
  ): Promise<Send> {
    const idempotent = req.idempotent ?? IDEMPOTENT.has(req.method);
    const maxRedirects = this.options.maxRedirects ?? 5;
    let attempts = 0;
    let redirects = 0;
    let method = req.method;
    let url = this.urlFor(req.path, req.query);
    for (;;) {
      attempts++;
      const description = this.describe(method, url);
      const started = Date.now();
      let response: AxiosResponse;
      try {
        response = await this.axios.request({
          url,
          method,
          data:
            body === undefined || method === "GET" || method === "HEAD" ? undefined : JSON.stringify(body),
          headers: this.headers(
            req,
            body !== undefined && method !== "GET" && method !== "HEAD",
            responseType,
          ),
          responseType,
          timeout: req.timeoutMs ?? this.options.timeoutMs ?? 30_000,
          signal: req.signal,
        });
      } catch (error) {
        if (req.signal?.aborted)
          throw new AbortedError(`${description.service} ${description.method} ${description.url}`, {
            cause: error,
          });
        const failure = networkFailure(error);
        this.log(description, {
          attempt: attempts,
          error: failure.errno ?? failure.reason,
          ms: Date.now() - started,
        });
        const safe = idempotent || (failure.errno !== undefined && NOT_SENT.has(failure.errno));
        if (safe && attempts <= this.retry.retries) {
          await sleep(
            backoffDelay(this.retry, attempts),
            req.signal,
            `${description.service} ${description.method} ${description.url}`,
          );
          continue;
        }
        throw new NetworkError(description, failure.reason, { cause: error, attempts, errno: failure.errno });
      }
      this.log(description, { attempt: attempts, status: response.status, ms: Date.now() - started });

      if (
        REDIRECTS.has(response.status) &&
        typeof response.headers.location === "string" &&
        req.followRedirects !== false
      ) {
        if (responseType === "stream") (response.data as Readable).destroy();
        if (++redirects > maxRedirects) {
          throw new HttpError(
            description,
            response.status,
            undefined,
            `more than ${maxRedirects} redirects`,
            { attempts },
          );
        }
        const target = new URL(response.headers.location, url);
        this.followLeader(new URL(url), target);
        url = target.toString();
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method !== "GET" && method !== "HEAD")
        ) {
          method = "GET";
          body = undefined;
        }
        attempts--;
        continue;
      }
      if (
        (response.status >= 200 && response.status < 300) ||
        (REDIRECTS.has(response.status) && req.followRedirects === false)
      ) {
        return { response, url, attempts };
      }

      const text =
        responseType === "stream" ? await readText(response.data as Readable) : String(response.data ?? "");
      const parsed = parseMaybeJson(text);
      const retryable = this.isRetryable(response.status, parsed, idempotent);
      if (retryable && attempts <= this.retry.retries) {
        const retryAfter = Number(response.headers["retry-after"]);
        await sleep(
          backoffDelay(this.retry, attempts, Number.isNaN(retryAfter) ? undefined : retryAfter),
          req.signal,
          `${description.service} ${description.method} ${description.url}`,
        );
        continue;
      }
      const error = new HttpError(description, response.status, parsed, errorDetail(parsed, text), {
        retryable,
        attempts,
      });
      throw this.options.mapError?.(error) ?? error;
    }
  }

  private isRetryable(status: number, body: unknown, idempotent: boolean): boolean {
    if (this.options.isRetryable?.(status, body, idempotent)) return true;
    if (status === 503 || status === 429) return true;
    if (status === 502)
      return idempotent || LEADER_UNKNOWN.test(errorDetail(body, typeof body === "string" ? body : ""));
    return status === 504 && idempotent;
  }

  /** A redirect to another origin is a leader redirect: later requests go straight to the leader. */
  private followLeader(from: URL, to: URL): void {
    if (to.origin === from.origin) return;
    const next = new URL(this.base.toString());
    next.protocol = to.protocol;
    next.host = to.host;
    this.base = next;
  }

  private urlFor(path: string, query: HttpRequest["query"]): string {
    const url = new URL(this.base.toString());
    url.pathname = `${url.pathname.replace(/\/$/, "")}/${path.replace(/^\//, "")}`;
    for (const [key, value] of Object.entries(query ?? {})) {
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) if (v !== undefined) url.searchParams.append(key, String(v));
    }
    return url.toString();
  }

  private headers(
    req: HttpRequest<z.ZodType | undefined>,
    hasBody: boolean,
    responseType: "text" | "stream",
  ): Record<string, string> {
    const headers: Record<string, string> = {
      accept: responseType === "stream" ? "text/event-stream" : "application/json",
      "user-agent": this.options.userAgent ?? "bsaas-sdk",
      ...req.headers,
    };
    if (hasBody) headers["content-type"] = "application/json";
    if (this.authorization) headers.authorization = this.authorization;
    return headers;
  }

  private describe(method: string, url: string): RequestDescription {
    return { service: this.service, method, url: redactUrl(url) };
  }

  private log(description: RequestDescription, fields: Record<string, unknown>): void {
    this.options.logger?.debug(`${description.service} ${description.method} ${description.url}`, fields);
  }
}

function parseBase(baseUrl: string, service: string): URL {
  try {
    const url = new URL(baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new Error(`unsupported protocol ${url.protocol}`);
    return url;
  } catch (cause) {
    throw new NetworkError(
      { service, method: "-", url: redactUrl(baseUrl) },
      "the base URL is not an http(s) URL",
      {
        cause,
        hint: `Give ${service}'s URL as http://host:port or https://host:port.`,
      },
    );
  }
}

function tlsAgentOptions(tls: TlsOptions | undefined): { ca?: (string | Buffer)[]; servername?: string } {
  if (!tls) return {};
  const extra: (string | Buffer)[] = [];
  if (tls.ca) extra.push(...(Array.isArray(tls.ca) ? tls.ca : [tls.ca]));
  if (tls.caFile) {
    try {
      extra.push(readFileSync(tls.caFile));
    } catch (cause) {
      throw new FileReadError(tls.caFile, {
        cause,
        hint: "The CA file of the site's tls settings must be a readable PEM file.",
      });
    }
  }
  return {
    ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
  };
}

function networkFailure(error: unknown): { reason: string; errno?: string } {
  if (isAxiosError(error)) {
    const code = error.code;
    if (code === "ECONNABORTED" || code === "ETIMEDOUT")
      return { reason: "timed out waiting for an answer", errno: "ETIMEDOUT" };
    const cause = (error.cause as { code?: string } | undefined)?.code ?? code;
    return {
      reason: cause ? `${cause} (${error.message})` : error.message,
      ...(cause ? { errno: cause } : {}),
    };
  }
  return { reason: error instanceof Error ? error.message : String(error) };
}

function isJson(response: AxiosResponse, text: string): boolean {
  const type = String(response.headers["content-type"] ?? "");
  return /json/i.test(type) || (!type && /^\s*[[{]/.test(text));
}

function parseMaybeJson(text: string): unknown {
  if (!/^\s*[[{"]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The message a service put in its error body (`{message}` for Marathon, plain text for Mesos), summarised. */
function errorDetail(body: unknown, text: string): string {
  if (body && typeof body === "object" && "message" in body && typeof body.message === "string")
    return summarizeBody(body.message);
  return summarizeBody(typeof body === "string" ? body : text);
}

async function readText(stream: Readable, limit = 64 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= limit) {
      stream.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

function headerRecord(response: AxiosResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(response.headers)) {
    if (value !== undefined && value !== null)
      out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}

/** zod issues as `/a/0/b: message`. */
export function schemaIssues(error: z.ZodError): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? `/${issue.path.map(String).join("/")}` : "",
    message: issue.message,
  }));
}
