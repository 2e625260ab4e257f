import { BsaasError, type BsaasErrorOptions } from "../errors.js";

/** What every HTTP error says about the request. Never holds headers or bodies that were sent. */
export interface RequestDescription {
  /** The service, as users name it: `Marathon`, `Mesos`, `Onedata`. */
  service: string;
  method: string;
  /** The URL with credentials and secret query parameters removed. */
  url: string;
}

/** One problem found when checking a request or response body against its schema. */
export interface SchemaIssue {
  /** JSON pointer-like path of the field (`/apps/0/instances`), or `` for the whole body. */
  path: string;
  message: string;
}

/** The server answered with an error status. */
export class HttpError extends BsaasError {
  readonly status: number;
  readonly request: RequestDescription;
  /** The response body: parsed JSON when it was JSON, otherwise the first kilobytes of text. */
  readonly body: unknown;
  /** Whether sending the same request again may succeed (5xx leader trouble, 429). */
  readonly retryable: boolean;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(
    request: RequestDescription,
    status: number,
    body: unknown,
    detail: string,
    options: BsaasErrorOptions & { retryable?: boolean; attempts?: number; code?: string } = {},
  ) {
    super(
      options.code ?? `HTTP_${status}`,
      `${request.service} ${request.method} ${request.url} failed: ${status}${detail ? ` ${detail}` : ""}`,
      {
        hint: options.hint ?? hintFor(request.service, status),
        cause: options.cause,
      },
    );
    this.status = status;
    this.request = request;
    this.body = body;
    this.retryable = options.retryable ?? false;
    this.attempts = options.attempts ?? 1;
  }
}

/** The request never got an answer: connection refused or reset, DNS failure, TLS failure, or timeout. */
export class NetworkError extends BsaasError {
  readonly request: RequestDescription;
  readonly attempts: number;
  /** Node's error code (`ECONNREFUSED`, `ETIMEDOUT`, `CERT_HAS_EXPIRED`, ...), when there is one. */
  readonly errno: string | undefined;

  constructor(
    request: RequestDescription,
    reason: string,
    options: BsaasErrorOptions & { attempts?: number; errno?: string } = {},
  ) {
    super("NETWORK_ERROR", `${request.service} ${request.method} ${request.url} failed: ${reason}`, {
      hint: options.hint ?? `Check that ${request.service} is reachable at ${origin(request.url)}.`,
      cause: options.cause,
    });
    this.request = request;
    this.attempts = options.attempts ?? 1;
    this.errno = options.errno;
  }
}

/** A response did not have the shape the service's API documents. */
export class ResponseValidationError extends BsaasError {
  readonly request: RequestDescription;
  readonly issues: SchemaIssue[];

  constructor(request: RequestDescription, issues: SchemaIssue[], options: BsaasErrorOptions = {}) {
    super(
      "RESPONSE_INVALID",
      `${request.service} ${request.method} ${request.url} answered with an unexpected body:\n${formatIssues(issues)}`,
      {
        hint: `Check that ${origin(request.url)} is a ${request.service} server of a supported version.`,
        ...options,
      },
    );
    this.request = request;
    this.issues = issues;
  }
}

/** A request body was rejected by its schema before it was sent: nothing was sent. */
export class RequestValidationError extends BsaasError {
  readonly request: RequestDescription;
  readonly issues: SchemaIssue[];

  constructor(request: RequestDescription, issues: SchemaIssue[], options: BsaasErrorOptions = {}) {
    super(
      "REQUEST_INVALID",
      `Not sent: the body of ${request.service} ${request.method} ${request.url} is invalid:\n${formatIssues(issues)}`,
      {
        hint: "Fix the fields listed above; nothing was changed on the server.",
        ...options,
      },
    );
    this.request = request;
    this.issues = issues;
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends BsaasError {
  constructor(what: string, options: BsaasErrorOptions = {}) {
    super("ABORTED", `${what} was aborted`, options);
  }
}

function formatIssues(issues: SchemaIssue[]): string {
  const shown = issues.slice(0, 20).map((i) => `  ${i.path || "(body)"}: ${i.message}`);
  if (issues.length > 20) shown.push(`  ... and ${issues.length - 20} more`);
  return shown.join("\n");
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function hintFor(service: string, status: number): string | undefined {
  if (status === 401)
    return `Check the credentials for ${service} (the site's auth in the cluster file, or BSAAS_* variables).`;
  if (status === 403) return `The credentials are valid but not allowed to do this on ${service}.`;
  if (status === 404) return "Check the id or path.";
  if (status >= 500) return `${service} had trouble answering; retry later, or check its leader and logs.`;
  return undefined;
}
