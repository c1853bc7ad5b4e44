/**
 * The suite's report: `bench/reliability.json` (the figures the project publishes, plus every
 * failure with its evidence), a table for the console, and the list of failed checks that decides
 * the exit code.
 */
import type { CrashSummary } from './crashPoints.ts';
import type { FaultSummary } from './faults.ts';
import type { HostileSummary } from './hostile.ts';
import type { CheckOutcome } from './outcome.ts';

/** The minimum number of hostile inputs a run must try (corpus + fuzz). */
export const MIN_HOSTILE_INPUTS = 1000;

export interface ReliabilityReport {
  crash_points: { tried: number; converged: number; duplicates: number; orphans: number; missing_aliases: number; per_request: CrashSummary['requests'] };
  faults: { scenarios: number; passed: number; results: { name: string; ok: boolean; reason: string }[] };
  hostile_inputs: {
    tried: number;
    rejected_with_path: number;
    kms_mutations: number;
    unhandled: number;
    accepted: number;
    all_paths_named: number;
    api_calls_while_refusing: number;
    via_driver: number;
    response_url_leaks: number;
    delete_with_garbage: { tried: number; passed: number };
    /** Updates of deployed keys with a Region typo or a Region no longer usable: FAILED, nothing changed. */
    region_typos_on_existing_keys: { tried: number; passed: number };
  };
  foreign_keys_touched: number;
  ok: boolean;
  failed_checks: string[];
  config: Record<string, unknown>;
  duration_s: number;
  failures: CheckOutcome[];
}

/** Builds the report from the three parts (a part not run counts as empty). */
export function buildReport(parts: {
  crash: CrashSummary;
  faults: FaultSummary;
  hostile: HostileSummary;
  foreignKeysTouched: number;
  config: Record<string, unknown>;
  durationS: number;
  /** Which parts ran; the checks of a part that did not run are not applied. */
  ran: { crash: boolean; faults: boolean; hostile: boolean };
}): ReliabilityReport {
  const { crash, faults, hostile } = parts;
  const report: ReliabilityReport = {
    crash_points: {
      tried: crash.tried,
      converged: crash.converged,
      duplicates: crash.duplicates,
      orphans: crash.orphans,
      missing_aliases: crash.missingAliases,
      per_request: crash.requests,
    },
    faults: {
      scenarios: faults.scenarios,
      passed: faults.passed,
      results: faults.outcomes.map((o) => ({ name: o.name, ok: o.ok, reason: o.ok ? 'passed' : o.problems.slice(0, 3).join(' | ') })),
    },
    hostile_inputs: {
      tried: hostile.tried,
      rejected_with_path: hostile.rejectedWithPath,
      kms_mutations: hostile.kmsMutations,
      unhandled: hostile.unhandled,
      accepted: hostile.accepted,
      all_paths_named: hostile.allPathsNamed,
      api_calls_while_refusing: hostile.kmsCalls,
      via_driver: hostile.viaDriver,
      response_url_leaks: hostile.responseUrlLeaks,
      delete_with_garbage: hostile.deleteWithGarbage,
      region_typos_on_existing_keys: hostile.existingKeys ?? { tried: 0, passed: 0 },
    },
    foreign_keys_touched: parts.foreignKeysTouched,
    ok: true,
    failed_checks: [],
    config: parts.config,
    duration_s: parts.durationS,
    failures: [...crash.outcomes, ...faults.outcomes, ...hostile.outcomes].filter((o) => !o.ok),
  };
  report.failed_checks = failedChecks(report, parts.ran);
  report.ok = report.failed_checks.length === 0;
  return report;
}

/** Every check of the suite that failed, in words; empty when the run passed. */
export function failedChecks(report: ReliabilityReport, ran: { crash: boolean; faults: boolean; hostile: boolean }): string[] {
  const failed: string[] = [];
  const c = report.crash_points;
  if (ran.crash) {
    if (c.tried === 0) failed.push('no crash point was tried');
    if (c.converged < c.tried) failed.push(`${c.tried - c.converged} of ${c.tried} crash points did not converge`);
    if (c.duplicates > 0) failed.push(`${c.duplicates} duplicate key(s) after crashes`);
    if (c.orphans > 0) failed.push(`${c.orphans} orphaned key(s) after crashes`);
    if (c.missing_aliases > 0) failed.push(`${c.missing_aliases} missing alias(es) after crashes`);
  }
  const f = report.faults;
  if (ran.faults) {
    if (f.scenarios === 0) failed.push('no fault scenario ran');
    if (f.passed < f.scenarios) failed.push(`${f.scenarios - f.passed} of ${f.scenarios} fault scenarios failed`);
  }
  const h = report.hostile_inputs;
  if (ran.hostile) {
    if (h.tried < MIN_HOSTILE_INPUTS) failed.push(`only ${h.tried} hostile inputs tried (at least ${MIN_HOSTILE_INPUTS} required)`);
    if (h.rejected_with_path < h.tried) failed.push(`${h.tried - h.rejected_with_path} of ${h.tried} hostile inputs not refused with a Reason naming the path`);
    if (h.accepted > 0) failed.push(`${h.accepted} hostile input(s) accepted`);
    if (h.kms_mutations > 0) failed.push(`${h.kms_mutations} KMS mutation(s) caused by hostile inputs`);
    if (h.unhandled > 0) failed.push(`${h.unhandled} unhandled exception(s) on hostile inputs`);
    if (h.response_url_leaks > 0) failed.push(`${h.response_url_leaks} ResponseURL(s) found in the function's logs`);
    const d = h.delete_with_garbage;
    if (d.passed < d.tried) failed.push(`${d.tried - d.passed} of ${d.tried} Deletes with garbage properties failed`);
    const t = h.region_typos_on_existing_keys;
    if (t.passed < t.tried) failed.push(`${t.tried - t.passed} of ${t.tried} Region typos on existing keys changed something or were not refused`);
  }
  if (report.foreign_keys_touched > 0) failed.push(`${report.foreign_keys_touched} foreign key(s) touched`);
  return failed;
}

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

/** The console table. */
export function formatReport(report: ReliabilityReport): string {
  const c = report.crash_points;
  const f = report.faults;
  const h = report.hostile_inputs;
  const lines = [
    '',
    'Reliability suite',
    table([
      ['crash points converged', `${c.converged} / ${c.tried}`],
      ['  duplicates / orphans / missing aliases', `${c.duplicates} / ${c.orphans} / ${c.missing_aliases}`],
      ...c.per_request.map((r): [string, string] => [`  ${r.name}`, `${r.converged} / ${r.tried} (clean run: ${r.mutations} mutations)`]),
      ['fault scenarios passed', `${f.passed} / ${f.scenarios}`],
      ...f.results.map((r): [string, string] => [`  ${r.ok ? 'pass' : 'FAIL'} ${r.name.slice(0, 70)}`, r.ok ? '' : r.reason.slice(0, 160)]),
      ['hostile inputs refused naming the path', `${h.rejected_with_path} / ${h.tried} (all paths named: ${h.all_paths_named}; via driver: ${h.via_driver})`],
      ['  accepted / KMS mutations / unhandled', `${h.accepted} / ${h.kms_mutations} / ${h.unhandled}`],
      ['  API reads while refusing', String(h.api_calls_while_refusing)],
      ['  ResponseURL leaks in logs', String(h.response_url_leaks)],
      ['  Delete with garbage properties', `${h.delete_with_garbage.passed} / ${h.delete_with_garbage.tried}`],
      ['  Region typos on existing keys (FAILED, nothing changed)', `${h.region_typos_on_existing_keys.passed} / ${h.region_typos_on_existing_keys.tried}`],
      ['foreign keys touched', String(report.foreign_keys_touched)],
      ['duration', `${report.duration_s} s`],
    ]),
    '',
    report.ok ? 'PASSED' : `FAILED:\n${report.failed_checks.map((c) => `  - ${c}`).join('\n')}`,
  ];
  return lines.join('\n');
}
