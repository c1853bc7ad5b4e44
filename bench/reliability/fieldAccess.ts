/**
 * The access side of field realism: `denied_regions` (an organization's Region-deny SCP on one
 * Region, and a listing denied by the identity policy instead, which is no Region denial) and
 * `iam_evaluated` (every request authorised against template.yaml's execution-role policy, with the
 * pessimistic reading of the replica-side CreateKey).
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_IDENTITY, executionRoleArnOf, executionRolePolicy, parseTemplate, type Stack } from '../../local/driver/index.ts';
import { type BlockSummary, FIELD_DELAYS, lifecycle, liveKeysOf, type Report, referenceLifecycle, runBlock } from './field.ts';
import type { Harness } from './harness.ts';

const TEMPLATE_PATH = new URL('../../template.yaml', import.meta.url);
const ACCOUNT = DEFAULT_IDENTITY.accountId;

/**
 * An organization's own Region deny: every action except global services is denied outside `allowed`.
 * Not Control Tower's landing-zone GRREGIONDENY, which lists `kms:*` among its exempted actions and so
 * never denies KMS; its configurable OU Region deny control can.
 */
export function regionDenyScp(allowed: string[]): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyOutsideAllowedRegions',
        Effect: 'Deny',
        NotAction: ['iam:*', 'organizations:*', 'sts:*', 'account:*', 'support:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': allowed } },
      },
    ],
  };
}

/** `denied_regions`: Create, Update and Delete with a denied Region holding no key, and one holding a desired key. */
export async function runDeniedRegions(regions: string[], report: Report): Promise<BlockSummary> {
  const denied = regions.at(-1)!;
  const [a, b] = regions;
  const props = (keys: Record<string, unknown>) => ({ AwsAccountId: ACCOUNT, CustomerMasterKeys: keys });
  const skipped = (label: string, run: (stack: Stack) => ReturnType<Stack['create']>) => ({
    label,
    run: async (stack: Stack) => {
      const result = await run(stack);
      if (result.status === 'SUCCESS' && result.requestType !== 'Delete' && result.data?.SkippedRegions !== denied) {
        return { ...result, status: 'FAILED' as const, reason: `SkippedRegions is ${JSON.stringify(result.data?.SkippedRegions)}, expected ${denied}` };
      }
      return result;
    },
  });
  const namesDenial = (label: string, run: (stack: Stack) => ReturnType<Stack['create']>) => ({
    label,
    expected: 'FAILED' as const,
    run: async (stack: Stack) => {
      const result = await run(stack);
      const named = result.reason?.includes(`KMS denies access in ${denied}`) && result.reason.includes('service control policy');
      return result.status === 'FAILED' && !named
        ? { ...result, status: 'SUCCESS' as const, reason: `FAILED without naming ${denied} and the denial: ${result.reason}` }
        : result;
    },
  });
  return runBlock(
    { regions, replicaCreatingMs: 500, realism: { scp: regionDenyScp(regions.filter((r) => r !== denied)) } },
    [
      [
        `denied Region without desired keys (${denied}): Create, Update, Delete`,
        (h) =>
          lifecycle(h, 'rel-denied-none', [
            skipped('Create', (stack) => stack.create(props({ 'cmk-a': { Region: a, ReplicaRegions: [b] } }))),
            skipped('Update', (stack) => stack.update(props({ 'cmk-a': { Region: a, ReplicaRegions: [b] }, 'cmk-b': { Region: b } }))),
            { label: 'Delete', run: (stack) => stack.delete() },
          ]),
      ],
      [
        `denied Region holding a desired primary (${denied}): Create FAILED, Delete`,
        (h) =>
          lifecycle(h, 'rel-denied-primary', [
            namesDenial('Create', (stack) => stack.create(props({ 'cmk-a': { Region: denied } }))),
            { label: 'Delete', run: (stack) => stack.delete() },
          ]),
      ],
      [
        `denied Region holding a desired replica (${denied}): Update FAILED, Delete`,
        (h) =>
          lifecycle(h, 'rel-denied-replica', [
            skipped('Create', (stack) => stack.create(props({ 'cmk-a': { Region: a } }))),
            namesDenial('Update', (stack) => stack.update(props({ 'cmk-a': { Region: a, ReplicaRegions: [denied] } }))),
            { label: 'Delete', run: (stack) => stack.delete() },
          ]),
      ],
      [
        `identity-policy denial of the listings in ${b} (no SCP): Delete FAILED naming it, keys kept; Delete once allowed`,
        (h) => identityDenial(h, b!, props({ 'cmk-a': { Region: b } })),
      ],
      [
        `denied Region and keys in every Region (${denied}): Create FAILED, Delete`,
        (h) =>
          lifecycle(h, 'rel-denied-per-region', [
            namesDenial('Create', (stack) => stack.create(props({ 'cmk-all': {} }))),
            { label: 'Delete', run: (stack) => stack.delete() },
          ]),
      ],
    ],
    report,
  );
}

/** `iam_evaluated`: the reference lifecycle and an adoption, authorised against template.yaml's execution-role policy. */
export async function runIamEvaluated(regions: string[], report: Report): Promise<BlockSummary> {
  const template = parseTemplate(readFileSync(TEMPLATE_PATH, 'utf8'));
  const identityPolicy = executionRolePolicy(template, { parameters: { AllowAdoptingExistingKeys: 'true' } }) as unknown as Record<string, unknown>;
  const [a] = regions;
  return runBlock(
    {
      regions,
      replicaCreatingMs: 500,
      realism: {
        identityPolicy,
        callerArn: executionRoleArnOf(DEFAULT_IDENTITY),
        tagPropagationMs: 600_000,
        consistencyDelayMs: FIELD_DELAYS.consistencyDelayMs,
      },
      requestGapMs: FIELD_DELAYS.requestGapMs,
    },
    [
      ['iam: reference lifecycle (Create, every Update kind, Delete)', (h) => lifecycle(h, 'rel-iam-lifecycle', referenceLifecycle())],
      [
        'iam: adoption of a key made elsewhere, then Delete',
        async (h) => {
          const base = { AwsAccountId: ACCOUNT, CustomerMasterKeys: { 'cmk-new': { Region: a } } };
          const adopting = { ...base, AdoptExistingKeys: true, CustomerMasterKeys: { ...base.CustomerMasterKeys, 'cmk-legacy': { Region: a } } };
          const steps = [
            { label: 'Create', run: (stack: Stack) => stack.create(base) },
            {
              label: 'Update (adopt)',
              run: async (stack: Stack) => {
                // Offered to this stack by whoever made it (MultiRegionKmsKeys:AdoptableBy = the stack's name).
                await h.control.seedKey({
                  region: a!,
                  aliasName: 'alias/cmk-legacy',
                  tags: { 'MultiRegionKmsKeys:AdoptableBy': stack.resource.stackId.split('/')[1]! },
                });
                return stack.update(adopting);
              },
            },
            { label: 'Delete', run: (stack: Stack) => stack.delete() },
          ];
          return lifecycle(h, 'rel-iam-adopt', steps);
        },
      ],
    ],
    report,
  );
}

/** An identity policy allowing everything but the listings (ListKeys, ListAliases) in `region`: AWS answers `because no identity-based policy allows …`. */
function withoutListingsIn(region: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', NotAction: ['kms:ListKeys', 'kms:ListAliases'], Resource: '*' },
      { Effect: 'Allow', Action: ['kms:ListKeys', 'kms:ListAliases'], Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': region } } },
    ],
  };
}

/**
 * A Delete whose listings in `region` the identity policy denies (a role whose policy has not
 * propagated, a permissions boundary): never a skipped Region. The Delete fails naming action, Region
 * and policy type and the keys stay live; once the policy allows, the Delete removes them.
 */
async function identityDenial(h: Harness, region: string, properties: Record<string, unknown>) {
  // A short propagation window keeps the block quick; the function's default is 60 s.
  const driver = await h.driver({ IAM_PROPAGATION_MS: '2000' });
  const problems: string[] = [];
  const finding = await lifecycle(
    h,
    'rel-denied-identity',
    [
      { label: 'Create', run: (stack: Stack) => stack.create(properties) },
      {
        label: 'Delete (listings denied by the identity policy)',
        expected: 'FAILED' as const,
        run: async (stack: Stack) => {
          await h.control.config({ identityPolicy: withoutListingsIn(region) });
          const result = await stack.delete();
          await h.control.config({ identityPolicy: null });
          if (!/^KMS denied kms:List(Keys|Aliases) in \S+ because of no identity-based policy allowing it/.test(result.reason ?? '')) {
            problems.push(`the failed Delete did not name action, Region and policy type: ${result.reason}`);
          }
          const owner = stack.physicalResourceId ?? '';
          if ((await liveKeysOf(h, owner)).length === 0) problems.push('the failed Delete left no live key: it deleted over a denied Region');
          return result;
        },
      },
      { label: 'Delete', run: (stack: Stack) => stack.delete() },
    ],
    driver,
  );
  return { ...finding, problems: [...finding.problems, ...problems] };
}
