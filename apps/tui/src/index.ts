/**
 * `@bsaas/tui`: the bsaas terminal dashboard, built with Ink. Components only draw; data comes from @bsaas/sdk
 * (`watchCluster` for live state, `ClusterClient` for actions). `runDashboard` runs it (`bsaas tui`).
 *
 * @packageDocumentation
 */

export {
  AppDetails,
  type AppDetailsProps,
  type AppDetailsState,
  appDetailLines,
  shortTaskId,
} from "./AppDetails.js";
export { clusterActions, type DashboardActions } from "./actions.js";
export { ClusterOverview, type ClusterOverviewProps } from "./ClusterOverview.js";
export { Dashboard, type DashboardProps, PANELS, type PanelId, type WatchSource } from "./Dashboard.js";
export { Help, KEYS } from "./Help.js";
export {
  AppsPanel,
  DeploymentsPanel,
  EventLog,
  HTCondorPanel,
  MesosPanel,
  type SampleState,
} from "./panels.js";
export { type RunDashboardOptions, runDashboard } from "./run.js";
export { ScaleDialog, type ScaleState } from "./ScaleDialog.js";
export { makeTheme, noColorFromEnv, type Theme, type Tone } from "./theme.js";
