/**
 * Forged requests (docs/iam.md "Who can use the function"): a deployed reference resource, then each
 * event of `forgedEvents` delivered through the driver without CloudFormation carrying it out.
 * Every one must be refused, change no key (state, tags, policy, aliases, grants), make no KMS
 * call, and send no PUT to a host that is not the trusted one.
 */
import type { Snapshot } from '../../local/emulator/client.ts';
import type { Harness } from './harness.ts';
import { forgedEvents } from './hostileCorpus.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { referenceProperties, stackAddress } from './reference.ts';

export interface ForgedSummary {
  tried: number;
  refused: number;
  /** Keys (members) whose state, tags, policy, aliases or grants differ after a forged request. */
  keys_changed: number;
  /** PUTs (or attempts) towards a ResponseURL that is not the trusted one. */
  puts_to_untrusted_hosts: number;
  outcomes: CheckOutcome[];
}

/** Every key as JSON, by `<region>/<keyId>`, with the aliases targeting it. */
function keyViews(state: Snapshot): Map<string, string> {
  const views = new Map<string, string>();
  for (const key of state.keys) {
    const aliases = state.aliases.filter((a) => a.region === key.region && a.targetKeyId === key.keyId).map((a) => a.aliasName);
    const { keyState, tags, policy, description, rotation, grants, replicaRegions } = key;
    views.set(`${key.region}/${key.keyId}`, JSON.stringify({ keyState, tags, policy, description, rotation, grants, replicaRegions, aliases }));
  }
  return views;
}

function changedKeys(before: Map<string, string>, after: Map<string, string>): string[] {
  const ids = new Set([...before.keys(), ...after.keys()]);
  return [...ids].filter((id) => before.get(id) !== after.get(id));
}

export async function runForged(harness: Harness, onOutcome: (o: CheckOutcome) => void): Promise<ForgedSummary> {
  const summary: ForgedSummary = { tried: 0, refused: 0, keys_changed: 0, puts_to_untrusted_hosts: 0, outcomes: [] };
  const prepared = await harness.prepare('rel-forged');
  const { stack } = prepared;
  const created = await stack.create(referenceProperties());
  const setup = deliveryProblems('Create', created, 'SUCCESS');
  if (setup.length > 0) {
    const outcome = { name: 'forged: deploy the reference', ok: false, problems: setup, evidence: [evidenceOf(created)] };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
    return summary;
  }
  // CloudFormation has read the answer: the resource is CREATE_COMPLETE.
  await stack.driver.stackEvents?.settle(stack.resource.stackId);
  const attacker = stackAddress('rel-forged-attacker').stackId;
  await stack.driver.stackEvents?.record(attacker, [
    {
      logicalResourceId: stack.resource.logicalResourceId,
      physicalResourceId: 'mrkk-attacker',
      resourceType: stack.resource.resourceType,
      resourceStatus: 'DELETE_IN_PROGRESS',
    },
  ]);
  const victim = (type: 'Create' | 'Update' | 'Delete') => stack.nextEvent(type, type === 'Delete' ? undefined : referenceProperties());
  for (const forged of forgedEvents(victim, attacker)) {
    const before = keyViews(await harness.control.state());
    const counts = await harness.control.counts();
    const stray = harness.responses.strayPuts().length;
    const result = await stack.driver.deliver(forged.event, { recordStackEvents: false });
    const after = await harness.control.state();
    const calls = await harness.control.counts();
    const problems: string[] = [];
    const changed = changedKeys(before, keyViews(after));
    const kmsCalls = Object.entries(calls.byOperation)
      .filter(([op]) => op !== 'DescribeStackEvents')
      .reduce((n, [op, c]) => n + c - (counts.byOperation[op] ?? 0), 0);
    const refusedLine = result.stdout.split('\n').filter((l) => l.includes('"request refused"'));
    const untrustedPuts = forged.untrusted
      ? result.puts.length + harness.responses.strayPuts().length - stray + (result.stdout.match(/response PUT failed/g) ?? []).length
      : 0;
    const refused =
      refusedLine.length === 1 && (forged.untrusted ? result.putCount === 0 : result.status === 'FAILED' && /^Request refused/.test(result.reason ?? ''));
    if (!refused) problems.push(`not refused as required (status ${result.status ?? 'none'}, ${refusedLine.length} refusal line(s)): ${result.reason ?? ''}`);
    if (changed.length > 0) problems.push(`keys changed: ${changed.join(', ')}`);
    if (kmsCalls > 0) problems.push(`${kmsCalls} KMS/Account call(s) made`);
    if (untrustedPuts > 0) problems.push(`${untrustedPuts} PUT(s) towards an untrusted ResponseURL`);
    if (/arn:aws:kms:/.test(refusedLine.join(''))) problems.push('a key ARN in the refusal line');
    summary.tried += 1;
    if (refused) summary.refused += 1;
    summary.keys_changed += changed.length;
    summary.puts_to_untrusted_hosts += untrustedPuts;
    const outcome: CheckOutcome = {
      name: `forged: ${forged.name}`,
      ok: problems.length === 0,
      problems,
      ...(problems.length === 0 ? {} : { evidence: [evidenceOf(result)] }),
    };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  }
  return summary;
}
