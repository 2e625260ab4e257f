/**
 * The public face of the submit language: validate an object form, print it, parse text back, expand it to job ads.
 */
import type { z } from "zod";
import type { ClassAd } from "../classad/index.js";
import { classAdEvaluator, parseAttributeExpression, toClassAd } from "./engine.js";
import { SubmitDescriptionError } from "./errors.js";
import { type ExpandJobAdsOptions, expandJobAdDrafts, type JobAdDraft, type JobAdText } from "./expand.js";
import { formatSubmit as formatValidated } from "./format.js";
import { adValueText } from "./jobad.js";
import { type ParseSubmitOptions, parseSubmit } from "./parse.js";
import { type SubmitDescription, type SubmitDescriptionInput, SubmitDescriptionSchema } from "./schema.js";

/**
 * Validates the object form of a submit description (a single queue statement is normalised to a list). Throws
 * {@link SubmitDescriptionError} naming the first bad field.
 */
export function validateSubmitDescription(input: SubmitDescriptionInput): SubmitDescription {
  const result = SubmitDescriptionSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0] ? mostSpecificIssue(issues[0]) : undefined;
  const path = (first?.path ?? [])
    .map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`))
    .join("")
    .replace(/^\./, "");
  const more =
    issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  throw new SubmitDescriptionError(path, `${first?.message ?? "invalid submit description"}${more}`, {
    cause: result.error,
  });
}

/**
 * Digs into union and record-key issues for the message that explains the mistake: for a union (the queue statement
 * forms) the branch that failed least like a different form (no unknown or missing keys) is the one meant.
 */
function mostSpecificIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  if (issue.code === "invalid_key" && issue.issues[0]) {
    const inner = mostSpecificIssue(issue.issues[0]);
    return { path: [...issue.path, ...inner.path], message: inner.message };
  }
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const score = (branch: z.core.$ZodIssue[]) =>
      branch.filter(
        (i) => i.code === "unrecognized_keys" || (i.code === "invalid_type" && i.input === undefined),
      ).length;
    const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0]?.[0];
    if (best) {
      const inner = mostSpecificIssue(best);
      return { path: [...issue.path, ...inner.path], message: inner.message };
    }
  }
  return { path: issue.path, message: issue.message };
}

/** Writes a submit description (object form) as submit-file text for condor_submit. */
export function formatSubmit(description: SubmitDescriptionInput): string {
  return formatValidated(validateSubmitDescription(description));
}

/**
 * A validated submit description with its text form: `toString()` is the submit file, so it can be handed to anything
 * that takes submit text (the pool client's `submit`). Build one with {@link buildSubmit} or {@link SubmitFile.parse}.
 */
export class SubmitFile {
  /** The validated object form. */
  readonly description: SubmitDescription;

  constructor(input: SubmitDescriptionInput) {
    this.description = validateSubmitDescription(input);
  }

  /** Reads submit-file text (see {@link parseSubmit}). */
  static parse(text: string, options: ParseSubmitOptions = {}): SubmitFile {
    return new SubmitFile(parseSubmit(text, options) as SubmitDescriptionInput);
  }

  /** The submit file text. */
  toString(): string {
    return formatValidated(this.description);
  }

  /** The job ads condor_submit would make (see {@link expandJobAds}). */
  expand(options: ExpandJobAdsOptions): ClassAd[] {
    return expandJobAds(this, options);
  }

  /** The job ads condor_submit would make, as `[attribute, old-syntax expression]` lists. */
  expandAsText(options: ExpandJobAdsOptions): JobAdText[] {
    return expandJobAdsAsText(this, options);
  }
}

/** Builds a {@link SubmitFile} from the object form (validated now, so mistakes surface where they are made). */
export function buildSubmit(input: SubmitDescriptionInput): SubmitFile {
  return new SubmitFile(input);
}

function drafts(
  description: SubmitDescriptionInput | SubmitFile,
  options: ExpandJobAdsOptions,
): JobAdDraft[] {
  const validated =
    description instanceof SubmitFile ? description.description : validateSubmitDescription(description);
  return expandJobAdDrafts(validated, options, classAdEvaluator());
}

/**
 * Expands a submit description into the job ads condor_submit would send to the schedd: one ClassAd per job, in job
 * order, with `ClusterId` and `ProcId` set. Throws {@link SubmitExpansionError} where condor_submit would fail.
 */
export function expandJobAds(
  description: SubmitDescriptionInput | SubmitFile,
  options: ExpandJobAdsOptions,
): ClassAd[] {
  return drafts(description, options).map((draft) =>
    toClassAd(draft.attributes, `${draft.clusterId}.${draft.procId}`),
  );
}

/**
 * The same job ads as {@link expandJobAds}, as text: for each job its attributes with their values in old ClassAd
 * syntax (what `condor_submit -dry-run` prints). Expressions are checked with the ClassAd parser.
 */
export function expandJobAdsAsText(
  description: SubmitDescriptionInput | SubmitFile,
  options: ExpandJobAdsOptions,
): JobAdText[] {
  return drafts(description, options).map((draft) => {
    const job = `${draft.clusterId}.${draft.procId}`;
    return {
      clusterId: draft.clusterId,
      procId: draft.procId,
      attributes: draft.attributes.map(([name, value]): [string, string] => {
        const text = adValueText(value);
        if (value.kind === "expr") parseAttributeExpression(name, text, job);
        return [name, text];
      }),
    };
  });
}

/**
 * Protects text from submit macro expansion: every `$` becomes `$(DOLLAR)`, which condor_submit turns back into `$`
 * after expanding, so `escapeMacros("cost $(x)")` reaches the job as `cost $(x)`.
 */
export function escapeMacros(text: string): string {
  return text.replaceAll("$", "$(DOLLAR)");
}
