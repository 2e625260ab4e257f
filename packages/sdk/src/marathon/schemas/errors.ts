/**
 * Error bodies. RAML: `types/error.raml`; the lock form is documented in ENDPOINTS.md ("Error body").
 */
import { z } from "zod";
import { IdentifiableSchema, StringListSchema } from "./common.js";

/**
 * One validation problem: the JSON path of the field and its messages. The RAML `ErrorDetail` lists `message?` and
 * `errors?`; the server writes `path` and `errors` (ENDPOINTS.md), which is what is required here.
 */
export const MarathonErrorDetailSchema = z.looseObject({
  path: z.string(),
  errors: StringListSchema,
});
/** What {@link MarathonErrorDetailSchema} parses to (RAML `error.ErrorDetail`). */
export type MarathonErrorDetail = z.infer<typeof MarathonErrorDetailSchema>;

/**
 * An error response: `{ message, details? }` (RAML `error.Error`), e.g. 400 `Invalid JSON`, 422 `Object is not valid`,
 * 404 `App '/x' does not exist`, 409 `An app with id [/x] already exists.`.
 */
export const MarathonErrorSchema = z.looseObject({
  message: z.string(),
  details: z.array(MarathonErrorDetailSchema).optional(),
});
/** The body of an error response (RAML `error.Error`). */
export type MarathonErrorBody = z.infer<typeof MarathonErrorSchema>;

/**
 * A 409 because the target is locked by running deployments: `{ message, deployments: [{id}] }` (ENDPOINTS.md; RAML
 * `error.Error` plus `strings.Identifiable[]`). A 409 without `deployments` is a conflict on the id instead.
 */
export const DeploymentLockedErrorSchema = z.looseObject({
  message: z.string(),
  deployments: z.array(IdentifiableSchema),
});
/**
 * The body of a deployment-lock 409 (RAML `error.Error` plus `deployments`). Named `...Body` because the error the
 * client throws for it is the `DeploymentLockedError` class.
 */
export type DeploymentLockedErrorBody = z.infer<typeof DeploymentLockedErrorSchema>;
