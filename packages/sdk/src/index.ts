/**
 * `@bsaas/sdk`: the typed core of bsaas. Areas are also published as subpaths (`@bsaas/sdk/cluster`, ...).
 *
 * @packageDocumentation
 */
export * from "./cluster/index.js";
export * from "./errors.js";
export { Secret } from "./secret.js";
