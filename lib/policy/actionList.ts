/**
 * How `actions.ts` and `userActions.ts` write their explicit action lists: the names without the
 * `kms:` prefix, separated by spaces (`kms('Decrypt Encrypt')` is `['kms:Decrypt', 'kms:Encrypt']`).
 * The type keeps every name, so `satisfies readonly KeyResourceAction[]` still checks each list.
 */

/** `'Decrypt Encrypt'` → `['kms:Decrypt', 'kms:Encrypt']`, as a type. */
export type KmsActions<Names extends string, Done extends string[] = []> = Names extends `${infer Head} ${infer Rest}`
  ? KmsActions<Rest, [...Done, `kms:${Head}`]>
  : readonly [...Done, `kms:${Names}`];

/** The actions named in `names` (space-separated, without `kms:`), in the order given. */
export function kms<const Names extends string>(names: Names): KmsActions<Names> {
  return names.split(' ').map((name) => `kms:${name}`) as unknown as KmsActions<Names>;
}
