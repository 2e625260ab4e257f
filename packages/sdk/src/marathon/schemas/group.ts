/**
 * Groups: the tree `GET /v2/groups[/{id}]` returns and the bodies of `POST/PUT /v2/groups[/{id}]` and
 * `PATCH /v2/groups/{id}`. RAML: `types/group.raml`; JSON Schema: `schema/Group.json`.
 */
import { z } from "zod";
import { AppDefinitionSchema, AppSchema } from "./app.js";
import { DateTimeSchema, PathIdSchema, StringListSchema } from "./common.js";
import { PodDefinitionSchema, PodSchema, PodStatusSchema } from "./pod.js";

/**
 * A pod inside a group. The RAML `GroupInfo` says `PodStatus`; pod definitions are accepted too so that a server
 * embedding plain pods still parses.
 */
export const GroupPodSchema = z.union([PodStatusSchema, PodSchema]);
/** What {@link GroupPodSchema} parses to (RAML `GroupInfo`). */
export type GroupPod = z.infer<typeof GroupPodSchema>;

/**
 * A group as Marathon returns it (RAML `group.GroupInfo`): recursive, loose at every level. Only `id` is required;
 * what else is present depends on `embed` (default `group.groups` and `group.apps`).
 */
export const GroupSchema = z.looseObject({
  id: z.string(),
  apps: z.array(AppSchema).optional(),
  get groups(): z.ZodOptional<z.ZodArray<typeof GroupSchema>> {
    return z.array(GroupSchema).optional();
  },
  pods: z.array(GroupPodSchema).optional(),
  dependencies: StringListSchema.optional(),
  version: z.string().optional(),
  enforceRole: z.boolean().optional(),
});
/** What {@link GroupSchema} parses to (RAML `group.GroupInfo`). */
export type Group = z.infer<typeof GroupSchema>;

/** `GET /v2/groups/{id}/versions` (`v2/groups.raml`): RAML `datetime[]`. */
export const GroupVersionsResponseSchema = StringListSchema;

/**
 * The body of `POST/PUT /v2/groups[/{id}]` (RAML `group.GroupUpdate`; strict like `schema/Group.json`'s
 * `additionalProperties: false`). All fields are optional (the RAML marks the type `asUpdateType`): a body of only
 * `{ version }` rolls the group back, only `{ scaleBy }` scales every app in it. `Group.json` (1.8) requires `id`
 * and has no `scaleBy`/`enforceRole`; the RAML (1.10) wins. `pods` is in neither upstream type; it is accepted
 * (checked as pod definitions) because groups returned with `embed=group.pods` carry them.
 */
export const GroupUpdateSchema = z.strictObject({
  id: PathIdSchema.optional(),
  apps: z.array(AppDefinitionSchema).optional(),
  get groups(): z.ZodOptional<z.ZodArray<typeof GroupUpdateSchema>> {
    return z.array(GroupUpdateSchema).optional();
  },
  pods: z.array(PodDefinitionSchema).optional(),
  dependencies: z.array(PathIdSchema).optional(),
  version: DateTimeSchema.optional(),
  scaleBy: z.number().min(0).optional(),
  enforceRole: z.boolean().optional(),
});
/** What {@link GroupUpdateSchema} parses to (RAML `group.GroupUpdate`). */
export type GroupUpdate = z.infer<typeof GroupUpdateSchema>;

/** The body of `PATCH /v2/groups/{id}`: settings that change without restarts (RAML `group.GroupPartialUpdate`). */
export const GroupPartialUpdateSchema = z.looseObject({ enforceRole: z.boolean().optional() });
/** What {@link GroupPartialUpdateSchema} parses to (RAML `group.GroupPartialUpdate`). */
export type GroupPartialUpdate = z.infer<typeof GroupPartialUpdateSchema>;
