/** The `aws:PrincipalArn` pattern that lets a recreated function role back into the keys. */
import { successorRolePattern } from '../../lib/policy/successors.ts';

describe('Function: successorRolePattern', () => {
  it('matches every role under the function role path, whatever name a recreated stack gives it', () => {
    // Act
    const pattern = successorRolePattern('arn:aws:iam::111122223333:role/multi-region-kms-keys/mrkk-FunctionRole-1A2B3C');

    // Assess
    expect(pattern).toBe('arn:aws:iam::111122223333:role/multi-region-kms-keys/*');
  });

  it('matches the same role name when the role has no path', () => {
    // Act
    const pattern = successorRolePattern('arn:aws-cn:iam::111122223333:role/key-manager');

    // Assess
    expect(pattern).toBe('arn:aws-cn:iam::111122223333:role/key-manager');
  });

  it('keeps nested paths', () => {
    // Act
    const pattern = successorRolePattern('arn:aws:iam::111122223333:role/a/b/fn');

    // Assess
    expect(pattern).toBe('arn:aws:iam::111122223333:role/a/b/*');
  });
});
