/**
 * The grant part of `KmsApi` over `@aws-sdk/client-kms` (docs/behaviour.md §12): ListGrants (all
 * pages, 100 a page, KMS's maximum), CreateGrant with `Name` (KMS answers the existing GrantId for
 * the same name and parameters, which makes the call safe to repeat), RevokeGrant.
 */
import { CreateGrantCommand, type GrantOperation, type KMSClient, ListGrantsCommand, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { KmsError } from '../errors.ts';
import type { GrantEntry, KmsApi, ListOptions } from '../kmsApi.ts';

const GRANTS_PAGE_SIZE = 100;

type Call = <T>(action: string, send: () => Promise<T>) => Promise<T>;
type AllPages = <T>(
  options: ListOptions | undefined,
  page: (marker: string | undefined) => Promise<{ items: T[]; nextMarker: string | undefined }>,
) => Promise<T[]>;

/** The grant methods of the `KmsApi` of `client`'s Region; `call` translates errors, `allPages` pages. */
export function createGrantApi(client: KMSClient, region: string, call: Call, allPages: AllPages): Pick<KmsApi, 'listGrants' | 'createGrant' | 'revokeGrant'> {
  return {
    listGrants: (keyId, options) =>
      allPages<GrantEntry>(options, async (marker) => {
        const out = await call('ListGrants', () => client.send(new ListGrantsCommand({ KeyId: keyId, Limit: GRANTS_PAGE_SIZE, Marker: marker })));
        const items = (out.Grants ?? []).flatMap((g) => (g.GrantId ? [{ grantId: g.GrantId, name: g.Name ?? null }] : []));
        return { items, nextMarker: out.Truncated ? out.NextMarker : undefined };
      }),
    createGrant: async (input) => {
      const { constraints } = input;
      const out = await call('CreateGrant', () =>
        client.send(
          new CreateGrantCommand({
            KeyId: input.keyId,
            Name: input.kmsName,
            GranteePrincipal: input.granteePrincipal,
            Operations: input.operations as GrantOperation[],
            RetiringPrincipal: input.retiringPrincipal ?? undefined,
            Constraints:
              constraints === null
                ? undefined
                : { EncryptionContextSubset: constraints.encryptionContextSubset, EncryptionContextEquals: constraints.encryptionContextEquals },
          }),
        ),
      );
      if (!out.GrantId) throw new KmsError('InvalidResponse', 'CreateGrant returned no GrantId', { context: { region } });
      return { grantId: out.GrantId };
    },
    revokeGrant: async (keyId, grantId) => {
      await call('RevokeGrant', () => client.send(new RevokeGrantCommand({ KeyId: keyId, GrantId: grantId })));
    },
  };
}
