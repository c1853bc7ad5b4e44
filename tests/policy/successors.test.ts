/** The `aws:PrincipalArn` patterns that let a recreated function role back into the keys. */
import { successorRolePatterns } from '../../lib/policy/successors.ts';

describe('Function: successorRolePatterns', () => {
  it('matches every role under the function role path, whatever name a recreated stack gives it', () => {
    // Act
    const patterns = successorRolePatterns('arn:aws:iam::111122223333:role/multi-region-kms-keys/mrkk-FunctionRole-1A2B3C');

    // Assess
    expect(patterns).toEqual(['arn:aws:iam::111122223333:role/multi-region-kms-keys/*']);
  });

  it('matches the same role name when the role has no path, and the default path for the upgrade to it', () => {
    // Act
    const patterns = successorRolePatterns('arn:aws-cn:iam::111122223333:role/key-manager');

    // Assess
    expect(patterns).toEqual(['arn:aws-cn:iam::111122223333:role/key-manager', 'arn:aws-cn:iam::111122223333:role/multi-region-kms-keys/*']);
  });

  it('keeps a path of its own besides the default one', () => {
    // Act
    const patterns = successorRolePatterns('arn:aws:iam::111122223333:role/a/b/fn');

    // Assess
    expect(patterns).toEqual(['arn:aws:iam::111122223333:role/a/b/*', 'arn:aws:iam::111122223333:role/multi-region-kms-keys/*']);
  });
});
