/**
 * Hostile inputs against keys that exist (docs/behaviour.md §4, §6): the reference is deployed, then
 * an Update mistypes a Region, moves a key to a Region that is not enabled, or narrows OptInRegions
 * under a fixed-Region key. Each must answer FAILED with nothing changed: no KMS mutation, and every
 * owned key, alias and tag exactly as before.
 */
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import type { Snapshot } from '../../local/emulator/client.ts';
import { type CfnMap, type CfnValue, cloneCfn } from './cfnValue.ts';
import type { Harness } from './harness.ts';
import type { HostileSummary } from './hostile.ts';
import { type HostileInput, referenceCfn } from './hostileCorpus.ts';
import { judgeHostile } from './hostileJudge.ts';
import { type CheckOutcome, deliveryProblems, evidenceOf } from './outcome.ts';
import { CI_REGIONS, referenceProperties } from './reference.ts';

const K = 'CustomerMasterKeys';
type Keys = Record<string, Record<string, CfnValue>>;

function variant(name: string, expectPaths: string[], edit: (props: CfnMap, keys: Keys) => void): HostileInput {
  const properties = cloneCfn(referenceCfn());
  edit(properties, properties[K] as Keys);
  return { name, properties, expectPaths };
}

/** Region typos and not-usable Regions on the reference's existing keys. */
export function regionTyposOnExistingKeys(): HostileInput[] {
  return [
    variant('cmk-prod Region us-eats-1', [`${K}.cmk-prod.Region`], (_, keys) => {
      keys['cmk-prod']!.Region = 'us-eats-1';
    }),
    variant('cmk-prod ReplicaRegions eu-wset-1', [`${K}.cmk-prod.ReplicaRegions`], (_, keys) => {
      keys['cmk-prod']!.ReplicaRegions = ['us-west-2', 'eu-wset-1'];
    }),
    variant('cmk-stage Region us-wset-1', [`${K}.cmk-stage.Region`], (_, keys) => {
      keys['cmk-stage']!.Region = 'us-wset-1';
    }),
    variant('OptInRegions with eu-wset-1', ['OptInRegions'], (props) => {
      props.OptInRegions = [...CI_REGIONS.filter((r) => r !== 'eu-west-1'), 'eu-wset-1'];
    }),
    variant('cmk-prod Region me-south-1 (exists, not enabled)', ['cmk-prod (us-east-1)'], (_, keys) => {
      keys['cmk-prod']!.Region = 'me-south-1';
    }),
    variant('cmk-stage Region af-south-1 (exists, not enabled)', ['cmk-stage (us-west-1)'], (_, keys) => {
      keys['cmk-stage']!.Region = 'af-south-1';
    }),
    variant('OptInRegions drops the replica Region us-west-2 of cmk-prod', ['cmk-prod (us-west-2)'], (props) => {
      props.OptInRegions = CI_REGIONS.filter((r) => r !== 'us-west-2');
    }),
    variant('OptInRegions drops the Region us-west-1 of the fixed-Region key cmk-stage', ['cmk-stage (us-west-1)'], (props) => {
      props.OptInRegions = CI_REGIONS.filter((r) => r !== 'us-west-1');
    }),
  ];
}

/** What must not change: every owned key's state, tags, policy, description, and the aliases on them. */
function ownedView(state: Snapshot, ownerId: string): string {
  const owned = state.keys.filter((k) => k.tags[OWNERSHIP_TAGS.owner] === ownerId);
  const ids = new Set(owned.map((k) => `${k.region}/${k.keyId}`));
  return JSON.stringify({
    keys: owned.map((k) => [k.region, k.keyId, k.keyState, k.tags, k.policy, k.description]).sort(),
    aliases: state.aliases
      .filter((a) => ids.has(`${a.region}/${a.targetKeyId}`))
      .map((a) => `${a.region} ${a.aliasName} ${a.targetKeyId}`)
      .sort(),
  });
}

/** Deploys the reference once, then sends each input as an Update: FAILED, nothing changed. */
export async function runExistingKeyTypos(
  harness: Harness,
  inputs: HostileInput[],
  summary: HostileSummary,
  onOutcome: (o: CheckOutcome) => void,
): Promise<void> {
  const prepared = await harness.prepare('rel-existing-typos');
  const created = await prepared.stack.create(referenceProperties());
  const setup = deliveryProblems('Create', created, 'SUCCESS');
  if (setup.length > 0) {
    const outcome: CheckOutcome = { name: 'Region typos on existing keys: deploy the reference', ok: false, problems: setup, evidence: [evidenceOf(created)] };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
    return;
  }
  const before = ownedView(await harness.control.state(), prepared.ownerId);
  summary.existingKeys ??= { tried: 0, passed: 0 };
  for (const input of inputs) {
    const counts = await harness.control.counts();
    const updated = await prepared.stack.update(input.properties);
    const mutations = (await harness.control.counts()).mutations - counts.mutations;
    const problems = [...judgeHostile(input, updated, mutations, []).problems];
    if (ownedView(await harness.control.state(), prepared.ownerId) !== before) problems.push('the owned keys, their tags, policies or aliases changed');
    summary.existingKeys.tried += 1;
    if (problems.length === 0) summary.existingKeys.passed += 1;
    const outcome: CheckOutcome = {
      name: `Region typo on existing keys: ${input.name}`,
      ok: problems.length === 0,
      problems,
      ...(problems.length === 0 ? {} : { evidence: [evidenceOf(updated)] }),
    };
    summary.outcomes.push(outcome);
    onOutcome(outcome);
  }
  problemsOfForeign(await harness.foreignTouched(prepared), summary, onOutcome);
}

function problemsOfForeign(touched: string[], summary: HostileSummary, onOutcome: (o: CheckOutcome) => void): void {
  if (touched.length === 0) return;
  const outcome: CheckOutcome = { name: 'Region typos on existing keys: foreign keys', ok: false, problems: touched };
  summary.outcomes.push(outcome);
  onOutcome(outcome);
}
