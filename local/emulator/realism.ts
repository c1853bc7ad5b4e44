/**
 * Field realism: the ways real AWS is less kind than a strongly consistent, all-permitting KMS.
 * Every mode is off by default. One options type for everything that starts or configures the
 * emulator: `startEmulator` options, the CLI flags, `POST /__emulator/config` and `/reset`, the
 * control client, `npm start`, the bench and the reliability suite.
 */

/** An IAM policy document (identity policy or service control policy) as parsed JSON. */
export type PolicyDocument = Record<string, unknown>;

export interface FieldRealism {
  /**
   * While a key made by CreateKey/ReplicateKey is younger than this, each request on it answers
   * NotFoundException with probability ½; ListAliases, ListResourceTags and ListKeys may lag writes
   * by up to this long. 0 = strongly consistent.
   */
  consistencyDelayMs: number;
  /** After UpdatePrimaryRegion both keys are `Updating` for this long. 0 = the switch is instant. */
  updatingMs: number;
  /**
   * The caller's identity policy. When set (or when `scp` is), every KMS request is authorised as
   * KMS does it: this policy together with the key policy, and the SCP. null = no authorisation.
   */
  identityPolicy: PolicyDocument | null;
  /** An Organizations service control policy attached to the account (next to FullAWSAccess). */
  scp: PolicyDocument | null;
  /** How long a TagResource/UntagResource takes to show in `aws:ResourceTag/*` (AWS: up to 5 minutes). */
  tagPropagationMs: number;
  /**
   * How long a tag change (CreateKey/ReplicateKey with tags, TagResource, UntagResource) takes to
   * reach the Resource Groups Tagging API's index (`GetResources`). 0 = at once.
   */
  tagIndexLagMs: number;
  /**
   * While a grant made by CreateGrant is younger than `consistencyDelayMs`, the probability that
   * RevokeGrant of it answers NotFoundException (KMS: it "might" until the grant is available
   * throughout KMS; AWS gives no figure). ½ by default; 1 makes every revocation of a fresh grant miss.
   */
  freshGrantNotFoundRate: number;
}

export type FieldRealismOptions = Partial<FieldRealism>;

export const NO_REALISM: FieldRealism = {
  consistencyDelayMs: 0,
  updatingMs: 0,
  identityPolicy: null,
  scp: null,
  tagPropagationMs: 0,
  tagIndexLagMs: 0,
  freshGrantNotFoundRate: 0.5,
};

export const REALISM_FIELDS = Object.keys(NO_REALISM) as (keyof FieldRealism)[];

function isPolicy(value: unknown): value is PolicyDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'Statement' in value;
}

/**
 * Checks the realism fields of `body` (unknown fields are the caller's business) and returns them;
 * throws an Error naming the field otherwise.
 */
export function checkRealism(body: Record<string, unknown>): FieldRealismOptions {
  const out: FieldRealismOptions = {};
  for (const field of ['consistencyDelayMs', 'updatingMs', 'tagPropagationMs', 'tagIndexLagMs'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`${field} must be a number ≥ 0`);
    out[field] = value;
  }
  const rate = body.freshGrantNotFoundRate;
  if (rate !== undefined) {
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0 || rate > 1) throw new Error('freshGrantNotFoundRate must be a number from 0 to 1');
    out.freshGrantNotFoundRate = rate;
  }
  for (const field of ['identityPolicy', 'scp'] as const) {
    const value = body[field];
    if (value === undefined) continue;
    if (value !== null && !isPolicy(value)) throw new Error(`${field} must be a policy document (an object with Statement) or null`);
    out[field] = value;
  }
  return out;
}

/** Whether requests are authorised at all. */
export function authorisationOn(realism: FieldRealism): boolean {
  return realism.identityPolicy !== null || realism.scp !== null;
}

/** CLI flag → field, for `npm run emulator` and `npm start`. */
export const REALISM_FLAGS: Record<string, keyof FieldRealism> = {
  '--consistency-delay-ms': 'consistencyDelayMs',
  '--updating-ms': 'updatingMs',
  '--identity-policy': 'identityPolicy',
  '--scp': 'scp',
  '--tag-propagation-ms': 'tagPropagationMs',
  '--tag-index-lag-ms': 'tagIndexLagMs',
  '--fresh-grant-not-found-rate': 'freshGrantNotFoundRate',
};

/**
 * Applies one realism flag (`--identity-policy FILE`, `--consistency-delay-ms N`, …) to `options`;
 * false when `flag` is not a realism flag. Policy flags take a file (read with `readFile`).
 */
export function applyRealismFlag(options: FieldRealismOptions, flag: string, value: string, readFile: (path: string) => string): boolean {
  const field = REALISM_FLAGS[flag];
  if (field === undefined) return false;
  if (field === 'identityPolicy' || field === 'scp') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFile(value));
    } catch (error) {
      throw new Error(`${flag} ${value}: ${(error as Error).message}`);
    }
    Object.assign(options, checkRealism({ [field]: parsed }));
  } else {
    Object.assign(options, checkRealism({ [field]: Number(value) }));
  }
  return true;
}

/**
 * The realism flags found anywhere in `argv` (other arguments are left to the caller), for the
 * scripts that start an emulator of their own: `npm start`, the bench, the reliability suite.
 */
export function realismFromArgv(argv: string[], readFile: (path: string) => string): FieldRealismOptions {
  const options: FieldRealismOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (REALISM_FLAGS[flag] === undefined) continue;
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    applyRealismFlag(options, flag, value, readFile);
    i += 1;
  }
  return options;
}
