import fc from 'fast-check';
import { desiredGrantsOf } from '../../lib/desired/grants.ts';
import { OWNERSHIP_TAGS, ownershipOf } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import type { ActualState, DesiredKey, DesiredState, KeySpec, Owner, Plan, RemovalPolicy, TagMap } from '../../lib/types.ts';
import type { FakeKms } from '../support/fakeKmsApi.ts';
import { executePlan, type PlanRun, planRun, readPlanInput, resolvedBindings } from '../support/planRun.ts';
import { desiredKey, desiredState, OTHER_POLICY, OWNER, POLICY, REGIONS, SIBLING, STRANGER } from './fixtures.ts';

const NAMES = ['a', 'b', 'c'];
const SPECS: KeySpec[] = ['SYMMETRIC_DEFAULT', 'RSA_2048', 'RSA_3072', 'HMAC_256'];
const OWNERS = { self: OWNER, sibling: SIBLING, stranger: STRANGER } as const;

const arbKeyConfig = fc.record({
  name: fc.constantFrom(...NAMES),
  perRegion: fc.boolean(),
  primaryRegion: fc.constantFrom(...REGIONS),
  replicas: fc.subarray(REGIONS),
  multiRegion: fc.boolean(),
  spec: fc.constantFrom(...SPECS),
  enabled: fc.boolean(),
  rotationEnabled: fc.boolean(),
  period: fc.constantFrom(90, 365),
  policy: fc.constantFrom(POLICY, OTHER_POLICY),
  description: fc.constantFrom('first', 'second'),
  tags: fc.constantFrom<TagMap[]>({}, { Team: 'platform' }, { Team: 'data', Env: 'prod' }),
  window: fc.constantFrom(7, 30),
  removalPolicy: fc.constantFrom<RemovalPolicy>('Delete', 'Delete', 'Retain'),
  allowReplacement: fc.constantFrom(true, true, false),
  extras: fc.subarray(['v2', 'old']),
  grants: fc.constantFrom<string[][]>([], [], ['g1'], ['g1', 'g2']),
  grantOps: fc.constantFrom<string[][]>(['Decrypt'], ['Decrypt', 'Encrypt']),
  grantRegion: fc.option(fc.constantFrom(...REGIONS)),
});
type KeyConfig = typeof arbKeyConfig extends fc.Arbitrary<infer T> ? T : never;

const arbConfig = fc.record({
  keys: fc.uniqueArray(arbKeyConfig, { selector: (k) => k.name, maxLength: 3 }),
  adopt: fc.boolean(),
});
type Config = typeof arbConfig extends fc.Arbitrary<infer T> ? T : never;

const arbMutation = fc.record({
  op: fc.constantFrom(
    'schedule',
    'disable',
    'enable',
    'cancel',
    'addTag',
    'dropOwner',
    'toSibling',
    'previousOwnerSibling',
    'previousOwnerSelf',
    'deleteAlias',
    'prettyPolicy',
    'description',
    'rotationOff',
    'seedForeign',
    'seedForeignReplica',
    'replicaToStranger',
  ),
  pick: fc.nat(),
  region: fc.constantFrom(...REGIONS),
  name: fc.constantFrom(...NAMES),
  spec: fc.constantFrom(...SPECS),
});
type Mutation = typeof arbMutation extends fc.Arbitrary<infer T> ? T : never;

const arbScenario = fc.record({
  history: fc.array(fc.record({ config: arbConfig, owner: fc.constantFrom<keyof typeof OWNERS>('self', 'self', 'sibling', 'stranger') }), {
    maxLength: 3,
  }),
  mutations: fc.array(arbMutation, { maxLength: 6 }),
  target: arbConfig,
  /** Most deployments are an update of the previous one: derive the target from history instead. */
  derive: fc.option(
    fc.record({
      field: fc.constantFrom('none', 'enabled', 'rotation', 'period', 'primary', 'replicas', 'spec', 'policy', 'removal', 'aliases', 'grants'),
      region: fc.constantFrom(...REGIONS),
      spec: fc.constantFrom(...SPECS),
      adopt: fc.boolean(),
    }),
    { freq: 4 },
  ),
  order: fc.array(fc.nat(), { minLength: 1, maxLength: 16 }),
});

const extraAliasesOf = (config: KeyConfig): string[] => config.extras.map((extra) => `alias/${config.name}-${extra}`);

function withGrants(config: KeyConfig, key: DesiredKey, owner: Owner): DesiredKey {
  if (config.grants.length === 0) return key;
  const operations = key.spec === 'SYMMETRIC_DEFAULT' ? config.grantOps : ['DescribeKey'];
  const regions = config.grantRegion === null ? null : [config.grantRegion];
  const grants = config.grants.map((name) => ({
    name,
    granteePrincipal: 'arn:aws:iam::444455556666:root',
    operations,
    retiringPrincipal: null,
    constraints: null,
    regions,
  }));
  const placed = desiredGrantsOf(grants, [key.primaryRegion, ...key.replicaRegions], owner.ownerId);
  return placed.length === 0 ? key : { ...key, grants: placed };
}

function keysOf(config: KeyConfig, retiredAliasNames: string[] = [], owner: Owner = OWNER): DesiredKey[] {
  return bareKeysOf(config, retiredAliasNames).map((key) => withGrants(config, key, owner));
}

function bareKeysOf(config: KeyConfig, retiredAliasNames: string[]): DesiredKey[] {
  const symmetric = config.spec === 'SYMMETRIC_DEFAULT';
  const common: Partial<DesiredKey> = {
    extraAliasNames: extraAliasesOf(config),
    retiredAliasNames,
    spec: config.spec,
    policy: config.policy,
    description: config.description,
    enabled: config.enabled,
    rotation: symmetric ? { enabled: config.rotationEnabled, periodInDays: config.period } : null,
    tags: config.tags,
    deletionWindowInDays: config.window,
    removalPolicy: config.removalPolicy,
    allowReplacement: config.allowReplacement,
  };
  if (config.perRegion) {
    return REGIONS.map((region) =>
      desiredKey(config.name, { ...common, id: `${config.name}@${region}`, perRegion: true, primaryRegion: region, replicaRegions: [], multiRegion: false }),
    );
  }
  const replicaRegions = config.replicas.filter((r) => r !== config.primaryRegion);
  return [
    desiredKey(config.name, { ...common, primaryRegion: config.primaryRegion, replicaRegions, multiRegion: replicaRegions.length > 0 || config.multiRegion }),
  ];
}

/** As lib/desired/index.ts does: the extra aliases `previous` gave a key that no key of `config` has now. */
function retiredOf(config: Config, previous: Config | undefined, name: string): string[] {
  const wanted = new Set(config.keys.flatMap((k) => [`alias/${k.name}`, ...extraAliasesOf(k)]));
  const old = previous?.keys.find((k) => k.name === name);
  return old === undefined
    ? []
    : extraAliasesOf(old)
        .filter((alias) => !wanted.has(alias))
        .sort();
}

/**
 * Each deployment is its own CloudFormation request with its own RequestId, which adoption records
 * on the key (`AdoptedBy`): only the adopting request's later passes see the adoption as pending.
 */
function desiredOf(config: Config, owner: Owner, requestId: string, previous?: Config): DesiredState {
  return desiredState(
    config.keys.flatMap((k) => keysOf(k, retiredOf(config, previous, k.name), owner)),
    { owner, adoptExistingKeys: config.adopt, requestId },
  );
}

type Derive = NonNullable<(typeof arbScenario extends fc.Arbitrary<infer T> ? T : never)['derive']>;

/** The previous configuration with one field changed. */
function derived(previous: Config, change: Derive): Config {
  const keys = previous.keys.map((k): KeyConfig => {
    switch (change.field) {
      case 'enabled':
        return { ...k, enabled: !k.enabled };
      case 'rotation':
        return { ...k, rotationEnabled: !k.rotationEnabled };
      case 'period':
        return { ...k, period: k.period === 90 ? 365 : 90 };
      case 'primary':
        return { ...k, primaryRegion: change.region };
      case 'replicas':
        return { ...k, replicas: k.replicas.includes(change.region) ? k.replicas.filter((r) => r !== change.region) : [...k.replicas, change.region] };
      case 'spec':
        return { ...k, spec: change.spec };
      case 'policy':
        return { ...k, policy: k.policy === POLICY ? OTHER_POLICY : POLICY };
      case 'removal':
        return { ...k, removalPolicy: k.removalPolicy === 'Delete' ? 'Retain' : 'Delete' };
      case 'aliases':
        // A rename: `old` leaves the list, `v2` comes (or the other way round).
        return { ...k, extras: k.extras.includes('old') ? ['v2'] : ['old'] };
      case 'grants':
        return { ...k, grants: k.grants.length === 0 ? ['g1'] : k.grants.slice(1), grantOps: k.grantOps.length === 1 ? ['Decrypt', 'Encrypt'] : ['Decrypt'] };
      default:
        return k;
    }
  });
  return { keys, adopt: change.adopt };
}

/** The multi-Region family of `key` (itself alone when it is single-Region). */
function familyOf(kms: FakeKms, key: { keyId: string }): FakeKms['keys'] {
  return kms.keys.filter((k) => k.keyId === key.keyId);
}

/** Somebody changes the account between deployments, as KMS would let them (not through the product). */
function mutate(kms: FakeKms, m: Mutation): void {
  const key = kms.keys.length > 0 ? kms.keys[m.pick % kms.keys.length]! : undefined;
  const pending = key !== undefined && (key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion');
  switch (m.op) {
    case 'schedule':
      if (key && !pending) key.state = key.role === 'PRIMARY' && familyOf(kms, key).length > 1 ? 'PendingReplicaDeletion' : 'PendingDeletion';
      break;
    case 'disable':
      if (key && !pending) key.state = 'Disabled';
      break;
    case 'enable':
      if (key && !pending) key.state = 'Enabled';
      break;
    case 'cancel':
      if (key && pending) key.state = 'Disabled';
      break;
    case 'addTag':
      if (key) key.tags = { ...key.tags, Extra: 'by-hand' };
      break;
    // Ownership tags change for a whole multi-Region family, as a hand-over tags every member. The
    // reader reads only keys it owns or that a wanted alias targets: a replica of our primary whose
    // own tags alone named somebody else is read only through its primary's replica list
    // (lib/reader/hiddenReplicas.ts), and only in a Region a desired key wants; wanting it is refused.
    case 'dropOwner':
      if (key) for (const k of familyOf(kms, key)) delete k.tags[OWNERSHIP_TAGS.owner];
      break;
    case 'toSibling':
      if (key && key.tags[OWNERSHIP_TAGS.owner] === OWNER.ownerId) for (const k of familyOf(kms, key)) k.tags[OWNERSHIP_TAGS.owner] = SIBLING.ownerId;
      break;
    // One replica alone retagged by hand for another stack (the read sees it through its primary's list).
    case 'replicaToStranger':
      if (key?.role === 'REPLICA') key.tags = { ...key.tags, [OWNERSHIP_TAGS.owner]: STRANGER.ownerId, [OWNERSHIP_TAGS.stackId]: STRANGER.stackId };
      break;
    case 'previousOwnerSibling':
      if (key) for (const k of familyOf(kms, key)) k.tags[OWNERSHIP_TAGS.previousOwner] = SIBLING.ownerId;
      break;
    case 'previousOwnerSelf':
      if (key) for (const k of familyOf(kms, key)) k.tags[OWNERSHIP_TAGS.previousOwner] = OWNER.ownerId;
      break;
    case 'deleteAlias': {
      const aliases = kms.allAliases();
      const gone = aliases[m.pick % Math.max(1, aliases.length)];
      if (gone) kms.aliases.get(gone.region)?.delete(gone.aliasName);
      break;
    }
    case 'prettyPolicy':
      // Same document, other formatting: must not cause a PutKeyPolicy.
      if (key?.policy) key.policy = JSON.stringify(JSON.parse(key.policy), null, 2);
      break;
    case 'description':
      if (key) key.description = 'edited by hand';
      break;
    case 'rotationOff':
      if (key) for (const k of familyOf(kms, key)) k.rotation = { ...k.rotation, enabled: false };
      break;
    case 'seedForeign':
    case 'seedForeignReplica': {
      const aliasName = m.pick % 3 === 0 ? `alias/${m.name}-v2` : `alias/${m.name}`;
      const tags: TagMap = m.pick % 2 === 0 ? {} : { [OWNERSHIP_TAGS.owner]: STRANGER.ownerId, [OWNERSHIP_TAGS.stackId]: STRANGER.stackId };
      const spec = m.spec;
      const keyUsage = spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : spec.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY';
      const multiRegion = m.op === 'seedForeignReplica';
      const seeded = kms.seedKey(m.region, { tags: { ...tags }, spec, keyUsage, multiRegion });
      if (kms.aliasTarget(m.region, aliasName) === undefined) kms.seedAlias(m.region, aliasName, seeded.keyId);
      if (multiRegion) {
        const other = REGIONS.find((r) => r !== m.region)!;
        kms.seedKey(other, {
          keyId: seeded.keyId,
          multiRegion,
          role: 'REPLICA',
          primaryRegion: m.region,
          spec,
          keyUsage,
          tags: { ...tags },
          rotation: { ...seeded.rotation },
        });
      }
      break;
    }
  }
}

/** Rule 7: no action touches a key of somebody else, unless it was adopted (and is bound). */
function assertForeignUntouched(result: Plan, actual: ActualState, desired: DesiredState): void {
  const bound = new Set(Object.values(result.bindings).flatMap((ref) => ('keyId' in ref ? [ref.keyId] : [])));
  const foreign = (region: string, keyId: string): boolean => {
    const key = actual.keys.find((k) => k.region === region && k.keyId === keyId);
    return key !== undefined && ownershipOf(key.tags, desired.owner).kind === 'foreign';
  };
  for (const action of result.actions) {
    if ('key' in action && 'keyId' in action.key && foreign(action.region, action.key.keyId)) {
      expect({ action: action.id, adopted: desired.adoptExistingKeys && bound.has(action.key.keyId) }).toEqual({ action: action.id, adopted: true });
    }
    if (action.kind === 'UpdateAlias' || action.kind === 'DeleteAlias') {
      const current = actual.aliases.find((a) => a.region === action.region && a.aliasName === action.aliasName);
      if (current && foreign(action.region, current.targetKeyId))
        expect({ action: action.id, adopt: desired.adoptExistingKeys }).toEqual({ action: action.id, adopt: true });
    }
  }
}

function shuffled(state: ActualState): ActualState {
  return { keys: [...state.keys].reverse(), aliases: [...state.aliases].reverse(), ...(state.grants ? { grants: [...state.grants].reverse() } : {}) };
}

const STATS: Record<string, number> = {};
afterAll(() => {
  if (process.env.PLANNER_STATS) console.log(STATS);
});

/** One deployment: the product's read of `desired`, its plan, and (unless refused) its execution. */
async function deploy(run: PlanRun, desired: DesiredState): Promise<void> {
  const read = await readPlanInput(run, desired);
  const earlier = plan(read.desired, read.actual);
  if (earlier.refusals.length === 0) await executePlan(run, earlier);
}

/** `key region/keyId` of every key pending deletion. */
function pendingKeys(kms: FakeKms): Set<string> {
  return new Set(kms.keys.filter((k) => k.state.startsWith('Pending') && k.state !== 'PendingImport').map((k) => `${k.region}/${k.keyId}`));
}

/** What the account holds, for "this changed nothing". */
function snapshotOf(kms: FakeKms): string {
  return JSON.stringify({ keys: kms.keys.map(({ creatingPolls: _polls, ...key }) => key), aliases: kms.allAliases() });
}

/**
 * Plans `desired` again and expects nothing left to do, and applying that plan to change nothing. A
 * Delete does not describe the single-Region keys it owns outright (`Unread`, lib/reader/unreadKeys.ts),
 * so it schedules them again: KMS answers that they are pending deletion, and the executor takes that
 * as done.
 */
async function expectNothingLeft(run: PlanRun, desired: DesiredState): Promise<Plan> {
  const read = await readPlanInput(run, desired);
  const again = plan(read.desired, read.actual);
  const pending = pendingKeys(run.kms);
  const unread = new Set(read.actual.keys.filter((k) => k.state === 'Unread').map((k) => `${k.region}/${k.keyId}`));
  const rescheduled = (a: Plan['actions'][number]) =>
    a.kind === 'ScheduleKeyDeletion' && 'keyId' in a.key && unread.has(`${a.region}/${a.key.keyId}`) && pending.has(`${a.region}/${a.key.keyId}`);
  expect({ actions: again.actions.filter((a) => !rescheduled(a)), refusals: again.refusals }).toEqual({ actions: [], refusals: [] });
  const before = snapshotOf(run.kms);
  await executePlan(run, again);
  expect(snapshotOf(run.kms)).toBe(before);
  return again;
}

describe('Function: plan (properties)', () => {
  it('converges through the reader and the executor: after the plan is applied, planning again leaves nothing to do, also for Delete', async () => {
    await fc.assert(
      fc.asyncProperty(arbScenario, async (scenario) => {
        // Prepare: a history of earlier deployments (ours, a sibling's, a stranger's), then tampering.
        const run = planRun(scenario.order.map((n) => n % 5));
        const { kms } = run;
        const previousOf = (step: (typeof scenario.history)[number]) =>
          scenario.history.slice(0, scenario.history.indexOf(step)).findLast((h) => h.owner === step.owner)?.config;
        for (const [n, step] of scenario.history.entries()) await deploy(run, desiredOf(step.config, OWNERS[step.owner], `history-${n}`, previousOf(step)));
        for (const mutation of scenario.mutations) mutate(kms, mutation);
        const previous = scenario.history.filter((h) => h.owner === 'self').at(-1)?.config;
        const target = scenario.derive && previous ? derived(previous, scenario.derive) : scenario.target;
        const desired = desiredOf(target, OWNER, 'target', previous);
        const read = await readPlanInput(run, desired);
        const actual = read.actual;

        // Act
        const first = plan(read.desired, actual);

        // Assess
        expect(plan(read.desired, shuffled(actual))).toEqual(first);
        expect(plan(read.desired, actual)).toEqual(first);
        assertForeignUntouched(first, actual, desired);
        if (process.env.PLANNER_STATS) {
          for (const a of first.actions) STATS[a.kind] = (STATS[a.kind] ?? 0) + 1;
          STATS[first.refusals.length > 0 ? 'refused' : 'accepted'] = (STATS[first.refusals.length > 0 ? 'refused' : 'accepted'] ?? 0) + 1;
        }
        if (first.refusals.length > 0) {
          expect(first.actions).toEqual([]);
          return;
        }
        const executed = await executePlan(run, first);
        const second = await expectNothingLeft(run, desired);
        expect(second.bindings).toEqual(resolvedBindings(first.bindings, executed));

        // The Delete is a request of its own.
        const deletion = { ...desired, keys: [], requestId: 'delete' };
        const pendingBefore = pendingKeys(kms);
        const before = await readPlanInput(run, deletion);
        const remove = plan(before.desired, before.actual);
        expect(remove.refusals).toEqual([]);
        assertForeignUntouched(remove, before.actual, deletion);
        await executePlan(run, remove);
        expect((await expectNothingLeft(run, deletion)).bindings).toEqual({});
        const stillOurs = kms.keys.filter((k) => ownershipOf(k.tags, OWNER).kind === 'self');
        expect(stillOurs.filter((k) => k.state !== 'PendingDeletion' && k.state !== 'PendingReplicaDeletion')).toEqual([]);
        // A key somebody scheduled already is left as it is, alias included.
        const deleted = new Set(stillOurs.map((k) => `${k.region}/${k.keyId}`).filter((id) => !pendingBefore.has(id)));
        expect(kms.allAliases().filter((a) => deleted.has(`${a.region}/${a.targetKeyId}`))).toEqual([]);
      }),
      {
        numRuns: Number(process.env.PLANNER_RUNS ?? 120),
        ...(process.env.PLANNER_SEED === undefined ? {} : { seed: Number(process.env.PLANNER_SEED), path: process.env.PLANNER_PATH }),
      },
    );
  }, 120_000);
});
