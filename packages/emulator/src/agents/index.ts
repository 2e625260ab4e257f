export {
  AgentCluster,
  type AgentClusterOptions,
  type Allocation,
  DEFAULT_AGENT,
  evaluateAgent,
} from "./cluster.js";
export { CONSTRAINT_OPERATORS, constraintProblem, fieldValue, meetsConstraint } from "./constraints.js";
export { ProcessRunner, type ProcessRunnerOptions } from "./process-runner.js";
export {
  type CommandCheckResult,
  nowIso,
  type TaskCommand,
  type TaskFetchUri,
  type TaskLaunchSpec,
  type TaskRunner,
  type TaskStatusListener,
  type TaskStatusUpdate,
} from "./runner.js";
export { SimulatedRunner, type SimulatedRunnerOptions } from "./simulated-runner.js";
export {
  type Agent,
  type AgentEvaluation,
  type AgentSpec,
  type Constraint,
  isTerminalState,
  type MesosTaskState,
  type NoOfferMatchReason,
  type PlacedInstance,
  type PlacementRequest,
  type PlacementResult,
  type PortRange,
  REASON_FUNNEL,
  type ScalarResources,
} from "./types.js";
