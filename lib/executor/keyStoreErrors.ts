/**
 * CreateKey's refusals for a key in a custom key store (API Reference, CreateKey, Errors), made into
 * a reason that names the Region, the store and the external key, and says what to do. KMS's own
 * messages name neither the store nor the key id the template gave (docs/key-material.md#custom-key-stores).
 */
import { hasCode, KmsError } from '../errors.ts';
import type { Action } from '../types.ts';

type CreateKeyAction = Extract<Action, { kind: 'CreateKey' }>;

/** What each refusal means and what to do, given where (`at`) and which external key (`xks`). */
const ADVICE: Record<string, (at: string, xks: string, region: string) => string> = {
  XksKeyNotFoundException: (at, xks, region) =>
    `the external key store proxy of ${at} finds no external key ${xks}: set XksKeyIds.${region} to the id your external key manager gives the key (or create it there) and retry`,
  XksKeyInvalidConfigurationException: (at, xks, region) =>
    `the external key ${xks} of ${at} cannot back a KMS key: it must be an enabled AES-256 symmetric key that encrypts and decrypts. Fix it in the external key manager, or name another in XksKeyIds.${region}, and retry`,
  XksKeyAlreadyInUseException: (at, xks, region) =>
    `the external key ${xks} of ${at} already backs another KMS key, and each KMS key in an external key store needs its own: name an unused external key in XksKeyIds.${region}`,
  CustomKeyStoreInvalidStateException: (at, xks) =>
    `${at}${xks === '' ? '' : ` (external key ${xks})`} is not CONNECTED: connect it (ConnectCustomKeyStore) and retry`,
  CustomKeyStoreNotFoundException: (at, _xks, region) => `${at} does not exist: set CustomKeyStoreIds.${region} to a store of this account in ${region}`,
};

/** `error` with the store's advice when CreateKey of a key in a custom key store was refused for it; otherwise `error`. */
export function withKeyStoreAdvice(error: unknown, action: CreateKeyAction): unknown {
  const store = action.customKeyStoreId;
  if (store === undefined) return error;
  const code = Object.keys(ADVICE).find((name) => hasCode(error, name));
  if (code === undefined || !(error instanceof KmsError)) return error;
  const at = `custom key store ${store} in ${action.region}`;
  const advice = ADVICE[code]!(at, action.xksKeyId ?? '', action.region);
  return new KmsError(code, `CreateKey of ${action.keyName} in ${action.region}: ${advice}`, {
    cause: error,
    context: error.context,
    retryable: error.retryable,
  });
}
