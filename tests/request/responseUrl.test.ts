import { checkResponseUrl, cloudFormationResponseHosts } from '../../lib/request/responseUrl.ts';

const POLICY = { partition: 'aws', region: 'us-east-1', trustedHosts: [] as string[] };
const PATH = '/arn%3Aaws%3Acloudformation%3Aus-east-1%3A111122223333%3Astack/app/id%7CKeys%7Creq?X-Amz-Signature=abc';

describe('Function: checkResponseUrl', () => {
  it.each([
    ['the dash Regional endpoint (AWS Lambda Developer Guide)', 'https://cloudformation-custom-resource-response-useast1.s3-us-east-1.amazonaws.com'],
    ['the dot Regional endpoint', 'https://cloudformation-custom-resource-response-useast1.s3.us-east-1.amazonaws.com'],
    ['the global endpoint of the aws partition', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com'],
    ['an upper-case host', 'https://CLOUDFORMATION-custom-resource-response-useast1.s3.amazonaws.com'],
  ])('trusts %s', (_name, origin) => {
    expect(checkResponseUrl(`${origin}${PATH}`, POLICY)).toEqual({ trusted: true, host: new URL(origin).host.toLowerCase() });
  });

  it('trusts the China form (AWS Lambda Developer Guide, cn-north-1) and the GovCloud Regional forms', () => {
    expect(
      checkResponseUrl(`https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn${PATH}`, {
        ...POLICY,
        partition: 'aws-cn',
        region: 'cn-north-1',
      }).trusted,
    ).toBe(true);
    expect(cloudFormationResponseHosts('aws-us-gov', 'us-gov-west-1')).toEqual([
      'cloudformation-custom-resource-response-usgovwest1.s3-us-gov-west-1.amazonaws.com',
      'cloudformation-custom-resource-response-usgovwest1.s3.us-gov-west-1.amazonaws.com',
    ]);
    expect(cloudFormationResponseHosts('aws-iso', 'us-iso-east-1')).toEqual([]);
  });

  it.each([
    ['http', 'http://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', 'the ResponseURL uses http, not https'],
    ['userinfo', 'https://a:b@cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', 'the ResponseURL carries userinfo'],
    [
      'another Region’s bucket',
      'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x',
      "the ResponseURL's host cloudformation-custom-resource-response-euwest1.s3.amazonaws.com is not CloudFormation's response bucket for us-east-1 (cloudformation-custom-resource-response-useast1)",
    ],
    ['a lookalike suffix', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com.evil.example/x', undefined],
    ['a lookalike prefix', 'https://evil-cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x', undefined],
    ['path-style on S3', 'https://s3.amazonaws.com/cloudformation-custom-resource-response-useast1/x', undefined],
    ['an explicit port', 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com:8443/x', undefined],
    ['not a URL', 'not a url', 'the ResponseURL is not a URL'],
  ])('refuses %s', (_name, url, reason) => {
    const check = checkResponseUrl(url, POLICY);
    expect(check.trusted).toBe(false);
    if (reason !== undefined) expect(check).toMatchObject({ reason });
  });

  it('trusts TRUSTED_RESPONSE_HOSTS entries (host: any port, host:port: that port), http only on loopback', () => {
    const local = { ...POLICY, trustedHosts: ['127.0.0.1:8080', 'responses.internal'] };
    expect(checkResponseUrl('http://127.0.0.1:8080/x', local).trusted).toBe(true);
    expect(checkResponseUrl('http://127.0.0.1:8081/x', local).trusted).toBe(false);
    expect(checkResponseUrl('https://responses.internal:9443/x', local).trusted).toBe(true);
    expect(checkResponseUrl('http://responses.internal/x', local)).toMatchObject({
      trusted: false,
      reason: 'the ResponseURL uses http; a trusted host needs https (http only on loopback)',
    });
    expect(checkResponseUrl('http://127.0.0.1:8080/x', POLICY).trusted).toBe(false);
  });
});
