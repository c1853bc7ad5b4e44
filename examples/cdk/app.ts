/**
 * A CDK app using MultiRegionKmsKeys as the README shows: one multi-Region key with a replica, an
 * administrator role, an application role granted encrypt/decrypt, a queue encrypted with the key
 * (a kms.IKey) and outputs reading its attributes. `version: 2` is the next version of the app (one
 * more key, one more tag), to preview an Update with. Outside this repository, import from
 * 'multi-region-kms-keys-cdk' instead of the sources.
 */
import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MultiRegionKmsKeys } from '../../cdk/src/index.ts';

/** The app (its cloud assembly goes to `outdir`); returns the stack. */
export function buildApp(options: { outdir?: string; version?: 1 | 2 } = {}): Stack {
  const app = new App({ ...(options.outdir === undefined ? {} : { outdir: options.outdir }), analyticsReporting: false });
  const stack = new Stack(app, 'KmsKeys', { env: { account: '111122223333', region: 'us-east-1' } });
  const admin = new iam.Role(stack, 'KeyAdmin', { assumedBy: new iam.AccountRootPrincipal() });
  const app1 = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  const keys = new MultiRegionKmsKeys(stack, 'Keys', {
    customerMasterKeys: {
      'cmk-prod': { region: 'us-east-1', replicaRegions: ['eu-west-1'], cmkAdministratorIamArns: [admin.roleArn], deletionWindowInDays: 7 },
      ...(options.version === 2 ? { 'cmk-logs': { region: 'eu-west-1', cmkAdministratorIamArns: [admin.roleArn] } } : {}),
    },
    globalTags: { Owner: 'platform', ...(options.version === 2 ? { CostCentre: '42' } : {}) },
  });
  keys.grantEncryptDecrypt(app1, 'cmk-prod');
  new sqs.Queue(stack, 'Queue', { encryptionMasterKey: keys.key('cmk-prod', 'us-east-1') });
  new CfnOutput(stack, 'ProdKeyArnInIreland', { value: keys.keyArn('cmk-prod', 'eu-west-1') });
  if (options.version === 2) new CfnOutput(stack, 'LogsKeyId', { value: keys.keyId('cmk-logs') });
  return stack;
}
