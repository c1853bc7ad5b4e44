import fc from 'fast-check';
import { desiredGrantsOf } from '../../lib/desired/grants.ts';
import { parseKmsGrantName } from '../../lib/grantNames.ts';
import { OWNERSHIP_TAGS, ownershipOf } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { grantOwnersOf } from '../../lib/reader/actualGrants.ts';
import type { ActualState, DesiredKey, DesiredState, KeyRef, KeySpec, Owner, Plan, RemovalPolicy, TagMap } from '../../lib/types.ts';
import { executePlan, MemoryKms } from '../support/memoryKms.ts';
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

/** What the actual-state reader returns: only the grants of ours (owner marker) on keys we own. */
function readerView(state: ActualState, owner: Owner): ActualState {
  const grants = (state.grants ?? []).filter((grant) => {
    const key = state.keys.find((k) => k.region === grant.region && k.keyId === grant.keyId);
    const parsed = parseKmsGrantName(grant.kmsName);
    return key !== undefined && parsed !== null && grantOwnersOf(key, owner).includes(parsed.ownerId);
  });
  return { keys: state.keys, aliases: state.aliases, ...(grants.length === 0 ? {} : { grants }) };
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

function mutate(kms: MemoryKms, m: Mutation): void {
  const state = kms.raw;
  const key = state.keys.length > 0 ? state.keys[m.pick % state.keys.length]! : undefined;
  const pending = key !== undefined && (key.state === 'PendingDeletion' || key.state === 'PendingReplicaDeletion');
  switch (m.op) {
    case 'schedule':
      if (key && !pending) key.state = key.role === 'PRIMARY' && key.replicaRegions.length > 0 ? 'PendingReplicaDeletion' : 'PendingDeletion';
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
    case 'dropOwner':
      if (key) delete key.tags[OWNERSHIP_TAGS.owner];
      break;
    case 'toSibling':
      if (key && key.tags[OWNERSHIP_TAGS.owner] === OWNER.ownerId) key.tags[OWNERSHIP_TAGS.owner] = SIBLING.ownerId;
      break;
    case 'previousOwnerSibling':
      if (key) key.tags[OWNERSHIP_TAGS.previousOwner] = SIBLING.ownerId;
      break;
    case 'previousOwnerSelf':
      if (key) key.tags[OWNERSHIP_TAGS.previousOwner] = OWNER.ownerId;
      break;
    case 'deleteAlias':
      if (state.aliases.length > 0) state.aliases.splice(m.pick % state.aliases.length, 1);
      break;
    case 'prettyPolicy':
      // Same document, other formatting: must not cause a PutKeyPolicy.
      if (key?.policy) key.policy = JSON.stringify(JSON.parse(key.policy), null, 2);
      break;
    case 'description':
      if (key) key.description = 'edited by hand';
      break;
    case 'rotationOff':
      if (key) for (const k of state.keys) if (k.keyId === key.keyId && k.rotation) k.rotation = { enabled: false, periodInDays: null };
      break;
    case 'seedForeign':
    case 'seedForeignReplica': {
      const aliasName = m.pick % 3 === 0 ? `alias/${m.name}-v2` : `alias/${m.name}`;
      const free = !state.aliases.some((a) => a.region === m.region && a.aliasName === aliasName);
      const tags: TagMap = m.pick % 2 === 0 ? {} : { [OWNERSHIP_TAGS.owner]: STRANGER.ownerId, [OWNERSHIP_TAGS.stackId]: STRANGER.stackId };
      const spec = m.spec;
      const keyUsage = spec === 'SYMMETRIC_DEFAULT' ? 'ENCRYPT_DECRYPT' : spec.startsWith('HMAC') ? 'GENERATE_VERIFY_MAC' : 'SIGN_VERIFY';
      const seeded = kms.seedKey({
        region: m.region,
        tags,
        spec,
        keyUsage,
        multiRegion: m.op === 'seedForeignReplica',
        aliasName: free ? aliasName : undefined,
      });
      if (m.op === 'seedForeignReplica') {
        const other = REGIONS.find((r) => r !== m.region)!;
        kms.apply({
          kind: 'ReplicateKey',
          id: 'seed',
          region: m.region,
          keyName: m.name,
          dependsOn: [],
          key: { keyId: seeded.keyId },
          replicaRegion: other,
          policy: '{}',
          description: '',
          tags,
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

function resolved(kms: MemoryKms, bindings: Record<string, KeyRef>): Record<string, KeyRef> {
  return Object.fromEntries(Object.entries(bindings).map(([id, ref]) => [id, { keyId: kms.resolve(ref) }]));
}

const STATS: Record<string, number> = {};
afterAll(() => {
  if (process.env.PLANNER_STATS) console.log(STATS);
});

describe('Function: plan (properties)', () => {
  it('converges: applying the plan and planning again gives an empty plan, also for Delete', () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        // Prepare: a history of earlier deployments (ours, a sibling's, a stranger's), then tampering.
        const kms = new MemoryKms();
        const previousOf = (step: (typeof scenario.history)[number]) =>
          scenario.history.slice(0, scenario.history.indexOf(step)).findLast((h) => h.owner === step.owner)?.config;
        for (const [n, step] of scenario.history.entries()) {
          const earlier = plan(desiredOf(step.config, OWNERS[step.owner], `history-${n}`, previousOf(step)), readerView(kms.state(), OWNERS[step.owner]));
          if (earlier.refusals.length === 0) executePlan(kms, earlier);
        }
        for (const mutation of scenario.mutations) mutate(kms, mutation);
        const actual = readerView(kms.state(), OWNER);
        const previous = scenario.history.filter((h) => h.owner === 'self').at(-1)?.config;
        const target = scenario.derive && previous ? derived(previous, scenario.derive) : scenario.target;
        const desired = desiredOf(target, OWNER, 'target', previous);
        let step = 0;
        const choose = (): number => scenario.order[step++ % scenario.order.length]!;

        // Act
        const first = plan(desired, actual);

        // Assess
        expect(plan(desired, shuffled(actual))).toEqual(first);
        expect(plan(desired, actual)).toEqual(first);
        assertForeignUntouched(first, actual, desired);
        if (process.env.PLANNER_STATS) {
          for (const a of first.actions) STATS[a.kind] = (STATS[a.kind] ?? 0) + 1;
          STATS[first.refusals.length > 0 ? 'refused' : 'accepted'] = (STATS[first.refusals.length > 0 ? 'refused' : 'accepted'] ?? 0) + 1;
        }
        if (first.refusals.length > 0) {
          expect(first.actions).toEqual([]);
          return;
        }
        executePlan(kms, first, choose);
        const second = plan(desired, readerView(kms.state(), OWNER));
        expect({ actions: second.actions, refusals: second.refusals }).toEqual({ actions: [], refusals: [] });
        expect(second.bindings).toEqual(resolved(kms, first.bindings));

        // The Delete is a request of its own.
        const deletion = { ...desired, keys: [], requestId: 'delete' };
        const pendingBefore = new Set(
          kms
            .state()
            .keys.filter((k) => k.state.startsWith('Pending'))
            .map((k) => `${k.region}/${k.keyId}`),
        );
        const remove = plan(deletion, kms.state());
        expect(remove.refusals).toEqual([]);
        assertForeignUntouched(remove, kms.state(), deletion);
        executePlan(kms, remove, choose);
        const after = kms.state();
        expect(plan(deletion, after)).toEqual({ actions: [], refusals: [], bindings: {} });
        const stillOurs = after.keys.filter((k) => ownershipOf(k.tags, OWNER).kind === 'self');
        expect(stillOurs.filter((k) => k.state !== 'PendingDeletion' && k.state !== 'PendingReplicaDeletion')).toEqual([]);
        // A key somebody scheduled already is left as it is, alias included.
        const deleted = stillOurs.filter((k) => !pendingBefore.has(`${k.region}/${k.keyId}`));
        const ourIds = new Set(deleted.map((k) => `${k.region}/${k.keyId}`));
        expect(after.aliases.filter((a) => ourIds.has(`${a.region}/${a.targetKeyId}`))).toEqual([]);
      }),
      { numRuns: Number(process.env.PLANNER_RUNS ?? 400) },
    );
  });
});
