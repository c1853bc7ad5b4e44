/**
 * Custom key stores (KMS Developer Guide, "Custom key stores"; API Reference, CreateKey and
 * DescribeCustomKeyStores): stores are made through the control API (`POST /__emulator/custom-key-stores`)
 * in any connection state; `DescribeCustomKeyStores` lists them; `CreateKey` with a `CustomKeyStoreId`
 * makes a symmetric encryption, single-Region key in a CONNECTED store of the matching type ("The
 * ConnectionState of the custom key store must be CONNECTED"; "valid only for symmetric encryption
 * KMS keys in a single Region"; an external key store needs `XksKeyId`). A key in a store that is not
 * connected is `Unavailable` (state.ts). A new key of an external key store checks its external key
 * (XksKeyNotFoundException, XksKeyInvalidConfigurationException, XksKeyAlreadyInUseException), the
 * external keys being those the control API gave the store. Guesses (README): error codes for a type
 * mismatch and a missing or extra `XksKeyId` (ValidationException); the order of the checks
 * (connection state, then the external key); a key pending deletion still holds its external key;
 * the store's key material is emulated by material the emulator makes.
 */
import { randomBytes } from 'node:crypto';
import { faults, KmsFault } from '../errors.ts';
import type { CustomKeyStoreRecord, EmulatorState } from '../state.ts';
import { optInt, optString } from '../validate.ts';
import { decodeMarker, type OpContext, type OperationHandler, type Operations, page } from './common.ts';

export const CONNECTION_STATES = ['CONNECTED', 'CONNECTING', 'NEVER_CONNECTED', 'DISCONNECTED', 'DISCONNECTING', 'FAILED'] as const;

function notFound(): KmsFault {
  return new KmsFault('CustomKeyStoreNotFoundException', 'The specified custom key store was not found.');
}

/** The control API's store: `cks-` and 17 hex digits, as KMS names them. */
export function createCustomKeyStore(
  state: EmulatorState,
  spec: Pick<CustomKeyStoreRecord, 'region' | 'type' | 'name' | 'connectionState' | 'externalKeys'>,
): CustomKeyStoreRecord {
  const record: CustomKeyStoreRecord = { id: `cks-${randomBytes(9).toString('hex').slice(0, 17)}`, creationDate: state.now(), ...spec };
  state.customKeyStores.set(record.id, record);
  return record;
}

const describeCustomKeyStores: OperationHandler = (ctx) => {
  const id = optString(ctx.input, 'CustomKeyStoreId', { min: 1, max: 64 });
  const name = optString(ctx.input, 'CustomKeyStoreName', { min: 1, max: 256 });
  if (id !== undefined && name !== undefined) throw faults.validation('You cannot specify both CustomKeyStoreId and CustomKeyStoreName.');
  const limit = optInt(ctx.input, 'Limit', 1, 1000) ?? 100;
  const marker = decodeMarker(optString(ctx.input, 'Marker', { min: 1, max: 1024 }));
  const stores = [...ctx.state.customKeyStores.values()]
    .filter((s) => s.region === ctx.region && (id === undefined || s.id === id) && (name === undefined || s.name === name))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if ((id !== undefined || name !== undefined) && stores.length === 0) throw notFound();
  const result = page(stores, (s) => s.id, limit, marker);
  return {
    CustomKeyStores: result.items.map((s) => ({
      CustomKeyStoreId: s.id,
      CustomKeyStoreName: s.name,
      CustomKeyStoreType: s.type,
      ConnectionState: s.connectionState,
      CreationDate: s.creationDate / 1000,
    })),
    Truncated: result.truncated,
    ...(result.nextMarker === undefined ? {} : { NextMarker: result.nextMarker }),
  };
};

/**
 * CreateKey's custom key store checks; returns the store, or undefined for a key in KMS's own store.
 * Called with the request's Origin, spec and MultiRegion already read.
 */
export function keyStoreFor(ctx: OpContext, origin: string, spec: string, multiRegion: boolean): { id: string; xksKeyId?: string } | undefined {
  const id = optString(ctx.input, 'CustomKeyStoreId', { min: 1, max: 64 });
  const xksKeyId = optString(ctx.input, 'XksKeyId', { min: 1, max: 128, pattern: /^[a-zA-Z0-9._-]+$/ });
  const inStore = origin === 'AWS_CLOUDHSM' || origin === 'EXTERNAL_KEY_STORE';
  if (id === undefined) {
    if (inStore) throw faults.validation(`Origin ${origin} requires a CustomKeyStoreId.`);
    if (xksKeyId !== undefined) throw faults.validation('XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.');
    return undefined;
  }
  const store = ctx.state.customKeyStores.get(id);
  if (store === undefined || store.region !== ctx.region) throw notFound();
  if (!inStore || origin !== store.type) throw faults.validation(`Origin ${origin} does not match the type ${store.type} of custom key store ${id}.`);
  if (spec !== 'SYMMETRIC_DEFAULT' || multiRegion) throw faults.unsupported('A custom key store holds only symmetric encryption KMS keys in a single Region.');
  if (store.type === 'EXTERNAL_KEY_STORE' && xksKeyId === undefined) throw faults.validation('An EXTERNAL_KEY_STORE key requires an XksKeyId.');
  if (store.type === 'AWS_CLOUDHSM' && xksKeyId !== undefined) throw faults.validation('XksKeyId is valid only with Origin EXTERNAL_KEY_STORE.');
  if (store.connectionState !== 'CONNECTED') {
    throw new KmsFault('CustomKeyStoreInvalidStateException', `Custom key store ${id} is ${store.connectionState}; it must be CONNECTED.`);
  }
  if (xksKeyId !== undefined) checkExternalKey(ctx, store, xksKeyId);
  return { id, ...(xksKeyId === undefined ? {} : { xksKeyId }) };
}

/**
 * The external key behind a new key of an external key store (API Reference, CreateKey, Errors):
 * XksKeyNotFoundException when the proxy finds no such key, XksKeyInvalidConfigurationException when
 * it is not "an AES-256 symmetric key that is enabled and performs encryption and decryption",
 * XksKeyAlreadyInUseException when another KMS key of the store uses it.
 */
function checkExternalKey(ctx: OpContext, store: CustomKeyStoreRecord, xksKeyId: string): void {
  const known = store.externalKeys?.[xksKeyId];
  if (store.externalKeys !== undefined && known === undefined)
    throw new KmsFault('XksKeyNotFoundException', `The external key store proxy could not find the external key ${xksKeyId}.`);
  if (known === 'invalidConfiguration')
    throw new KmsFault(
      'XksKeyInvalidConfigurationException',
      `The external key ${xksKeyId} does not meet the configuration requirements for an external key store.`,
    );
  for (const key of ctx.state.keysIn(ctx.region).values()) {
    if (key.shared.customKeyStoreId === store.id && key.shared.xksKeyId === xksKeyId)
      throw new KmsFault('XksKeyAlreadyInUseException', `The external key ${xksKeyId} is already associated with another KMS key in this external key store.`);
  }
}

/** Request quota: a guess as well (README), the 5/s of key management. */
export const customKeyStoreOperations = {
  DescribeCustomKeyStores: { handler: describeCustomKeyStores, quota: 5 },
} satisfies Operations;
