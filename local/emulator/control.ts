/**
 * The control API under `/__emulator/` (DESIGN.md): reset, behaviour settings, IAM principals, a
 * crash point, foreign keys, state and counters, and moving the clock. JSON in, JSON out; unknown
 * fields are errors, so a typo in a test does not silently configure nothing.
 */

import { recordStackEvents, type StackEventInput } from './cloudFormation.ts';
import type { Emulator, ResetOverrides } from './emulator.ts';
import { ALLOWED_USAGES } from './keySpecs.ts';
import { KEY_SPECS, KEY_USAGES, type KeySpec, type KeyUsage } from './kmsFacts.ts';
import { addKey, advanceTime, defaultKeyPolicy, newSharedKey } from './model.ts';
import { CONNECTION_STATES, createCustomKeyStore } from './operations/customKeyStores.ts';
import { checkRealism, REALISM_FIELDS } from './realism.ts';
import { createSecret } from './secrets.ts';
import { type CustomKeyStoreRecord, type EmulatorConfig, type EmulatorState, emptyCounts } from './state.ts';

export interface ControlResponse {
  status: number;
  body: unknown;
}

class ControlError extends Error {}

type Body = Record<string, unknown>;

function allowOnly(body: Body, fields: string[]): void {
  const unknown = Object.keys(body).filter((k) => !fields.includes(k));
  if (unknown.length > 0) throw new ControlError(`unknown field(s): ${unknown.join(', ')}; allowed: ${fields.join(', ')}`);
}

function number(body: Body, field: string, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max)
    throw new ControlError(`${field} must be a number in [${min}, ${max}]`);
  return value;
}

function stringList(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new ControlError(`${field} must be a list of strings`);
  return value as string[];
}

function quotas(state: EmulatorState, value: unknown): Partial<EmulatorConfig['quotas']> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw new ControlError('quotas must be an object');
  for (const [name, rate] of Object.entries(value)) {
    if (!(name in state.config.quotas)) throw new ControlError(`unknown quota ${name}`);
    if (typeof rate !== 'number' || !(rate > 0)) throw new ControlError(`quota ${name} must be a positive number`);
  }
  return value as Partial<EmulatorConfig['quotas']>;
}

/** The field-realism members of a body, checked (`realism.ts`). */
function realism(body: Body): ReturnType<typeof checkRealism> {
  try {
    return checkRealism(body);
  } catch (error) {
    throw new ControlError((error as Error).message);
  }
}

function reset(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['accountId', 'regions', 'quotas', 'replicaCreatingMs', ...REALISM_FIELDS]);
  const overrides: ResetOverrides = realism(body);
  if (body.accountId !== undefined) {
    if (typeof body.accountId !== 'string' || !/^\d{12}$/.test(body.accountId)) throw new ControlError('accountId must be 12 digits');
    overrides.accountId = body.accountId;
  }
  const regions = stringList(body, 'regions');
  if (regions !== undefined) overrides.regions = regions;
  const q = quotas(emulator.state, body.quotas);
  if (q !== undefined) overrides.quotas = q;
  const creating = number(body, 'replicaCreatingMs', 0);
  if (creating !== undefined) overrides.replicaCreatingMs = creating;
  emulator.reset(overrides);
  return { ok: true };
}

function configure(emulator: Emulator, body: Body): unknown {
  allowOnly(body, [
    'latencyMs',
    'latencyJitterMs',
    'errorRate5xx',
    'dropRate',
    'quotas',
    'quotaScale',
    'replicaCreatingMs',
    'principalPropagationMs',
    'callerArn',
    'seed',
    ...REALISM_FIELDS,
  ]);
  const realismUpdates = realism(body);
  const { config } = emulator.state;
  const numeric: [keyof EmulatorConfig, number, number][] = [
    ['latencyMs', 0, Number.POSITIVE_INFINITY],
    ['latencyJitterMs', 0, Number.POSITIVE_INFINITY],
    ['errorRate5xx', 0, 1],
    ['dropRate', 0, 1],
    ['quotaScale', Number.MIN_VALUE, Number.POSITIVE_INFINITY],
    ['replicaCreatingMs', 0, Number.POSITIVE_INFINITY],
    ['principalPropagationMs', 0, Number.POSITIVE_INFINITY],
    ['seed', 0, 2 ** 32],
  ];
  const updates: Partial<EmulatorConfig> = {};
  for (const [field, min, max] of numeric) {
    const value = number(body, field, min, max);
    if (value !== undefined) (updates as Record<string, number>)[field] = value;
  }
  if (body.callerArn !== undefined) {
    if (typeof body.callerArn !== 'string' || !body.callerArn.startsWith('arn:')) throw new ControlError('callerArn must be an ARN');
    updates.callerArn = body.callerArn;
  }
  if ((updates.errorRate5xx ?? config.errorRate5xx) + (updates.dropRate ?? config.dropRate) > 1)
    throw new ControlError('errorRate5xx + dropRate must not exceed 1');
  const q = quotas(emulator.state, body.quotas);
  Object.assign(config, updates, realismUpdates);
  if (q !== undefined) config.quotas = { ...config.quotas, ...q };
  if (updates.seed !== undefined) emulator.reseed(updates.seed);
  return { config };
}

function principals(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['arns', 'propagationMs']);
  const arns = stringList(body, 'arns');
  if (arns === undefined) throw new ControlError('arns is required');
  const propagationMs = number(body, 'propagationMs', 0) ?? emulator.state.config.principalPropagationMs;
  emulator.state.registerPrincipals(arns, propagationMs);
  return { registered: arns.length, propagationMs };
}

function crash(emulator: Emulator, body: Body): unknown {
  if (body.clear === true) {
    allowOnly(body, ['clear']);
    emulator.state.crash = null;
    return { armed: false };
  }
  allowOnly(body, ['pid', 'afterMutations']);
  const pid = number(body, 'pid', 1);
  const afterMutations = number(body, 'afterMutations', 1);
  if (pid === undefined || !Number.isInteger(pid) || afterMutations === undefined || !Number.isInteger(afterMutations))
    throw new ControlError('pid and afterMutations (integers ≥ 1) are required');
  emulator.state.crash = { pid, remaining: afterMutations };
  return { armed: true };
}

/** A key owned by nobody (not the product): for adoption and foreign-alias scenarios. Not counted as a request. */
function seedKey(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['region', 'aliasName', 'tags', 'spec', 'keyUsage', 'multiRegion', 'description', 'keyManager']);
  const { state } = emulator;
  const region = body.region;
  if (typeof region !== 'string' || !state.isEnabled(region)) throw new ControlError('region must be an enabled Region');
  const spec = (body.spec ?? 'SYMMETRIC_DEFAULT') as KeySpec;
  if (!KEY_SPECS.includes(spec)) throw new ControlError(`unknown spec ${String(spec)}`);
  const usage = (body.keyUsage ?? ALLOWED_USAGES[spec][0]) as KeyUsage;
  if (!KEY_USAGES.includes(usage) || !ALLOWED_USAGES[spec].includes(usage)) throw new ControlError(`keyUsage ${String(usage)} does not fit spec ${spec}`);
  const tags = body.tags ?? {};
  if (typeof tags !== 'object' || tags === null || Object.values(tags).some((v) => typeof v !== 'string')) throw new ControlError('tags must be a string map');
  const aliasName = body.aliasName;
  if (aliasName !== undefined && (typeof aliasName !== 'string' || !aliasName.startsWith('alias/') || state.aliasesIn(region).has(aliasName))) {
    throw new ControlError('aliasName must be a free alias/… name in that Region');
  }
  // An AWS managed key (as an account's services leave them) always has its predefined alias/aws/… alias.
  const keyManager = body.keyManager ?? 'CUSTOMER';
  if (keyManager !== 'CUSTOMER' && keyManager !== 'AWS') throw new ControlError('keyManager must be CUSTOMER or AWS');
  if (keyManager === 'AWS' && (typeof aliasName !== 'string' || !aliasName.startsWith('alias/aws/'))) {
    throw new ControlError('an AWS managed key needs an aliasName under alias/aws/');
  }
  const key = addKey(state, {
    region,
    shared: newSharedKey(spec, usage, body.multiRegion === true, region),
    description: typeof body.description === 'string' ? body.description : '',
    policy: defaultKeyPolicy(state.partition(region), state.accountId),
    tags: new Map(Object.entries(tags as Record<string, string>)),
    keyManager,
  });
  if (typeof aliasName === 'string') {
    const now = state.now();
    state.aliasesIn(region).set(aliasName, { aliasName, region, targetKeyId: key.shared.keyId, creationDate: now, lastUpdatedDate: now });
  }
  return { keyId: key.shared.keyId, arn: key.arn };
}

/** Every key in every Region, as plain JSON. */
function snapshot(state: EmulatorState): unknown {
  const keys = [];
  for (const regionKeys of state.keys.values()) {
    for (const key of regionKeys.values()) {
      state.refresh(key);
      const { shared } = key;
      keys.push({
        region: key.region,
        keyId: shared.keyId,
        arn: key.arn,
        keyState: key.state,
        keyManager: key.keyManager,
        keySpec: shared.spec,
        keyUsage: shared.usage,
        multiRegion: shared.multiRegion,
        multiRegionKeyType: shared.multiRegion ? (key.region === shared.primaryRegion ? 'PRIMARY' : 'REPLICA') : null,
        primaryRegion: shared.multiRegion ? shared.primaryRegion : null,
        replicaRegions:
          shared.multiRegion && key.region === shared.primaryRegion
            ? state
                .relatedKeys(shared)
                .slice(1)
                .map((k) => k.region)
            : [],
        description: key.description,
        policy: key.policy,
        tags: Object.fromEntries(key.tags),
        grants: (key.grants ?? []).map((g) => ({ grantId: g.grantId, name: g.name, granteePrincipal: g.granteePrincipal, operations: [...g.operations] })),
        rotation: { enabled: shared.rotation.enabled, periodInDays: shared.rotation.periodInDays },
        creationDate: new Date(key.creationDate).toISOString(),
        deletionDate: key.deletionDate === null ? null : new Date(key.deletionDate).toISOString(),
        pendingWindowInDays: key.pendingWindowInDays,
        // Whether and until when the key has imported material; never the material itself.
        ...(shared.origin === 'EXTERNAL'
          ? {
              origin: 'EXTERNAL',
              ...(key.imported ? { keyMaterialValidTo: key.imported.validTo === null ? null : new Date(key.imported.validTo).toISOString() } : {}),
              // The ids and states of its materials (rotation of imported material); never their bytes.
              keyMaterials: (key.materials ?? []).map((v) => ({ id: v.id, state: v.state, imported: v.imported, description: v.description ?? null })),
            }
          : {}),
      });
    }
  }
  const aliases = [];
  for (const regionAliases of state.aliases.values()) {
    for (const alias of regionAliases.values()) aliases.push({ region: alias.region, aliasName: alias.aliasName, targetKeyId: alias.targetKeyId });
  }
  return { keys, aliases };
}

function secret(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['region', 'name', 'secretString', 'secretBinary']);
  const { region, name, secretString, secretBinary } = body;
  if (typeof region !== 'string' || !emulator.state.isEnabled(region)) throw new ControlError('region must be an enabled Region');
  if (typeof name !== 'string' || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw new ControlError('name must be a secret name');
  if (secretString !== undefined && typeof secretString !== 'string') throw new ControlError('secretString must be a string');
  if (secretBinary !== undefined && typeof secretBinary !== 'string') throw new ControlError('secretBinary must be base64 text');
  return createSecret(emulator.state, region, name, {
    ...(secretString === undefined ? {} : { secretString: secretString as string }),
    ...(secretBinary === undefined ? {} : { secretBinary: secretBinary as string }),
  });
}

/** `externalKeys` of a new external key store: id → `usable` | `invalidConfiguration`. */
function externalKeysOf(value: unknown, type: string): { externalKeys?: Record<string, 'usable' | 'invalidConfiguration'> } {
  if (value === undefined) return {};
  const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : null;
  if (type !== 'EXTERNAL_KEY_STORE' || entries === null || entries.some(([, v]) => v !== 'usable' && v !== 'invalidConfiguration'))
    throw new ControlError('externalKeys is for EXTERNAL_KEY_STORE only: an object of external key id → "usable" or "invalidConfiguration"');
  return { externalKeys: Object.fromEntries(entries) as Record<string, 'usable' | 'invalidConfiguration'> };
}

/** A custom key store in any connection state; with `customKeyStoreId`, changes that store's state. */
function customKeyStore(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['region', 'type', 'name', 'connectionState', 'customKeyStoreId', 'externalKeys']);
  const { state } = emulator;
  const connectionState = body.connectionState as CustomKeyStoreRecord['connectionState'];
  if (!(CONNECTION_STATES as readonly unknown[]).includes(connectionState))
    throw new ControlError(`connectionState must be one of ${CONNECTION_STATES.join(', ')}`);
  if (typeof body.customKeyStoreId === 'string') {
    const store = state.customKeyStores.get(body.customKeyStoreId);
    if (store === undefined) throw new ControlError(`no custom key store ${body.customKeyStoreId}`);
    store.connectionState = connectionState;
    return { customKeyStoreId: store.id };
  }
  const { region, type, name } = body;
  if (typeof region !== 'string' || !state.isEnabled(region)) throw new ControlError('region must be an enabled Region');
  if (type !== 'AWS_CLOUDHSM' && type !== 'EXTERNAL_KEY_STORE') throw new ControlError('type must be AWS_CLOUDHSM or EXTERNAL_KEY_STORE');
  const store = createCustomKeyStore(state, {
    region,
    type,
    name: typeof name === 'string' ? name : `store-${state.customKeyStores.size + 1}`,
    connectionState,
    ...externalKeysOf(body.externalKeys, type),
  });
  return { customKeyStoreId: store.id };
}

/** The driver playing CloudFormation: append events (oldest first) to a stack, registering it on first use. */
function stackEvents(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['stackId', 'events']);
  if (typeof body.stackId !== 'string') throw new ControlError('stackId is required');
  if (!Array.isArray(body.events) || body.events.some((e) => typeof e !== 'object' || e === null)) throw new ControlError('events must be a list of objects');
  try {
    return { events: recordStackEvents(emulator.state, body.stackId, body.events as StackEventInput[]) };
  } catch (error) {
    throw new ControlError((error as Error).message);
  }
}

function advance(emulator: Emulator, body: Body): unknown {
  allowOnly(body, ['days']);
  const days = number(body, 'days', 0);
  if (days === undefined) throw new ControlError('days is required');
  return advanceTime(emulator.state, days);
}

/** Routes one control request. */
export function handleControl(emulator: Emulator, method: string, path: string, body: Body): ControlResponse {
  const route = `${method} ${path}`;
  try {
    switch (route) {
      case 'POST /__emulator/reset':
        return { status: 200, body: reset(emulator, body) };
      case 'POST /__emulator/config':
        return { status: 200, body: configure(emulator, body) };
      case 'POST /__emulator/principals':
        return { status: 200, body: principals(emulator, body) };
      case 'POST /__emulator/crash':
        return { status: 200, body: crash(emulator, body) };
      case 'POST /__emulator/seed-key':
        return { status: 200, body: seedKey(emulator, body) };
      case 'GET /__emulator/state':
        return { status: 200, body: snapshot(emulator.state) };
      case 'GET /__emulator/counts':
        return { status: 200, body: emulator.state.counts };
      case 'GET /__emulator/calls':
        return { status: 200, body: { calls: emulator.state.calls } };
      case 'POST /__emulator/counts/reset':
        emulator.state.counts = emptyCounts();
        emulator.state.calls = [];
        return { status: 200, body: { ok: true } };
      case 'POST /__emulator/custom-key-stores':
        return { status: 200, body: customKeyStore(emulator, body) };
      case 'POST /__emulator/secrets':
        return { status: 200, body: secret(emulator, body) };
      case 'POST /__emulator/stack-events':
        return { status: 200, body: stackEvents(emulator, body) };
      case 'POST /__emulator/advance-time':
        return { status: 200, body: advance(emulator, body) };
      default:
        return { status: 404, body: { error: `no control route ${route}` } };
    }
  } catch (error) {
    if (error instanceof ControlError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}
