/**
 * `npm run reliability` (docs/behaviour.md §6, §8): drives the real bundle (`dist/handler/index.mjs`) through the
 * CloudFormation driver against the local KMS emulator and checks what users fear most — crash at
 * every mutating step, KMS and ResponseURL faults, a deadline, hostile properties, forged requests
 * (`forged_requests`: events CloudFormation is not carrying out, untrusted ResponseURLs), foreign keys.
 * Prints a table, writes `bench/reliability.json`, exits non-zero when any check fails.
 *
 *   node bench/reliability.ts [--full] [--only crash,faults,hostile] [--fuzz N] [--seed N]
 *
 * The default run is sized for CI (5 Regions, one fault seed, 1,000 fuzz inputs); `--full` uses
 * all 17 default Regions, three fault seeds and 10,000 fuzz inputs.
 * The field-realism blocks (`--only consistency,primary,denied,iam`, reliability/field*.ts) run the
 * product against an emulator as unkind as AWS: eventual consistency, `Updating` keys, an SCP
 * denying a Region, and IAM evaluated against template.yaml's execution-role policy.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ENABLED_REGIONS } from '../local/emulator/index.ts';
import { type CrashSummary, runCrashPoints } from './reliability/crashPoints.ts';
import { type FaultSummary, runFaults } from './reliability/faults.ts';
import { type BlockSummary, runEventualConsistency, runUpdatePrimaryRegion } from './reliability/field.ts';
import { runDeniedRegions, runIamEvaluated } from './reliability/fieldAccess.ts';
import { type ForgedSummary, runForged } from './reliability/forged.ts';
import { fuzzInputs } from './reliability/fuzz.ts';
import { startHarness } from './reliability/harness.ts';
import { type HostileSummary, runHostile } from './reliability/hostile.ts';
import { hostileCorpus } from './reliability/hostileCorpus.ts';
import type { CheckOutcome } from './reliability/outcome.ts';
import { CI_REGIONS } from './reliability/reference.ts';
import { buildReport, formatReport } from './reliability/report.ts';

const REPORT_PATH = new URL('./reliability.json', import.meta.url);
const PARTS = ['crash', 'faults', 'hostile', 'forged', 'consistency', 'primary', 'denied', 'iam'] as const;
/** Report block of each field-realism part. */
const FIELD_BLOCKS = { consistency: 'eventual_consistency', primary: 'update_primary_region', denied: 'denied_regions', iam: 'iam_evaluated' } as const;

const { values } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    fuzz: { type: 'string' },
    seed: { type: 'string', default: '20240601' },
  },
  strict: true,
});

const only = values.only === undefined ? [...PARTS] : values.only.split(',').map((p) => p.trim());
const unknownParts = only.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknownParts.length > 0) throw new Error(`--only: unknown part(s) ${unknownParts.join(', ')}; known: ${PARTS.join(', ')}`);
const fuzzCount = Number(values.fuzz ?? (values.full ? 10_000 : 1_000));
const seed = Number(values.seed);
if (!Number.isInteger(fuzzCount) || fuzzCount < 0 || !Number.isInteger(seed)) throw new Error('--fuzz and --seed must be integers');

const config = {
  mode: values.full ? 'full' : 'ci',
  regions: values.full ? [...DEFAULT_ENABLED_REGIONS] : CI_REGIONS,
  // The emulator's (and roughly KMS's) time for a new replica to leave Creating.
  replicaCreatingMs: 2000,
  faultSeeds: values.full ? [1, 2, 3] : [1],
  fuzzInputs: fuzzCount,
  fuzzSeed: seed,
  parts: only,
};

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const progress = (outcome: CheckOutcome): void => {
  const detail = outcome.ok
    ? ''
    : `\n        ${outcome.problems
        .slice(0, 4)
        .map((p) => p.slice(0, 400))
        .join('\n        ')}`;
  console.log(`${elapsed()}  ${outcome.ok ? 'ok  ' : 'FAIL'}  ${outcome.name}${detail}`);
};

const harness = await startHarness({ regions: config.regions, replicaCreatingMs: config.replicaCreatingMs });
let crash: CrashSummary = { tried: 0, converged: 0, duplicates: 0, orphans: 0, missingAliases: 0, requests: [], outcomes: [] };
let faults: FaultSummary = { scenarios: 0, passed: 0, outcomes: [] };
let hostile: HostileSummary = {
  tried: 0,
  rejectedWithPath: 0,
  allPathsNamed: 0,
  accepted: 0,
  kmsMutations: 0,
  kmsCalls: 0,
  unhandled: 0,
  viaDriver: 0,
  responseUrlLeaks: 0,
  deleteWithGarbage: { tried: 0, passed: 0 },
  outcomes: [],
};
let forged: ForgedSummary = { tried: 0, refused: 0, keys_changed: 0, puts_to_untrusted_hosts: 0, outcomes: [] };
const field: Partial<Record<keyof typeof FIELD_BLOCKS, BlockSummary>> = {};
let crashedSuite: unknown;
try {
  if (only.includes('hostile')) {
    const corpus = hostileCorpus();
    // A spread-out sample of the corpus also goes through the driver (a fresh process per request).
    const sample = corpus.filter((input, i) => i % (values.full ? 3 : 8) === 0 && !Object.hasOwn(input.properties, '__proto__'));
    hostile = await runHostile(harness, [...corpus, ...fuzzInputs(fuzzCount, seed)], sample, progress);
  }
  if (only.includes('forged')) forged = await runForged(harness, progress);
  if (only.includes('faults')) faults = await runFaults(harness, config.faultSeeds, progress);
  if (only.includes('crash')) crash = await runCrashPoints(harness, progress);
  // Each field block starts its own emulator: one realism per emulator.
  if (only.includes('consistency')) field.consistency = await runEventualConsistency(config.regions, values.full ? 12 : 5, progress);
  if (only.includes('primary')) field.primary = await runUpdatePrimaryRegion(config.regions, progress);
  if (only.includes('denied')) field.denied = await runDeniedRegions(config.regions, progress);
  if (only.includes('iam')) field.iam = await runIamEvaluated(config.regions, progress);
} catch (error) {
  // A broken suite must fail loudly, never pass by running nothing.
  crashedSuite = error;
} finally {
  await harness.close();
}

const report = buildReport({
  crash,
  faults,
  hostile,
  foreignKeysTouched: harness.touchedTotal,
  config,
  durationS: Math.round((Date.now() - started) / 1000),
  ran: { crash: only.includes('crash'), faults: only.includes('faults'), hostile: only.includes('hostile') },
});
const fieldBlocks: Record<string, { scenarios: number; passed: number; cases: { name: string; ok: boolean }[] }> = {};
for (const [part, block] of Object.entries(FIELD_BLOCKS) as [keyof typeof FIELD_BLOCKS, string][]) {
  if (!only.includes(part)) continue;
  const summary = field[part] ?? { scenarios: 0, passed: 0, outcomes: [] };
  // Each named case of the block, so the report shows which ran (a crash-point case stands for several
  // scenarios; e.g. the Delete right after a failed Create).
  fieldBlocks[block] = { scenarios: summary.scenarios, passed: summary.passed, cases: summary.outcomes.map((o) => ({ name: o.name, ok: o.ok })) };
  if (summary.scenarios === 0) report.failed_checks.push(`${block}: no scenario ran`);
  else if (summary.passed < summary.scenarios)
    report.failed_checks.push(`${block}: ${summary.scenarios - summary.passed} of ${summary.scenarios} scenarios failed`);
  report.failures.push(...summary.outcomes.filter((o) => !o.ok));
}
const forgedBlock: Record<string, Omit<ForgedSummary, 'outcomes'>> = {};
if (only.includes('forged')) {
  const { outcomes, ...counts } = forged;
  forgedBlock.forged_requests = counts;
  if (counts.tried === 0) report.failed_checks.push('forged_requests: no forged request ran');
  if (counts.refused < counts.tried) report.failed_checks.push(`forged_requests: ${counts.tried - counts.refused} of ${counts.tried} not refused`);
  if (counts.keys_changed > 0) report.failed_checks.push(`forged_requests: ${counts.keys_changed} key(s) changed`);
  if (counts.puts_to_untrusted_hosts > 0) report.failed_checks.push(`forged_requests: ${counts.puts_to_untrusted_hosts} PUT(s) to untrusted hosts`);
  report.failures.push(...outcomes.filter((o) => !o.ok));
}
report.ok = report.failed_checks.length === 0;
if (crashedSuite !== undefined) {
  report.ok = false;
  report.failed_checks.push(`the suite itself failed: ${crashedSuite instanceof Error ? (crashedSuite.stack ?? crashedSuite.message) : String(crashedSuite)}`);
}
const { ok, failed_checks, config: ranWith, duration_s, failures, ...blocks } = report;
const written = { ...blocks, ...forgedBlock, ...fieldBlocks, ok, failed_checks, config: ranWith, duration_s, failures };
writeFileSync(REPORT_PATH, `${JSON.stringify(written, null, 2)}\n`);
console.log(formatReport(report));
for (const [block, { scenarios, passed }] of Object.entries(fieldBlocks)) console.log(`${block.padEnd(24)} ${passed}/${scenarios} passed`);
if (forgedBlock.forged_requests !== undefined) console.log(`${'forged_requests'.padEnd(24)} ${JSON.stringify(forgedBlock.forged_requests)}`);
console.log(`\nreport: bench/reliability.json`);
process.exitCode = report.ok ? 0 : 1;
