import { OWNERSHIP_TAGS, ownerOf, ownershipTags } from '../../lib/ownership.ts';
import { plan } from '../../lib/planner/index.ts';
import { describedOnDelete, unreadKey } from '../../lib/reader/unreadKeys.ts';
import { alias, desiredState } from '../planner/fixtures.ts';

const OWNER = ownerOf('arn:aws:cloudformation:us-east-1:111122223333:stack/app/00000000-0000-0000-0000-000000000001', 'Keys');
const SINGLE = '1234abcd-12ab-34cd-56ef-1234567890ab';
const tagsOf = (removalPolicy: 'Delete' | 'Retain' = 'Delete') => ownershipTags(OWNER, 'cmk-prod', { removalPolicy, deletionWindowInDays: 7 });

describe('Function: describedOnDelete', () => {
  it('skips DescribeKey only for a single-Region key this resource owns outright', () => {
    expect(describedOnDelete(SINGLE, tagsOf(), OWNER)).toBe(false);
  });

  it.each([
    ['a multi-Region key (its role orders the deletions)', 'mrk-1234abcd12ab34cd56ef1234567890ab', tagsOf()],
    ['a Retain key (KMS refuses to untag it once pending deletion)', SINGLE, tagsOf('Retain')],
    ['an adopted key', SINGLE, { ...tagsOf(), [OWNERSHIP_TAGS.adoptedBy]: 'request-1' }],
    ['a key handed over by a renamed resource', SINGLE, { ...tagsOf(), [OWNERSHIP_TAGS.previousOwner]: 'mrkk-0000' }],
    [
      'a key this resource handed over (PreviousOwner only)',
      SINGLE,
      { ...tagsOf(), [OWNERSHIP_TAGS.owner]: 'mrkk-0000', [OWNERSHIP_TAGS.previousOwner]: OWNER.ownerId },
    ],
  ])('describes %s', (_what, keyId, tags) => {
    expect(describedOnDelete(keyId, tags, OWNER)).toBe(true);
  });
});

describe('Function: plan (Delete of an Unread key)', () => {
  it('deletes its aliases, then schedules its deletion with the window of its tags', () => {
    // Prepare
    const key = unreadKey('us-east-1', SINGLE, `arn:aws:kms:us-east-1:111122223333:key/${SINGLE}`, tagsOf());
    const actual = { keys: [key], aliases: [alias('us-east-1', 'alias/cmk-prod', SINGLE)] };

    // Act
    const result = plan({ ...desiredState([]), owner: OWNER }, actual);

    // Assess
    expect(result.refusals).toEqual([]);
    expect(result.actions.map((a) => [a.kind, a.dependsOn, 'pendingWindowInDays' in a ? a.pendingWindowInDays : null])).toEqual([
      ['DeleteAlias', [], null],
      ['ScheduleKeyDeletion', ['DeleteAlias:us-east-1:alias/cmk-prod'], 7],
    ]);
  });
});
