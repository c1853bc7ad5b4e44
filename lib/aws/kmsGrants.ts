/**
 * The grant part of `KmsApi` over `@aws-sdk/client-kms` (docs/behaviour.md §12): ListGrants (all
 * pages, 100 a page, KMS's maximum), CreateGrant with `Name` (KMS answers the existing GrantId for
 * the same name and parameters, which makes the call safe to repeat), RevokeGrant.
 */
import type { GrantOperation } from '@aws-sdk/client-kms';
import { KmsError } from '../errors.ts';
import type { KmsApi } from '../kmsApi.ts';
import type { KmsSender } from './kmsSend.ts';

const GRANTS_PAGE_SIZE = 100;

/** The grant methods of the `KmsApi` of `kms`'s Region. */
export function createGrantApi(kms: KmsSender, region: string): Pick<KmsApi, 'listGrants' | 'createGrant' | 'revokeGrant'> {
  return {
    listGrants: (keyId, options) =>
      kms.list('ListGrants', { KeyId: keyId, Limit: GRANTS_PAGE_SIZE }, options, (out) =>
        (out.Grants ?? []).flatMap((g) => (g.GrantId ? [{ grantId: g.GrantId, name: g.Name ?? null }] : [])),
      ),
    createGrant: async (input) => {
      const { constraints } = input;
      const out = await kms.send('CreateGrant', {
        KeyId: input.keyId,
        Name: input.kmsName,
        GranteePrincipal: input.granteePrincipal,
        Operations: input.operations as GrantOperation[],
        RetiringPrincipal: input.retiringPrincipal ?? undefined,
        Constraints:
          constraints === null
            ? undefined
            : { EncryptionContextSubset: constraints.encryptionContextSubset, EncryptionContextEquals: constraints.encryptionContextEquals },
      });
      if (!out.GrantId) throw new KmsError('InvalidResponse', 'CreateGrant returned no GrantId', { context: { region } });
      return { grantId: out.GrantId };
    },
    revokeGrant: (keyId, grantId) => kms.run('RevokeGrant', { KeyId: keyId, GrantId: grantId }),
  };
}
