/**
 * Plan reports (`npm run plan`, `npm start -- --update`): the planner's plan, grouped per Region
 * and key, with destructive actions, replacements and refusals marked, as text or plain JSON.
 */
export { describeAction, type Effect, effectRegionOf, isDestructive, keyText } from './actionTraits.ts';
export { type ExecutionRole, executionRoleNote } from './executionRole.ts';
export { findingOf, policyFinding } from './findings.ts';
export { planAroundRefusals } from './heldBack.ts';
export { type PlanResourceInput, type PlanResourceResult, planResource } from './planResource.ts';
export { MutationRefusedError, readOnlyKms, readOnlyKmsFactory } from './readOnlyKms.ts';
export { type RenderOptions, renderPlanText } from './renderText.ts';
export {
  buildPlanReport,
  type KeyReport,
  PLAN_REPORT_VERSION,
  type PlannedAction,
  type PlanReport,
  type PlanReportInput,
  type RegionReport,
  type ReportedRefusal,
} from './report.ts';
