import { ownerIdOf, ownerOf, ownershipOf, ownershipTags, stackNameOf } from '../lib/ownership.ts';

const removal = { removalPolicy: 'Delete' as const, deletionWindowInDays: 30 };
const stackId = 'arn:aws:cloudformation:us-east-1:111122223333:stack/baseline/0f0e0d0c-1111-2222-3333-444455556666';

describe('Function: ownerIdOf', () => {
  it('is deterministic and differs per logical ID', () => {
    expect(ownerIdOf(stackId, 'Keys')).toBe(ownerIdOf(stackId, 'Keys'));
    expect(ownerIdOf(stackId, 'Keys')).not.toBe(ownerIdOf(stackId, 'Keys2'));
    expect(ownerIdOf(stackId, 'Keys')).toMatch(/^mrkk-[0-9a-f]{32}$/);
  });
});

describe('Function: ownershipOf', () => {
  it('tells self, sibling and foreign apart', () => {
    const self = ownerOf(stackId, 'Keys');
    const sibling = ownerOf(stackId, 'OldKeys');
    const other = ownerOf(stackId.replace('baseline', 'other'), 'Keys');
    expect(stackNameOf(stackId)).toBe('baseline');
    expect(ownershipOf(ownershipTags(self, 'k', removal), self)).toEqual({ kind: 'self' });
    expect(ownershipOf(ownershipTags(sibling, 'k', removal), self)).toEqual({ kind: 'sibling', ownerId: sibling.ownerId });
    expect(ownershipOf(ownershipTags(other, 'k', removal), self)).toEqual({ kind: 'foreign' });
    expect(ownershipOf({}, self)).toEqual({ kind: 'foreign' });
  });
});
