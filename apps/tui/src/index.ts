/**
 * `@bsaas/tui`: Ink components for the bsaas terminal dashboard. Components only draw; data comes from @bsaas/sdk.
 *
 * @packageDocumentation
 */
export { ClusterOverview, type ClusterOverviewProps } from "./ClusterOverview.js";
