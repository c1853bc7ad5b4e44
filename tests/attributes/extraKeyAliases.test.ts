import { buildDesiredState } from '../../lib/desired/index.ts';
import type { ValidationError } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ATTRIBUTE_FAMILIES, buildAttributes, preflightResponseSize } from '../../lib/request/attributes.ts';
import type { DesiredState } from '../../lib/types.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS, measureResponse } from '../properties/fixtures.ts';

const MRK = 'mrk-1234abcd12ab34cd56ef1234567890ab';

function desiredOf(keys: Record<string, unknown>): DesiredState {
  const properties = parseProperties({ AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: keys }, { accountId: ACCOUNT_ID });
  return buildDesiredState({ properties, oldProperties: null, enabledRegions: DEFAULT_REGIONS, context: CONTEXT });
}

describe('Function: buildAttributes (ExtraKeyAliases)', () => {
  it('lists the extra aliases of a key per Region, comma-separated, primary and replicas; KeyAliases stays the main alias', () => {
    // Prepare
    const state = desiredOf({
      orders: { Region: 'us-east-1', ReplicaRegions: ['eu-west-1'], Aliases: ['orders-v2', 'billing'] },
      plain: { Region: 'us-east-1' },
    });

    // Act
    const data = buildAttributes(state, { orders: MRK, plain: MRK }, CONTEXT, ['*Aliases.*']);

    // Assess
    expect(data).toMatchObject({
      'ExtraKeyAliases.us-east-1.orders': 'alias/orders-v2,alias/billing',
      'ExtraKeyAliases.eu-west-1.orders': 'alias/orders-v2,alias/billing',
      'KeyAliases.us-east-1.orders': 'alias/orders',
    });
    expect(Object.keys(data).filter((name) => name.startsWith('ExtraKeyAliases.'))).toHaveLength(2);
  });

  it('counts them in the response-size preflight, by family', () => {
    // Prepare: long alias names on a key in every Region
    const aliases = Array.from({ length: 12 }, (_, i) => `application-${i}-${'x'.repeat(40)}`);
    const state = desiredOf({ wide: { Aliases: aliases } });

    // Act
    let message = '';
    try {
      preflightResponseSize(state, CONTEXT, ['ExtraKeyAliases.*'], measureResponse);
    } catch (error) {
      message = (error as ValidationError).issues[0]!.message;
    }

    // Assess
    expect(message).toMatch(/bytes per attribute family: ExtraKeyAliases \d+/);
  });
});

describe('Function: buildAttributes (every family obeys ReturnAttributes)', () => {
  /** A desired state in which every family has at least one attribute. */
  const everything = () => {
    const properties = parseProperties(
      {
        AwsAccountId: ACCOUNT_ID,
        OptInRegions: ['us-east-1', 'eu-west-1'],
        CustomerMasterKeys: {
          orders: {
            Region: 'us-east-1',
            ReplicaRegions: ['eu-west-1', 'ap-south-1'],
            Aliases: ['orders-v2'],
            Grants: { app: { GranteePrincipal: `arn:aws:iam::${ACCOUNT_ID}:role/app`, GrantedOperations: ['Decrypt'] } },
          },
          elsewhere: { Region: 'ap-south-1' },
        },
      },
      { accountId: ACCOUNT_ID },
    );
    return buildDesiredState({ properties, oldProperties: null, enabledRegions: DEFAULT_REGIONS, context: CONTEXT });
  };
  const grantIds = { orders: { 'us-east-1': { app: 'g'.repeat(64) }, 'eu-west-1': { app: 'h'.repeat(64) } } };

  it.each(ATTRIBUTE_FAMILIES.map((family) => [family]))('returns %s only when ReturnAttributes selects it', (family) => {
    // Prepare
    const state = everything();
    const others = ATTRIBUTE_FAMILIES.filter((f) => f !== family).flatMap((f) => [f, `${f}.*`]);

    // Act
    const all = buildAttributes(state, { orders: MRK }, CONTEXT, ['*'], ['ap-northeast-1'], grantIds);
    const selected = buildAttributes(state, { orders: MRK }, CONTEXT, [family, `${family}.*`], ['ap-northeast-1'], grantIds);
    const without = buildAttributes(state, { orders: MRK }, CONTEXT, others, ['ap-northeast-1'], grantIds);

    // Assess
    const ofFamily = (data: Record<string, string>) => Object.keys(data).filter((name) => name.split('.')[0] === family);
    expect(ofFamily(all).length).toBeGreaterThan(0);
    expect(Object.keys(selected)).toEqual(ofFamily(all));
    expect(ofFamily(without)).toEqual([]);
    expect(buildAttributes(state, { orders: MRK }, CONTEXT, [], ['ap-northeast-1'], grantIds)).toEqual({});
  });
});
