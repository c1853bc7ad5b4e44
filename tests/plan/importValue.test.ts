import { parseTemplate, resolveResource, TemplateError } from '../../local/driver/index.ts';

const TEMPLATE = `
Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !ImportValue kms-keys-ServiceToken
      AwsAccountId: !Ref AWS::AccountId
      GlobalTags:
        CostCenter: !ImportValue
          Fn::Sub: \${AWS::Region}-cost-center
`;

describe('Function: resolveResource (Fn::ImportValue)', () => {
  it('resolves Fn::ImportValue from the exports given, the name itself resolved first', () => {
    // Prepare
    const template = parseTemplate(TEMPLATE);
    const imports = { 'kms-keys-ServiceToken': 'arn:aws:lambda:us-east-1:111122223333:function:kms', 'us-east-1-cost-center': 'cc-42' };

    // Act
    const resolved = resolveResource(template, { imports });

    // Assess
    expect(resolved.serviceToken).toBe('arn:aws:lambda:us-east-1:111122223333:function:kms');
    expect(resolved.properties.GlobalTags).toEqual({ CostCenter: 'cc-42' });
  });

  it('names the export and the path when it is not given', () => {
    // Prepare
    const template = parseTemplate(TEMPLATE);

    // Act
    const resolve = () => resolveResource(template, { imports: { 'kms-keys-ServiceToken': 'arn:aws:lambda:us-east-1:111122223333:function:kms' } });

    // Assess
    expect(resolve).toThrow(TemplateError);
    expect(resolve).toThrow(
      '[/Resources/Keys/Properties/GlobalTags/CostCenter/Fn::ImportValue] Fn::ImportValue us-east-1-cost-center: no such export given (pass --import us-east-1-cost-center=VALUE)',
    );
  });
});
