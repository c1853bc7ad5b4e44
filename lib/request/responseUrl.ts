/**
 * Whom the function answers (docs/behaviour.md §8, docs/iam.md "Who can use the function"): the
 * `ResponseURL` must be an `https` URL, without userinfo or port, on CloudFormation's custom-resource
 * response bucket of the function's own partition and Region. Any other URL gets no PUT at all: a
 * forged request must not turn the function into a client of somebody else's server.
 *
 * The bucket is `cloudformation-custom-resource-response-<Region without dashes>` (AWS CloudFormation
 * User Guide, "Setting up VPC endpoints": "AWS Region names don't contain dashes, for example
 * uswest2"). The host forms are those AWS documents and CloudFormation sends: the dash Regional
 * endpoint (`…-useast1.s3-us-east-1.amazonaws.com`, AWS Lambda Developer Guide's CloudFormation
 * event), the dot Regional endpoint (`…-cnnorth1.s3.cn-north-1.amazonaws.com.cn`, same guide, China)
 * and, in the `aws` partition, the global endpoint (`…-useast1.s3.amazonaws.com`).
 */

/** S3's DNS suffix per partition whose host forms are documented; other partitions need `TRUSTED_RESPONSE_HOSTS`. */
const DNS_SUFFIXES: Record<string, string> = { aws: 'amazonaws.com', 'aws-us-gov': 'amazonaws.com', 'aws-cn': 'amazonaws.com.cn' };

/** The bucket CloudFormation hands out ResponseURLs for in `region`. */
export function responseBucketOf(region: string): string {
  return `cloudformation-custom-resource-response-${region.replace(/-/g, '')}`;
}

/** Every host a genuine ResponseURL of `partition`/`region` may have; empty for a partition without documented forms. */
export function cloudFormationResponseHosts(partition: string, region: string): string[] {
  const suffix = DNS_SUFFIXES[partition];
  if (suffix === undefined || region === '') return [];
  const bucket = responseBucketOf(region);
  const hosts = [`${bucket}.s3-${region}.${suffix}`, `${bucket}.s3.${region}.${suffix}`];
  if (partition === 'aws') hosts.push(`${bucket}.s3.${suffix}`);
  return hosts;
}

export interface ResponseUrlPolicy {
  partition: string;
  region: string;
  /** `TRUSTED_RESPONSE_HOSTS` (lower-case `host`: any port, or `host:port`: that port only). */
  trustedHosts: readonly string[];
}

export type ResponseUrlCheck = { trusted: true; host: string } | { trusted: false; host: string; reason: string };

/** Loopback only: a local response server (the driver's) has no TLS, a remote one must. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * Whether the function may PUT its answer to `responseUrl`. `host` is what the log may say (never
 * the path or the query, which carry the pre-signed signature).
 */
export function checkResponseUrl(responseUrl: unknown, policy: ResponseUrlPolicy): ResponseUrlCheck {
  let url: URL;
  try {
    url = new URL(String(responseUrl));
  } catch {
    return { trusted: false, host: '', reason: 'the ResponseURL is not a URL' };
  }
  const host = url.host.toLowerCase();
  if (url.username !== '' || url.password !== '') return { trusted: false, host, reason: 'the ResponseURL carries userinfo' };
  if (policy.trustedHosts.includes(host) || policy.trustedHosts.includes(url.hostname.toLowerCase())) {
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return { trusted: true, host };
    return { trusted: false, host, reason: `the ResponseURL uses ${url.protocol.slice(0, -1)}; a trusted host needs https (http only on loopback)` };
  }
  if (url.protocol !== 'https:') return { trusted: false, host, reason: `the ResponseURL uses ${url.protocol.slice(0, -1)}, not https` };
  const hosts = cloudFormationResponseHosts(policy.partition, policy.region);
  if (url.port === '' && hosts.includes(host)) return { trusted: true, host };
  return {
    trusted: false,
    host,
    reason: `the ResponseURL's host ${host} is not CloudFormation's response bucket for ${policy.region} (${responseBucketOf(policy.region)})`,
  };
}
