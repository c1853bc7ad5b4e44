/**
 * The classification of AccessDeniedException messages by the policy type AWS names in them (IAM
 * User Guide, "Troubleshoot access denied error messages").
 */
import { accessDenialOf, denialCause, isScpDenial } from '../../lib/retry/accessDenial.ts';

const PREFIX = 'User: arn:aws:sts::111122223333:assumed-role/fn/x is not authorized to perform: kms:ListKeys on resource: *';

describe('Function: accessDenialOf', () => {
  it.each([
    [`${PREFIX} with an explicit deny in a service control policy`, 'service control policy', true],
    [
      `${PREFIX} with an explicit deny in a service control policy: arn:aws:organizations::999988887777:policy/o-a1/service_control_policy/p-b2`,
      'service control policy',
      true,
    ],
    [`${PREFIX} because no service control policy allows the kms:ListKeys action`, 'service control policy', false],
    [`${PREFIX} with an explicit deny in a Service Control Policy`, 'service control policy', true],
    [`${PREFIX} because no identity-based policy allows the kms:ListKeys action`, 'identity-based policy', false],
    [`${PREFIX} with an explicit deny in an identity-based policy`, 'identity-based policy', true],
    [`${PREFIX} with an explicit deny in a permissions boundary`, 'permissions boundary', true],
    [`${PREFIX} because no permissions boundary allows the kms:ListKeys action`, 'permissions boundary', false],
    [`${PREFIX} with an explicit deny in a session policy`, 'session policy', true],
    [`${PREFIX} with an explicit deny in a resource control policy`, 'resource control policy', true],
    [`${PREFIX} because no resource-based policy allows the kms:ListKeys action`, 'resource-based policy', false],
    [`${PREFIX} with an explicit deny in a VPC endpoint policy`, 'VPC endpoint policy', true],
  ])('reads %s', (message, policyType, explicit) => {
    // Act
    const denial = accessDenialOf(message);

    // Assess
    expect(denial).toEqual({ action: 'kms:ListKeys', policyType, explicit });
  });

  it('names no policy type for a message without one', () => {
    // Act
    const denial = accessDenialOf('Access Denied');

    // Assess
    expect(denial).toEqual({ action: null, policyType: null, explicit: false });
    expect(denialCause(denial)).toBe('a denial whose policy type the message does not name');
  });
});

describe('Function: isScpDenial', () => {
  it('is true only when the message names a service control policy', () => {
    // Assess
    expect(isScpDenial(`${PREFIX} with an explicit deny in a service control policy`)).toBe(true);
    expect(isScpDenial(`${PREFIX} because no service control policy allows the kms:ListKeys action`)).toBe(true);
    expect(isScpDenial(`${PREFIX} because no identity-based policy allows the kms:ListKeys action`)).toBe(false);
    expect(isScpDenial(`${PREFIX} with an explicit deny in a resource control policy`)).toBe(false);
    expect(isScpDenial('AccessDeniedException: Access Denied')).toBe(false);
  });
});
