/**
 * The readable form of a `PlanReport`: a headline, then per Region and key one line per action
 * (`+` creates, `~` changes in place, `-` destroys or releases, marked DESTRUCTIVE), each followed by
 * what was found in KMS; then refusals, replacements, invalid inputs and skipped Regions.
 */
import type { Effect } from './actionTraits.ts';
import type { PlanReport } from './report.ts';

export interface RenderOptions {
  /**
   * `drift`: the template is the deployed one, so every action is a difference made outside
   * CloudFormation. `plan` (default): what an Update to the template would do.
   */
  mode?: 'plan' | 'drift';
  /** Extra lines printed under the headline (the execution role used, the account, …). */
  notes?: string[];
}

const MARKERS: Record<Effect, string> = { create: '+', change: '~', destroy: '-', release: '-' };

export function renderPlanText(report: PlanReport, options: RenderOptions = {}): string {
  const mode = options.mode ?? 'plan';
  const lines: string[] = [headline(report, mode), ...(options.notes ?? []).map((note) => `  ${note}`)];
  // Inputs the template names that get no key or replica: said first, whatever ReturnAttributes selects.
  if (report.warnings.length > 0) lines.push('', ...report.warnings.map((warning) => `WARNING: ${warning}`));

  for (const { region, keys } of report.regions) {
    lines.push('', region);
    for (const key of keys) {
      const ids = key.keyIds.length > 0 ? `  key ${key.keyIds.join(', ')}` : '';
      const replaces = key.replaces === null ? '' : `  -/+ REPLACEMENT: a new key replaces ${key.replaces.join(', ')}`;
      lines.push(`  ${key.keyName}${replaces === '' ? ids : ''}${replaces}`);
      for (const action of key.actions) {
        const marks = [action.destructive ? 'DESTRUCTIVE' : '', action.classified ? '' : '(unclassified action)', action.heldBack ? '(held back)' : '']
          .filter((m) => m !== '')
          .join(' ');
        lines.push(`    ${MARKERS[action.effect]} ${action.summary}${marks === '' ? '' : `  ${marks}`}`);
        if (action.finding !== null) lines.push(`        ${mode === 'drift' ? 'drift' : 'found'}: ${action.finding}`);
        for (const removed of action.removedAccess) lines.push(`        removes: ${removed}`);
      }
    }
  }

  if (report.refusals.length > 0) {
    lines.push('', 'REFUSED: an Update to this template would fail and change nothing:');
    for (const r of report.refusals)
      lines.push(`  x ${r.keyName}${r.region === null ? '' : ` (${r.region})`}${r.replacement ? ' [replacement]' : ''}: ${r.reason}`);
    if (report.counts.heldBack > 0) lines.push(`  The ${report.counts.heldBack} action(s) marked (held back) would run once the refusals are resolved.`);
  }
  if (report.invalidCmkInputs.length > 0 && report.warnings.length === 0) {
    lines.push('', `Not created (Region not enabled or outside OptInRegions; InvalidCmkInputs): ${report.invalidCmkInputs.join(', ')}`);
  }
  const invalidReplicas = Object.entries(report.invalidReplicaRegions);
  if (invalidReplicas.length > 0 && report.warnings.length === 0) {
    lines.push('', 'Replica Regions not used (not enabled or outside OptInRegions; InvalidReplicaRegions):');
    for (const [keyName, regions] of invalidReplicas) lines.push(`  ${keyName}: ${regions.join(', ')}`);
  }
  if (report.skippedRegions.length > 0) {
    lines.push('', `Skipped Regions (KMS denied access, no key wanted there): ${report.skippedRegions.join(', ')}`);
  }
  if (report.inTransition.length > 0) {
    const keys = report.inTransition.map((k) => `${k.keyId} in ${k.region} (${k.state})`).join(', ');
    lines.push('', `Keys in transition, which the function waits for before it plans (this plan may change once they settle): ${keys}`);
  }
  return `${lines.join('\n')}\n`;
}

function headline(report: PlanReport, mode: 'plan' | 'drift'): string {
  const regions = `${report.regionsRead.length} Region${report.regionsRead.length === 1 ? '' : 's'} read`;
  const { counts } = report;
  const extras = [
    counts.destructive > 0 ? `${counts.destructive} destructive` : '',
    counts.replacements > 0 ? `${counts.replacements} replacement${counts.replacements === 1 ? '' : 's'}` : '',
  ].filter((e) => e !== '');
  const extra = extras.length > 0 ? ` (${extras.join(', ')})` : '';
  switch (report.status) {
    case 'unchanged':
      return mode === 'drift' ? `No drift: KMS matches the template (${regions}).` : `No changes: an Update to this template would not call KMS (${regions}).`;
    case 'changes':
      return mode === 'drift'
        ? `DRIFT: ${counts.actions} difference(s) between KMS and the template${extra}, ${regions}. An Update with this template would make these calls:`
        : `Plan: ${counts.actions} KMS action(s)${extra}, ${regions}:`;
    case 'refused':
      return `${mode === 'drift' ? 'DRIFT: ' : ''}REFUSED: ${counts.refusals} refusal(s)${counts.heldBack > 0 ? `, ${counts.heldBack} action(s) held back${extra}` : ''}, ${regions}.`;
  }
}
