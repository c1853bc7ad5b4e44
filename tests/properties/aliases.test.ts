import { ValidationError, type ValidationIssue } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID } from './fixtures.ts';

const opts = { accountId: ACCOUNT_ID };

function issuesOf(keys: Record<string, unknown>): ValidationIssue[] {
  try {
    parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys }, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('Function: parseProperties (Aliases)', () => {
  it('keeps extra aliases in the order written, under either spelling', () => {
    // Act
    const pascal = parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { orders: { Aliases: ['orders-v2', 'billing/orders'] } } }, opts);
    const snake = parseProperties({ aws_account_id: ACCOUNT_ID, customer_master_keys: { orders: { aliases: ['orders-v2', 'billing/orders'] } } }, opts);

    // Assess
    expect(pascal.keys[0]!.aliases).toEqual(['orders-v2', 'billing/orders']);
    expect(snake.keys[0]!.aliases).toEqual(pascal.keys[0]!.aliases);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['the alias/ prefix', ['alias/orders-v2'], '[0]', /without the alias\/ prefix/],
    ['the aws/ prefix', ['aws/s3'], '[0]', /reserves alias\/aws\//],
    ['a blank', ['orders v2'], '[0]', /only letters, digits/],
    ['the key name itself', ['orders'], '[0]', /the key's own name/],
    ['a name twice', ['v2', 'v2'], '[1]', /listed twice/],
    ['a name over 256 characters', ['a'.repeat(251)], '[0]', /at most 256/],
    ['a map', { v2: 'true' }, '', /must be a list/],
  ])('refuses %s', (_, aliases, suffix, message) => {
    // Act
    const issues = issuesOf({ orders: { Aliases: aliases } });

    // Assess
    expect(issues).toContainEqual({ path: `CustomerMasterKeys.orders.Aliases${suffix}`, message: expect.stringMatching(message) });
  });

  it('refuses more aliases than KMS allows per key (50, the key name included)', () => {
    // Act
    const issues = issuesOf({ orders: { Aliases: Array.from({ length: 50 }, (_, i) => `orders-${i}`) } });

    // Assess
    expect(issues).toEqual([{ path: 'CustomerMasterKeys.orders.Aliases', message: expect.stringContaining('at most 49 here') }]);
  });

  it("refuses an alias that is another key's name or another key's alias", () => {
    // Act
    const issues = issuesOf({ a: { Aliases: ['shared'] }, b: { Aliases: ['shared', 'c'] }, c: {} });

    // Assess
    expect(issues).toEqual([
      { path: 'CustomerMasterKeys.b.Aliases[0]', message: 'alias/shared is an alias of key a already; an alias targets one key' },
      { path: 'CustomerMasterKeys.b.Aliases[1]', message: 'alias/c is the name of key c; an alias targets one key' },
    ]);
  });
});
