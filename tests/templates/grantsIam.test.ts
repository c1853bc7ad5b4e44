/**
 * The template's IAM conditions on the grant actions, proven under the emulator's IAM evaluation
 * (field realism `identityPolicy`): on keys whose key policy delegates to IAM (the account root),
 * the execution role's identity policy alone decides. `ManageOwnedKeyGrants` lets the role create,
 * list and revoke grants on keys carrying the ownership tag, and on nothing else.
 */
import { CreateGrantCommand, CreateKeyCommand, ListGrantsCommand, RevokeGrantCommand } from '@aws-sdk/client-kms';
import { OWNERSHIP_TAGS } from '../../lib/ownership.ts';
import { ACCOUNT, expectKmsError, type Harness, rootPolicy, startHarness } from '../emulator/harness.ts';
import { actionsOf, loadTemplate, resourcesOf, roleStatements, SAM_TEMPLATE_TEXT } from './helpers.ts';

const ROLE = `arn:aws:iam::${ACCOUNT}:role/multi-region-kms-keys-function`;
const GRANTEE = 'arn:aws:iam::444455556666:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';

/** The role's statements as IAM sees them once CloudFormation has resolved `!Sub`. */
function resolvedRolePolicy(adoption: boolean): object {
  const statements = roleStatements(loadTemplate(SAM_TEMPLATE_TEXT), { AdoptionAllowed: adoption }).map((statement) => ({
    ...statement,
    Action: actionsOf(statement),
    // `!Sub` as CloudFormation resolves it: ${AWS::Partition} and ${AWS::AccountId}.
    Resource: resourcesOf(statement).map((resource) => resource.replace(/\$\{AWS::Partition\}/g, 'aws').replace(/\$\{AWS::AccountId\}/g, ACCOUNT)),
  }));
  return { Version: '2012-10-17', Statement: statements };
}

describe('Template: execution role grant permissions under IAM evaluation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ regions: ['us-east-1'] });
  });
  afterAll(async () => {
    await h.close();
  });

  /** A key whose policy only delegates to IAM, tagged as owned or not (made before IAM evaluation is on). */
  const keyWith = async (owned: boolean): Promise<string> => {
    const Tags = owned ? [{ TagKey: OWNERSHIP_TAGS.owner, TagValue: 'mrkk-00000000000000000000000000000000' }] : [];
    return (await h.kms('us-east-1').send(new CreateKeyCommand({ Policy: rootPolicy(), Tags }))).KeyMetadata!.KeyId!;
  };

  it('creates, lists and revokes grants on owned keys only', async () => {
    // Prepare
    await h.control('reset', {});
    const owned = await keyWith(true);
    const foreign = await keyWith(false);
    await h.control('config', { identityPolicy: resolvedRolePolicy(false), callerArn: ROLE });
    const kms = h.kms('us-east-1');
    const grant = (KeyId: string) =>
      kms.send(new CreateGrantCommand({ KeyId, GranteePrincipal: GRANTEE, Operations: ['Decrypt'], Name: 'MultiRegionKmsKeys:x:g:0' }));

    // Act
    const made = await grant(owned);
    const listed = await kms.send(new ListGrantsCommand({ KeyId: owned }));
    await kms.send(new RevokeGrantCommand({ KeyId: owned, GrantId: made.GrantId }));

    // Assess
    expect(listed.Grants!.map((g) => g.GrantId)).toEqual([made.GrantId]);
    await expectKmsError(grant(foreign), 'AccessDeniedException', /kms:CreateGrant/);
    await expectKmsError(kms.send(new ListGrantsCommand({ KeyId: foreign })), 'AccessDeniedException', /kms:ListGrants/);
    await expectKmsError(kms.send(new RevokeGrantCommand({ KeyId: foreign, GrantId: made.GrantId! })), 'AccessDeniedException', /kms:RevokeGrant/);
  });

  it('creates grants on keys without the ownership tag only when adoption is allowed, and never revokes there', async () => {
    // Prepare
    await h.control('reset', {});
    const foreign = await keyWith(false);
    await h.control('config', { identityPolicy: resolvedRolePolicy(true), callerArn: ROLE });
    const kms = h.kms('us-east-1');

    // Act
    const made = await kms.send(new CreateGrantCommand({ KeyId: foreign, GranteePrincipal: GRANTEE, Operations: ['Decrypt'] }));

    // Assess
    expect(made.GrantId).toBeDefined();
    await expectKmsError(kms.send(new RevokeGrantCommand({ KeyId: foreign, GrantId: made.GrantId! })), 'AccessDeniedException');
  });
});
