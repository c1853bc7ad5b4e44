/**
 * KMS rules of the in-memory `FakeKms` (./fakeKmsApi.ts: the `KmsApi` of the reader, executor,
 * handler and planner tests, with a call log and fault injection), kept apart from its bookkeeping.
 * The other model of KMS, the emulator (`local/emulator`), speaks KMS's HTTP protocol to the real
 * SDK and keeps its own facts.
 */
import { KmsError } from '../../lib/errors.ts';
import type { KeyState } from '../../lib/types.ts';

export const TEST_ACCOUNT = '111122223333';

/** KMS's error shapes, as the AWS layer produces them. */
export const kmsErrors = {
  throttling: () => new KmsError('ThrottlingException', 'Rate exceeded', { retryable: true }),
  internal: () => new KmsError('KMSInternalException', 'internal error', { retryable: true }),
  network: () => new KmsError('ECONNRESET', 'socket hang up', { retryable: true }),
  accessDenied: () => new KmsError('AccessDeniedException', 'not authorized'),
  /** A denial by a service control policy: never retried (lib/retry/accessDenial.ts). */
  scpDenied: (action: string) =>
    new KmsError(
      'AccessDeniedException',
      `User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: ${action} on resource: * with an explicit deny in a service control policy`,
    ),
  notFound: (what: string) => new KmsError('NotFoundException', `${what} does not exist`),
  invalidPrincipals: () => new KmsError('MalformedPolicyDocumentException', 'Policy contains a statement with one or more invalid principals.'),
  aliasExists: (aliasName: string) => new KmsError('AlreadyExistsException', `An alias with the name ${aliasName} already exists`),
  aliasNotFound: (aliasName: string) => new KmsError('NotFoundException', `Alias ${aliasName} is not found`),
  replicaExists: (keyId: string, region: string) => new KmsError('AlreadyExistsException', `${keyId} already has a replica in ${region}`),
  notPrimary: (arn: string) => new KmsError('UnsupportedOperationException', `${arn} is not a multi-Region primary key`),
  invalidState: (arn: string, state: KeyState) => new KmsError('KMSInvalidStateException', `${arn} is ${state}`),
  notPendingDeletion: (arn: string) => new KmsError('KMSInvalidStateException', `${arn} is not pending deletion`),
  disabled: (arn: string) => new KmsError('DisabledException', `${arn} is disabled.`),
};

/** A deterministic key id: the n-th key of a model (`mrk-` + 32 hex for a multi-Region key). */
export function modelKeyId(n: number, multiRegion: boolean): string {
  const hex = n.toString(16).padStart(12, '0');
  return multiRegion ? `mrk-${hex.padStart(32, '0')}` : `00000000-0000-4000-8000-${hex}`;
}

export function keyArn(region: string, keyId: string, accountId: string = TEST_ACCOUNT): string {
  return `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
}

export function isPendingDeletion(state: KeyState): boolean {
  return state === 'PendingDeletion' || state === 'PendingReplicaDeletion';
}

/** KMS refuses most operations on a key pending deletion (and, with `creatingToo`, on a replica still `Creating`). */
export function requireUsable<K extends { arn: string; state: KeyState }>(key: K, options: { creatingToo?: boolean } = {}): K {
  if (isPendingDeletion(key.state) || (options.creatingToo === true && key.state === 'Creating')) throw kmsErrors.invalidState(key.arn, key.state);
  return key;
}

/** ScheduleKeyDeletion: a multi-Region primary with replicas waits for them in PendingReplicaDeletion. */
export function scheduledDeletionState(isPrimaryWithReplicas: boolean): KeyState {
  return isPrimaryWithReplicas ? 'PendingReplicaDeletion' : 'PendingDeletion';
}

/** CancelKeyDeletion: only a key pending deletion, and it comes back Disabled. */
export function cancelDeletion(key: { arn: string; state: KeyState; deletionDate: string | null }): void {
  if (!isPendingDeletion(key.state)) throw kmsErrors.notPendingDeletion(key.arn);
  key.state = 'Disabled';
  key.deletionDate = null;
}

/** UpdatePrimaryRegion: every member of the family names the new primary Region; its key there becomes the primary. */
export function movePrimary(family: { region: string; role: 'PRIMARY' | 'REPLICA' | null; primaryRegion: string | null }[], primaryRegion: string): void {
  for (const member of family) {
    member.primaryRegion = primaryRegion;
    member.role = member.region === primaryRegion ? 'PRIMARY' : 'REPLICA';
  }
}
