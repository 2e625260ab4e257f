/**
 * `@bsaas/sdk/htcondor`: HTCondor for bsaas. The ClassAd language (parse, print, evaluate, match, JSON form), the
 * configuration language (generate per role, parse back, IDTOKENS), the submit language (build, parse, expand to job
 * ads) and a pool client that drives HTCondor's own tools.
 *
 * @packageDocumentation
 */
export * from "./classad/index.js";
export * from "./config/index.js";
export * from "./local/index.js";
export * from "./pool/index.js";
export * from "./submit/index.js";
