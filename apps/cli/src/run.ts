// The CLI's entry, bundled with @oclif/core and shared with the command bundles (see tsup.config.ts): one file to
// load at start-up instead of hundreds of modules, which is most of a cold start.
export { execute } from "@oclif/core/execute";
