import { HttpError } from "../http/errors.js";

/**
 * Marathon refused a change because deployments in flight hold the app or group (409 with a `deployments` field).
 * Wait for them ({@link waitForDeployment}), or repeat the change with `force: true`, which cancels them.
 */
export class DeploymentLockedError extends HttpError {
  /** Ids of the deployments holding the lock. */
  readonly deploymentIds: string[];

  constructor(from: HttpError, deploymentIds: string[]) {
    super(
      from.request,
      409,
      from.body,
      `locked by deployment${deploymentIds.length === 1 ? "" : "s"} ${deploymentIds.join(", ")}`,
      {
        code: "MARATHON_DEPLOYMENT_LOCKED",
        attempts: from.attempts,
        cause: from,
        hint: "Wait for those deployments to finish, or repeat with force (it cancels them, which may leave old and new tasks mixed).",
      },
    );
    this.deploymentIds = deploymentIds;
  }
}

/** The app, group, pod, task or deployment does not exist (404). */
export class MarathonNotFoundError extends HttpError {
  constructor(from: HttpError) {
    const message =
      from.body && typeof from.body === "object" && "message" in from.body
        ? String(from.body.message)
        : "not found";
    super(from.request, 404, from.body, message, {
      code: "MARATHON_NOT_FOUND",
      attempts: from.attempts,
      cause: from,
    });
  }
}

/** Marathon rejected a definition (422), with the fields it names. */
export class MarathonValidationError extends HttpError {
  readonly details: { path: string; errors: string[] }[];

  constructor(from: HttpError, details: { path: string; errors: string[] }[]) {
    const listed = details.map((d) => `${d.path || "/"}: ${d.errors.join("; ")}`).join(", ");
    super(from.request, 422, from.body, `definition rejected${listed ? `: ${listed}` : ""}`, {
      code: "MARATHON_INVALID",
      attempts: from.attempts,
      cause: from,
      hint: "Fix the fields Marathon names; nothing was changed.",
    });
    this.details = details;
  }
}

/** Turns Marathon's error answers into the typed errors above. */
export function mapMarathonError(error: HttpError): HttpError | undefined {
  const body = error.body as { deployments?: unknown; details?: unknown } | undefined;
  if (error.status === 409 && body && Array.isArray(body.deployments)) {
    const ids = body.deployments.flatMap((d) =>
      d && typeof d === "object" && "id" in d ? [String(d.id)] : [],
    );
    return new DeploymentLockedError(error, ids);
  }
  if (error.status === 404) return new MarathonNotFoundError(error);
  if (error.status === 422) {
    const details = Array.isArray(body?.details)
      ? body.details.flatMap((d: unknown) => {
          if (!d || typeof d !== "object") return [];
          const { path, errors } = d as { path?: unknown; errors?: unknown };
          return [{ path: String(path ?? ""), errors: Array.isArray(errors) ? errors.map(String) : [] }];
        })
      : [];
    return new MarathonValidationError(error, details);
  }
  return undefined;
}
