import type { JsonValue } from "./json.js";

/** An HTTP error answer: status, JSON body, extra headers. Thrown by the API and turned into the response. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonValue | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(
      typeof body === "object" && body !== null && "message" in body
        ? String(body.message)
        : `HTTP ${status}`,
    );
  }
}

/** `{"message": ...}` with the given status. */
export function httpError(status: number, message: string): HttpError {
  return new HttpError(status, { message });
}

/** Marathon's 404 for an unknown app. */
export function unknownApp(id: string, version?: string): HttpError {
  return httpError(404, `App '${id}' does not exist${version ? ` in version ${version}` : ""}`);
}

/** Marathon's 404 for an unknown group. */
export function unknownGroup(id: string, version?: string): HttpError {
  return httpError(404, `Group '${id}' does not exist${version ? ` in version ${version}` : ""}`);
}

/** Marathon's 422 with details. */
export function invalidObject(details: { path: string; errors: string[] }[]): HttpError {
  return new HttpError(422, { message: "Object is not valid", details });
}
