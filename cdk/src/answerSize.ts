/**
 * The size of the answer that carries exactly the attributes an app reads, with the product's own
 * rules (lib/desired, lib/request/attributes.ts, lib/request/response.ts): key ids of their real
 * length, GrantIds at the most KMS allows, `SkippedRegions` at its longest, every ARN in the
 * stack's partition. CloudFormation refuses an answer over 4,096 bytes, so a synth whose reads
 * would not fit fails (docs/behaviour.md §7).
 */
import { MAX_RESPONSE_BYTES } from '../../lib/constants.ts';
import { buildDesiredState } from '../../lib/desired/index.ts';
import { ownerOf } from '../../lib/ownership.ts';
import { worstCaseSkippedRegions } from '../../lib/reader/deniedRegions.ts';
import { buildAttributes, familySizes, placeholderKeyIds } from '../../lib/request/attributes.ts';
import { placeholderGrantIds } from '../../lib/request/grantAttributes.ts';
import { measureResponseBytes } from '../../lib/request/response.ts';
import type { ResourceContext, ResourceProperties } from '../../lib/types.ts';

/** What the stack tells of the request at synth (resolved values, or the longest stand-ins). */
export interface SynthContext {
  stackName: string;
  logicalResourceId: string;
  accountId: string;
  region: string;
  /** The stack's partition (`aws` when CDK leaves it to the deployment). */
  partition: string;
}

/** A request id of the real length (a UUID). */
const REQUEST_ID = '00000000-0000-4000-8000-000000000000';

/**
 * Why the answer carrying `reads` would not fit, or undefined when it fits.
 * @param regions Regions the keys may be in beyond those the properties fix (the Regions the app reads)
 */
export function answerSizeProblem(properties: ResourceProperties, reads: string[], regions: string[], synth: SynthContext): string | undefined {
  const PARTITION = synth.partition;
  const context: ResourceContext = {
    stackId: `arn:${PARTITION}:cloudformation:${synth.region}:${synth.accountId}:stack/${synth.stackName}/${REQUEST_ID}`,
    stackName: synth.stackName,
    logicalResourceId: synth.logicalResourceId,
    accountId: synth.accountId,
    partition: PARTITION,
    region: synth.region,
    executionRoleArn: `arn:${PARTITION}:iam::${synth.accountId}:role/${'x'.repeat(64)}`,
  };
  const fixed = properties.keys.flatMap((key) => [...(key.region === null ? [] : [key.region]), ...key.replicaRegions.filter((region) => region !== '*')]);
  const enabledRegions = [...new Set([...fixed, ...regions, synth.region])].sort();
  const desired = buildDesiredState({ properties, oldProperties: null, enabledRegions, context });
  const data = buildAttributes(desired, placeholderKeyIds(desired), context, reads, worstCaseSkippedRegions(desired), placeholderGrantIds(desired));
  const envelope = {
    Status: 'SUCCESS',
    PhysicalResourceId: ownerOf(context.stackId, context.logicalResourceId).ownerId,
    StackId: context.stackId,
    RequestId: REQUEST_ID,
    LogicalResourceId: context.logicalResourceId,
  } as const;
  const bytes = measureResponseBytes(envelope, data);
  if (bytes <= MAX_RESPONSE_BYTES) return undefined;
  const families = Object.entries(familySizes(data))
    .map(([family, size]) => `${family} ${size}`)
    .join(', ');
  return (
    `the ${reads.length} attribute(s) this app reads make an answer of ${bytes} bytes, over CloudFormation's limit of ${MAX_RESPONSE_BYTES} ` +
    `("Response object is too long"); bytes per attribute family: ${families}. Read fewer attributes (keyId instead of keyArn, ` +
    'one Region instead of each), or split the keys over two MultiRegionKmsKeys resources'
  );
}
