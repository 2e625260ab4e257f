/**
 * `@bsaas/sdk/http`: the one HTTP transport every service client uses (auth, TLS, timeouts, retries with backoff and
 * jitter, leader redirects, typed errors without credentials).
 *
 * @packageDocumentation
 */
export { authorizationHeader, type HttpAuth, type SecretValue } from "./auth.js";
export {
  HttpClient,
  type HttpClientOptions,
  type HttpLogger,
  type HttpMethod,
  type HttpRequest,
  type HttpResponse,
  type HttpStream,
  schemaIssues,
  type TlsOptions,
} from "./client.js";
export { type EndpointSettings, endpointFromEnv } from "./env.js";
export {
  AbortedError,
  HttpError,
  NetworkError,
  type RequestDescription,
  RequestValidationError,
  ResponseValidationError,
  type SchemaIssue,
} from "./errors.js";
export { redactUrl, summarizeBody } from "./redact.js";
export { backoffDelay, DEFAULT_RETRY, type RetryPolicy, sleep } from "./retry.js";
export { type SseEvent, SseParser } from "./sse.js";
