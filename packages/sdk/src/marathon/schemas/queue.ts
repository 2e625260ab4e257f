/**
 * The launch queue, `GET /v2/queue[?embed=lastUnusedOffers]`: what is waiting for offers and why.
 * RAML: `types/queue.raml`, `offer.raml`. Response schemas only.
 */
import { z } from "zod";
import { AppSchema } from "./app.js";
import { StringListSchema } from "./common.js";
import { PodSchema } from "./pod.js";

/** A range of a ranges resource or attribute (RAML `offer.NumberRange`). */
export const NumberRangeSchema = z.looseObject({ begin: z.number(), end: z.number() });

/** A resource of an offer (RAML `offer.OfferResource`). */
export const OfferResourceSchema = z.looseObject({
  name: z.string(),
  role: z.string(),
  scalar: z.number().optional(),
  ranges: z.array(NumberRangeSchema).optional(),
  set: StringListSchema.optional(),
});

/** An agent attribute (RAML `offer.AgentAttribute`). */
export const AgentAttributeSchema = z.looseObject({
  name: z.string(),
  text: z.string().optional(),
  scalar: z.number().optional(),
  ranges: z.array(NumberRangeSchema).optional(),
  set: StringListSchema.optional(),
});

/** A Mesos offer (RAML `offer.Offer`). */
export const OfferSchema = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  agentId: z.string(),
  resources: z.array(OfferResourceSchema),
  attributes: z.array(AgentAttributeSchema),
});
/** What {@link OfferSchema} parses to (RAML `offer.Offer`). */
export type Offer = z.infer<typeof OfferSchema>;

/** An offer Marathon could not use, and why (RAML `queue.UnusedOffer`). */
export const UnusedOfferSchema = z.looseObject({
  offer: OfferSchema,
  reason: StringListSchema,
  timestamp: z.string(),
});

/** How many offers were declined for one reason (RAML `queue.DeclinedOfferStep`). */
export const DeclinedOfferStepSchema = z.looseObject({
  reason: z.string(),
  declined: z.number(),
  processed: z.number(),
});

/** Offer statistics of a launch attempt (RAML `queue.ProcessedOffersSummary`). */
export const ProcessedOffersSummarySchema = z.looseObject({
  processedOffersCount: z.number(),
  unusedOffersCount: z.number(),
  lastUnusedOfferAt: z.string().optional(),
  lastUsedOfferAt: z.string().optional(),
  rejectSummaryLastOffers: z.array(DeclinedOfferStepSchema).optional(),
  rejectSummaryLaunchAttempt: z.array(DeclinedOfferStepSchema).optional(),
});
/** What {@link ProcessedOffersSummarySchema} parses to (RAML `queue.ProcessedOffersSummary`). */
export type ProcessedOffersSummary = z.infer<typeof ProcessedOffersSummarySchema>;

/** Launch back-off of a queued run spec (RAML `queue.QueueDelay`). */
export const QueueDelaySchema = z.looseObject({ timeLeftSeconds: z.number(), overdue: z.boolean() });

/**
 * One queued app or pod (RAML `queue.QueueItem` = `QueueApp | QueuePod`, both extending `QueueObject`): one object
 * with an optional `app` and an optional `pod` (exactly one is present). `role` (1.9+), `since` and
 * `processedOffersSummary` (1.4+) are required by the RAML but optional here so that older servers parse.
 */
export const QueueItemSchema = z.looseObject({
  app: AppSchema.optional(),
  pod: PodSchema.optional(),
  count: z.number(),
  role: z.string().optional(),
  delay: QueueDelaySchema,
  since: z.string().optional(),
  processedOffersSummary: ProcessedOffersSummarySchema.optional(),
  lastUnusedOffers: z.array(UnusedOfferSchema).optional(),
});
/** What {@link QueueItemSchema} parses to (RAML `queue.QueueItem`). */
export type QueueItem = z.infer<typeof QueueItemSchema>;

/** `GET /v2/queue` (RAML `queue.Queue`). */
export const QueueResponseSchema = z.looseObject({ queue: z.array(QueueItemSchema) });
/** What {@link QueueResponseSchema} parses to (RAML `queue.Queue`). */
export type QueueResponse = z.infer<typeof QueueResponseSchema>;
