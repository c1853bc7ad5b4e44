import { judgeHostile } from '../../bench/reliability/hostileJudge.ts';
import { buildReport, formatReport, MIN_HOSTILE_INPUTS } from '../../bench/reliability/report.ts';
import type { CheckedAnswer } from '../../local/driver/index.ts';

const input = { name: 'bad window', properties: {}, expectPaths: ['CustomerMasterKeys.cmk-prod.DeletionWindowInDays'] };

function answer(overrides: Partial<CheckedAnswer>): CheckedAnswer {
  return { status: 'FAILED', reason: null, physicalResourceId: 'mrkk-1', data: null, noEcho: false, violations: [], putCount: 1, bodyBytes: 200, ...overrides };
}

describe('Function: judgeHostile', () => {
  it('accepts a FAILED answer naming the path, without mutations', () => {
    // Act
    const verdict = judgeHostile(input, answer({ reason: 'CustomerMasterKeys.cmk-prod.DeletionWindowInDays: must be 7–30, got 3' }), 0, []);

    // Assess
    expect(verdict).toEqual({ rejectedWithPath: true, allPathsNamed: true, accepted: false, problems: [] });
  });

  it('flags an accepted input, a Reason without the path, mutations and unhandled errors', () => {
    // Act
    const accepted = judgeHostile(input, answer({ status: 'SUCCESS' }), 2, ['unhandledRejection: boom']);
    const vague = judgeHostile(input, answer({ reason: 'Invalid properties' }), 0, []);

    // Assess
    expect(accepted.accepted).toBe(true);
    expect(accepted.problems).toEqual([
      'accepted: answered SUCCESS to invalid properties',
      '2 KMS mutation(s) before the refusal',
      'unhandled: unhandledRejection: boom',
    ]);
    expect(vague.rejectedWithPath).toBe(false);
    expect(vague.problems[0]).toMatch(/^the Reason names none of/);
  });

  it('carries the driver checks (e.g. an oversize answer) as problems', () => {
    // Act
    const verdict = judgeHostile(input, answer({ reason: 'CustomerMasterKeys.cmk-prod.DeletionWindowInDays: x', violations: ['body is 5000 bytes'] }), 0, []);

    // Assess
    expect(verdict.problems).toEqual(['body is 5000 bytes']);
  });
});

describe('Function: buildReport', () => {
  const ran = { crash: true, faults: true, hostile: true };
  const passing = {
    crash: {
      tried: 3,
      converged: 3,
      duplicates: 0,
      orphans: 0,
      missingAliases: 0,
      requests: [{ name: 'Create', mutations: 3, tried: 3, converged: 3 }],
      outcomes: [],
    },
    faults: { scenarios: 2, passed: 2, outcomes: [{ name: 'fault: x', ok: true, problems: [] }] },
    hostile: {
      tried: MIN_HOSTILE_INPUTS,
      rejectedWithPath: MIN_HOSTILE_INPUTS,
      allPathsNamed: 900,
      accepted: 0,
      kmsMutations: 0,
      kmsCalls: 0,
      unhandled: 0,
      viaDriver: 10,
      responseUrlLeaks: 0,
      deleteWithGarbage: { tried: 2, passed: 2 },
      outcomes: [],
    },
    foreignKeysTouched: 0,
    config: {},
    durationS: 1,
    ran,
  };

  it('passes when every check passed, with the published figures', () => {
    // Act
    const report = buildReport(passing);

    // Assess
    expect(report.ok).toBe(true);
    expect(report.crash_points).toMatchObject({ tried: 3, converged: 3, duplicates: 0, orphans: 0 });
    expect(report.faults).toMatchObject({ scenarios: 2, passed: 2 });
    expect(report.hostile_inputs).toMatchObject({ tried: MIN_HOSTILE_INPUTS, rejected_with_path: MIN_HOSTILE_INPUTS, kms_mutations: 0, unhandled: 0 });
    expect(report.foreign_keys_touched).toBe(0);
    expect(formatReport(report)).toContain('PASSED');
  });

  it('fails on each kind of problem, saying which', () => {
    // Act
    const report = buildReport({
      ...passing,
      crash: { ...passing.crash, converged: 2, orphans: 1 },
      faults: { ...passing.faults, passed: 1 },
      hostile: { ...passing.hostile, tried: 10, rejectedWithPath: 9, kmsMutations: 1, deleteWithGarbage: { tried: 2, passed: 1 } },
      foreignKeysTouched: 1,
    });

    // Assess
    expect(report.ok).toBe(false);
    expect(report.failed_checks).toEqual([
      '1 of 3 crash points did not converge',
      '1 orphaned key(s) after crashes',
      '1 of 2 fault scenarios failed',
      `only 10 hostile inputs tried (at least ${MIN_HOSTILE_INPUTS} required)`,
      '1 of 10 hostile inputs not refused with a Reason naming the path',
      '1 KMS mutation(s) caused by hostile inputs',
      '1 of 2 Deletes with garbage properties failed',
      '1 foreign key(s) touched',
    ]);
  });

  it('does not apply the checks of a part that did not run', () => {
    // Act
    const report = buildReport({ ...passing, hostile: { ...passing.hostile, tried: 0, rejectedWithPath: 0 }, ran: { ...ran, hostile: false } });

    // Assess
    expect(report.ok).toBe(true);
  });

  it('fails a part that ran but tried nothing', () => {
    // Act
    const report = buildReport({ ...passing, crash: { ...passing.crash, tried: 0, converged: 0 } });

    // Assess
    expect(report.failed_checks).toContain('no crash point was tried');
  });
});
