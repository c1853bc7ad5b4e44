import { toCfnMap } from '../../bench/reliability/cfnValue.ts';
import { leakedSignatures } from '../../bench/reliability/hostile.ts';
import { hostileStatements } from '../../bench/reliability/hostileStatements.ts';
import { withAliasesAndStatements } from '../../bench/reliability/reference.ts';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { ValidationError } from '../../lib/errors.ts';
import { parseProperties } from '../../lib/properties/index.ts';
import { ACCOUNT_ID, CONTEXT, DEFAULT_REGIONS } from '../properties/fixtures.ts';

/** The issue paths validation and the desired state give `raw`, or undefined when both accept it. */
function refusedPaths(raw: unknown): string[] | undefined {
  try {
    const properties = parseProperties(raw, { accountId: ACCOUNT_ID });
    buildDesiredState({ properties, oldProperties: null, enabledRegions: DEFAULT_REGIONS, context: CONTEXT });
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).issues.map((i) => i.path);
  }
}

describe('Function: hostileStatements', () => {
  it.each(hostileStatements().map((input) => [input.name, input] as const))('refuses %s before any KMS call, naming its path', (_, input) => {
    // Act
    const paths = refusedPaths(input.properties);

    // Assess
    expect(paths).toBeDefined();
    expect(paths!.some((path) => input.expectPaths.includes(path))).toBe(true);
  });
});

describe('Function: leakedSignatures', () => {
  it('counts each signature found in the logs once, inside URLs, longer hex runs or on its own', () => {
    // Prepare
    const [a, b, c] = ['a', 'b', 'c'].map((x) => x.repeat(64)) as [string, string, string];
    const logs = `{"url":"https://x/?X-Amz-Signature=${a}&y"} 0${b}f ${a} nothing here`;

    // Act & Assess
    expect(leakedSignatures(logs, [a, b, c])).toBe(2);
    expect(leakedSignatures('', [a])).toBe(0);
  });
});

describe('Function: withAliasesAndStatements', () => {
  it('gives valid properties for the crash points of alias changes: aliases in the primary and both replica Regions', () => {
    // Act
    const properties = parseProperties(toCfnMap(withAliasesAndStatements(['cmk-prod-v2', 'orders'])()), { accountId: ACCOUNT_ID });
    const state = buildDesiredState({
      properties,
      oldProperties: parseProperties(toCfnMap(withAliasesAndStatements(['cmk-prod-v1', 'orders'])()), { accountId: ACCOUNT_ID }),
      enabledRegions: DEFAULT_REGIONS,
      context: CONTEXT,
    });

    // Assess
    const prod = state.keys.find((k) => k.keyName === 'cmk-prod')!;
    expect(prod).toMatchObject({
      extraAliasNames: ['alias/cmk-prod-v2', 'alias/orders'],
      retiredAliasNames: ['alias/cmk-prod-v1'],
      replicaRegions: ['eu-west-1', 'us-west-2'],
    });
  });
});
