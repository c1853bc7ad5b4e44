/**
 * The user statements of the examples in docs/key-policy.md: an organization-wide Deny of decryption
 * and CloudTrail's statements for encrypting trail logs, as a template author writes them.
 */
export const ORG_ID = 'o-a1b2c3d4e5';
export const ACCOUNT = '111122223333';

/** Nobody outside the organization decrypts, whatever else the policy allows (AWS services acting for us excepted). */
export const ORG_DENY = {
  Sid: 'DenyDecryptOutsideOrganization',
  Effect: 'Deny',
  Principal: '*',
  Action: ['kms:ReEncryptFrom', 'kms:Decrypt'],
  Resource: '*',
  Condition: { StringNotEquals: { 'aws:PrincipalOrgID': ORG_ID }, Bool: { 'aws:PrincipalIsAWSService': 'false' } },
};

/** CloudTrail's statement (AWS CloudTrail User Guide, "Configure AWS KMS key policies for CloudTrail"). */
export const CLOUDTRAIL_ENCRYPT = {
  Sid: 'Allow CloudTrail to encrypt logs',
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 'kms:GenerateDataKey*',
  Resource: '*',
  Condition: {
    StringEquals: { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail` },
    StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` },
  },
};

export const CLOUDTRAIL_DESCRIBE = {
  Sid: 'Allow CloudTrail to describe key',
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 'kms:DescribeKey',
  Resource: '*',
};
