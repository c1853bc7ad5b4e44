/**
 * The construct's camelCase props → the resource's PascalCase properties, and the function's own
 * validation (lib/properties) run on them at synth with every issue's path given back in camelCase.
 * Field names change case (`cmkUserIamArns` → `CmkUserIamArns`); names the user chose (key names,
 * tag keys, grant names, encryption context keys) and IAM statements (already in IAM's spelling)
 * are kept as written. Values CDK resolves only at deploy time (tokens: a role's ARN, the account)
 * cannot be checked at synth: they are replaced by stand-ins of the right form for the checks, and
 * any issue at their path is left to the function.
 */
import { Token } from 'aws-cdk-lib';
import { parseProperties } from '../../lib/properties/index.ts';
import {
  CMK_USER_FIELDS,
  CONDITION_FIELDS,
  GRANT_CONSTRAINT_FIELDS,
  GRANT_FIELDS,
  KEY_FIELDS,
  SERVICE_PRINCIPAL_FIELDS,
  TOP_LEVEL_FIELDS,
} from '../../lib/properties/synonyms.ts';
import type { ResourceProperties } from '../../lib/types.ts';

/** A converted value and what the conversion learnt on the way. */
export interface Conversion {
  /** The properties in PascalCase, tokens kept. */
  properties: Record<string, unknown>;
  /** The same with every token replaced by a stand-in, for the checks. */
  checked: Record<string, unknown>;
  /** PascalCase path → camelCase path, for every node visited. */
  paths: Map<string, string>;
  /** PascalCase paths whose value is a token. */
  tokenPaths: string[];
}

/** The account the checks assume when the stack's account is a token. */
export const STAND_IN_ACCOUNT = '123456789012';
const STAND_IN_ARN = `arn:aws:iam::${STAND_IN_ACCOUNT}:role/cdk-token`;

/** How an object's keys are named: fields (camelCase → PascalCase), a map of the user's names, a list, or verbatim. */
type Shape = 'verbatim' | { fields: readonly string[]; children?: Record<string, Shape> } | { map: Shape } | { list: Shape };

const CONDITION: Shape = { fields: CONDITION_FIELDS };
const CMK_USER_OBJECT: Shape = { fields: CMK_USER_FIELDS, children: { Name: { list: 'verbatim' }, Conditions: { list: CONDITION } } };
// A bare ARN string is not an object, so its list entries keep it as it is.
const CMK_USERS: Shape = { list: CMK_USER_OBJECT };
const GRANT: Shape = {
  fields: GRANT_FIELDS,
  children: { GrantedOperations: { list: 'verbatim' }, Regions: { list: 'verbatim' }, Constraints: { fields: GRANT_CONSTRAINT_FIELDS, children: {} } },
};
const KEY: Shape = {
  fields: KEY_FIELDS,
  children: {
    CmkUserIamArns: CMK_USERS,
    CmkReadOnlyUserIamArns: CMK_USERS,
    CmkDescribeOnlyUserIamArns: CMK_USERS,
    CmkServicePrincipals: { list: { fields: SERVICE_PRINCIPAL_FIELDS, children: { Actions: { list: 'verbatim' }, Conditions: { list: CONDITION } } } },
    Grants: { map: GRANT },
  },
};
const TOP: Shape = { fields: TOP_LEVEL_FIELDS, children: { CustomerMasterKeys: { map: KEY } } };

function pascalCaseOf(camel: string): string {
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Converter {
  readonly paths = new Map<string, string>();
  readonly tokenPaths: string[] = [];

  /** [kept, checked] for `value` of `shape` at `pascal` / `camel`. */
  convert(value: unknown, shape: Shape, pascal: string, camel: string): [unknown, unknown] {
    this.paths.set(pascal, camel);
    if (Token.isUnresolved(value)) {
      this.tokenPaths.push(pascal);
      return [value, pascal === 'AwsAccountId' ? STAND_IN_ACCOUNT : STAND_IN_ARN];
    }
    if (Array.isArray(value)) return this.list(value, shape, pascal, camel);
    if (!isRecord(value)) return [value, value];
    if (shape === 'verbatim' || 'list' in shape) return this.verbatim(value, pascal, camel);
    if ('map' in shape) return this.entries(value, pascal, camel, (key) => [key, key, shape.map]);
    return this.entries(value, pascal, camel, (key) => {
      const field = pascalCaseOf(key);
      const known = shape.fields.includes(field);
      const child = known ? shape.children?.[field] : undefined;
      return [known ? field : key, key, child ?? 'verbatim'];
    });
  }

  private list(value: unknown[], shape: Shape, pascal: string, camel: string): [unknown, unknown] {
    const item = typeof shape === 'object' && 'list' in shape ? shape.list : 'verbatim';
    const pairs = value.map((entry, index) => this.convert(entry, item, `${pascal}[${index}]`, `${camel}[${index}]`));
    return [pairs.map(([kept]) => kept), pairs.map(([, checked]) => checked)];
  }

  private verbatim(value: Record<string, unknown>, pascal: string, camel: string): [unknown, unknown] {
    return this.entries(value, pascal, camel, (key) => [key, key, 'verbatim']);
  }

  private entries(
    value: Record<string, unknown>,
    pascal: string,
    camel: string,
    name: (key: string) => [pascalKey: string, camelKey: string, shape: Shape],
  ): [unknown, unknown] {
    const kept: [string, unknown][] = [];
    const checked: [string, unknown][] = [];
    for (const [key, entry] of Object.entries(value)) {
      if (entry === undefined) continue;
      const [pascalKey, camelKey, shape] = name(key);
      const [k, c] = this.convert(entry, shape, pascal === '' ? pascalKey : `${pascal}.${pascalKey}`, camel === '' ? camelKey : `${camel}.${camelKey}`);
      kept.push([pascalKey, k]);
      checked.push([pascalKey, c]);
    }
    return [Object.fromEntries(kept), Object.fromEntries(checked)];
  }
}

/** Converts camelCase props (a `MultiRegionKmsKeysProperties`) into the resource's properties. */
export function toResourceProperties(props: Record<string, unknown>): Conversion {
  const converter = new Converter();
  const [properties, checked] = converter.convert(props, TOP, '', '');
  return {
    properties: properties as Record<string, unknown>,
    checked: checked as Record<string, unknown>,
    paths: converter.paths,
    tokenPaths: converter.tokenPaths,
  };
}

/** `CustomerMasterKeys.cmk.CmkUserIamArns[0]` → `customerMasterKeys.cmk.cmkUserIamArns[0]` (the longest known prefix). */
export function camelPathOf(pascalPath: string, paths: Map<string, string>): string {
  for (let end = pascalPath.length; end > 0; end--) {
    const boundary = end === pascalPath.length || pascalPath[end] === '.' || pascalPath[end] === '[';
    const camel = boundary ? paths.get(pascalPath.slice(0, end)) : undefined;
    if (camel !== undefined) return `${camel}${pascalPath.slice(end)}`;
  }
  return pascalPath;
}

/** The result of the synth-time check. */
export interface CheckResult {
  /** The parsed properties; undefined when there were issues (or a token kept them from being parsed). */
  parsed?: ResourceProperties;
  /** `camelCasePath: message`, one per issue the function would report. */
  errors: string[];
}

/** Runs the function's validation on the converted properties. */
export function checkProperties(conversion: Conversion, accountId: string): CheckResult {
  // A token account (the stack's own, by default) is the account the function runs in.
  const checked = conversion.tokenPaths.includes('AwsAccountId') ? { ...conversion.checked, AwsAccountId: accountId } : conversion.checked;
  try {
    return { parsed: parseProperties(checked, { accountId }), errors: [] };
  } catch (error) {
    return { errors: issuesOf(error, conversion) };
  }
}

/** A `ValidationError`'s issues as `camelCasePath: message`, leaving out those at token paths; rethrows anything else. */
export function issuesOf(error: unknown, conversion: Conversion): string[] {
  const issues = (error as { issues?: { path: string; message: string }[] }).issues;
  if (issues === undefined) throw error;
  const underToken = (path: string) => conversion.tokenPaths.some((token) => path === token || path.startsWith(`${token}.`) || path.startsWith(`${token}[`));
  return issues.filter((issue) => !underToken(issue.path)).map((issue) => `${camelPathOf(issue.path, conversion.paths)}: ${issue.message}`);
}
