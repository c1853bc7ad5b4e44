/**
 * Before a plan that makes keys in custom key stores runs (docs/key-material.md#custom-key-stores):
 * every store it names is read with DescribeCustomKeyStores in its Region, and a store that is not
 * `CONNECTED` (or that KMS does not know) fails the request naming the Region, the store and its
 * state, before any key is made: KMS would refuse CreateKey in such a store anyway
 * (`CustomKeyStoreInvalidStateException`), but only after the plan's other keys were made.
 * DescribeCustomKeyStores is not paced: one request per store named by the plan.
 */
import type { KmsApiFactory } from '../kmsApi.ts';
import type { Plan } from '../types.ts';

/** The reason the plan must not run, or null when every store it uses is CONNECTED. */
export async function customKeyStoreProblem(current: Plan, kms: KmsApiFactory): Promise<string | null> {
  const wanted = new Map<string, { region: string; id: string; keyNames: string[] }>();
  for (const action of current.actions) {
    if (action.kind !== 'CreateKey' || action.customKeyStoreId === undefined) continue;
    const at = `${action.region}\n${action.customKeyStoreId}`;
    const entry = wanted.get(at) ?? { region: action.region, id: action.customKeyStoreId, keyNames: [] };
    entry.keyNames.push(action.keyName);
    wanted.set(at, entry);
  }
  const problems: string[] = [];
  for (const { region, id, keyNames } of wanted.values()) {
    const store = await kms(region).describeCustomKeyStore(id);
    const state = store === null ? 'not found' : store.connectionState;
    if (state !== 'CONNECTED') problems.push(`custom key store ${id} in ${region} is ${state} (keys ${keyNames.join(', ')})`);
  }
  if (problems.length === 0) return null;
  return `Nothing was changed: ${problems.join('; ')}. KMS makes keys only in a CONNECTED custom key store: connect it (ConnectCustomKeyStore) and retry.`;
}
