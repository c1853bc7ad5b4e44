import { parseProperties } from '../../lib/properties/index.ts';
import { parseTemplate, resolveResource } from '../../local/driver/index.ts';
import { SAM_TEMPLATE_TEXT, STACKSET_TEMPLATE_TEXT } from './helpers.ts';

/** Values an operator passes to the stack set for the Region parameters of the sample. */
const STACKSET_PARAMETERS = {
  CodeBucketPrefix: 'example-code',
  CodeKey: 'multi-region-kms-keys/0.1.0.zip',
  CmkProdRegion: 'us-east-1',
  CmkProdReplicaRegions: 'us-west-2',
  CmkAppRegion: 'us-east-1',
  CreateSampleKeys: 'true',
};

describe('Function: sample Keys resource', () => {
  it('passes the product validation once CloudFormation has resolved it', () => {
    // Prepare
    const resolved = resolveResource(parseTemplate(SAM_TEMPLATE_TEXT), { logicalId: 'Keys', parameters: { CreateSampleKeys: 'true' } });

    // Act
    const properties = parseProperties(resolved.properties, { accountId: resolved.identity.accountId });

    // Assess
    expect(properties.keys.map((key) => key.name)).toEqual(['cmk-app', 'cmk-prod']);
    const prod = properties.keys.find((key) => key.name === 'cmk-prod')!;
    expect(prod).toMatchObject({ region: 'us-east-1', replicaRegions: ['us-west-2'], multiRegion: true, deletionWindowInDays: 7 });
    expect(prod.administrators).toEqual([expect.stringMatching(/^arn:aws:iam::\d{12}:role\//)]);
    expect(prod.users[0]!.principals).toEqual([`arn:aws:iam::${resolved.identity.accountId}:root`]);
    expect(prod.users[0]!.conditions).toEqual([{ test: 'StringEquals', variable: 'kms:CallerAccount', values: [resolved.identity.accountId] }]);
    const app = properties.keys.find((key) => key.name === 'cmk-app')!;
    expect(app).toMatchObject({ region: 'us-east-1', replicaRegions: [], multiRegion: false, deletionWindowInDays: 30 });
  });

  it('resolves to the same properties from the StackSets template', () => {
    // Prepare
    const sam = resolveResource(parseTemplate(SAM_TEMPLATE_TEXT), { logicalId: 'Keys', parameters: { CreateSampleKeys: 'true' } });
    const stackSet = resolveResource(parseTemplate(STACKSET_TEMPLATE_TEXT), { logicalId: 'Keys', parameters: STACKSET_PARAMETERS });

    // Act
    const fromSam = parseProperties(sam.properties, { accountId: sam.identity.accountId });
    const fromStackSet = parseProperties(stackSet.properties, { accountId: stackSet.identity.accountId });

    // Assess
    expect(fromStackSet).toEqual(fromSam);
  });

  it('is not created unless CreateSampleKeys is true, in template.yaml and in the StackSets template', () => {
    // Act & Assess
    expect(() => resolveResource(parseTemplate(SAM_TEMPLATE_TEXT), { logicalId: 'Keys' })).toThrow(/condition SampleKeysWanted is false/);
    const { CreateSampleKeys: _on, ...off } = STACKSET_PARAMETERS;
    expect(() => resolveResource(parseTemplate(STACKSET_TEMPLATE_TEXT), { logicalId: 'Keys', parameters: off })).toThrow(/condition SampleKeysWanted is false/);
  });
});
