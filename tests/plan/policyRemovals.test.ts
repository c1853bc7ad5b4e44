import { removedAccess } from '../../local/plan/policyRemovals.ts';

const ROLE = 'arn:aws:iam::111122223333:role/app';
const OTHER = 'arn:aws:iam::111122223333:role/other';

function policy(...statements: Record<string, unknown>[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

describe('Function: removedAccess', () => {
  it('names a principal removed from a statement', () => {
    // Prepare
    const before = policy({ Sid: 'Use', Effect: 'Allow', Principal: { AWS: [ROLE, OTHER] }, Action: ['kms:Decrypt'], Resource: '*' });
    const after = policy({ Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' });

    // Act
    const removed = removedAccess(before, after);

    // Assess
    expect(removed).toEqual([`Use: principal AWS:${OTHER}`]);
  });

  it('names an action removed from a statement, and a statement removed whole', () => {
    // Prepare
    const before = policy(
      { Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' },
      { Sid: 'Extra', Effect: 'Allow', Principal: { Service: 'logs.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Resource: '*' },
    );
    const after = policy({ Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Encrypt', Resource: '*' });

    // Act
    const removed = removedAccess(before, after);

    // Assess
    expect(removed).toEqual(['Use: action kms:Decrypt', 'Extra (statement removed): principal Service:logs.amazonaws.com; action kms:GenerateDataKey*']);
  });

  it('finds nothing taken away when access is only added, a Deny changes, or the policy cannot be read', () => {
    // Prepare
    const before = policy(
      { Sid: 'Use', Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'kms:Decrypt', Resource: '*' },
      { Sid: 'NoDelete', Effect: 'Deny', Principal: '*', Action: 'kms:ScheduleKeyDeletion', Resource: '*' },
    );
    const after = policy({ Sid: 'Use', Effect: 'Allow', Principal: { AWS: [ROLE, OTHER] }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*' });

    // Act, Assess
    expect(removedAccess(before, after)).toEqual([]);
    expect(removedAccess(null, after)).toEqual([]);
    expect(removedAccess('not json', after)).toEqual([]);
  });
});
