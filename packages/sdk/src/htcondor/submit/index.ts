/**
 * The HTCondor submit description language: a typed object form ({@link SubmitDescription}) with a builder that
 * writes submit files ({@link buildSubmit}, {@link formatSubmit}), a parser with located errors
 * ({@link parseSubmit}), and the expansion of a description into the job ads condor_submit would make
 * ({@link expandJobAdsAsText}).
 */
export { SubmitDescriptionError, SubmitExpansionError, SubmitSyntaxError } from "./errors.js";
export type { ExpandJobAdsOptions, JobAdText } from "./expand.js";
export { formatQueueStatement } from "./format.js";
export { type ParseSubmitOptions, parseSubmit } from "./parse.js";
export {
  formatArgumentsValue,
  formatEnvironmentValue,
  joinArgsV2Raw,
  joinEnvironmentV2Raw,
  type ParsedArguments,
  type ParsedEnvironment,
  parseArgumentsValue,
  parseEnvironmentValue,
  SubmitQuotingError,
  splitArgsV2Raw,
} from "./quoting.js";
export {
  type CustomAttributeValue,
  CustomAttributeValueSchema,
  type QueueStatement,
  type QueueStatementInput,
  QueueStatementSchema,
  SUBMIT_UNIVERSES,
  type SubmitCommands,
  type SubmitCommandsInput,
  SubmitCommandsSchema,
  type SubmitDescription,
  type SubmitDescriptionInput,
  SubmitDescriptionSchema,
  type SubmitExpr,
  SubmitExprSchema,
} from "./schema.js";
export {
  buildSubmit,
  escapeMacros,
  expandJobAds,
  expandJobAdsAsText,
  formatSubmit,
  SubmitFile,
  validateSubmitDescription,
} from "./submit-file.js";
export { type ParsedSize, parseSizeWithUnits } from "./units.js";
