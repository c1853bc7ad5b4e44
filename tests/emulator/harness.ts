/**
 * Shared setup for the emulator tests: an in-process emulator on an ephemeral port, real SDK
 * clients pointed at it, the control API, and an assertion for KMS errors.
 */
import { AccountClient } from '@aws-sdk/client-account';
import { KMSClient } from '@aws-sdk/client-kms';
import { DEFAULT_KMS_QUOTAS } from '../../lib/kmsApi.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../local/emulator/index.ts';

export const ACCOUNT = '111122223333';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Quotas high enough that tests about something else never throttle. */
export const UNLIMITED_QUOTAS = Object.fromEntries(Object.keys(DEFAULT_KMS_QUOTAS).map((k) => [k, 100_000]));

export interface Harness {
  emulator: RunningEmulator;
  kms(region: string, options?: { maxAttempts?: number; requestTimeout?: number }): KMSClient;
  account(options?: { maxAttempts?: number }): AccountClient;
  control<T = Record<string, unknown>>(path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ quotas: UNLIMITED_QUOTAS, replicaCreatingMs: 50, ...options });
  const clients: { destroy(): void }[] = [];
  return {
    emulator,
    kms(region, clientOptions = {}) {
      const client = new KMSClient({
        region,
        endpoint: emulator.url,
        credentials: CREDENTIALS,
        maxAttempts: clientOptions.maxAttempts ?? 1,
        ...(clientOptions.requestTimeout === undefined
          ? {}
          : { requestHandler: { requestTimeout: clientOptions.requestTimeout, throwOnRequestTimeout: true } }),
      });
      clients.push(client);
      return client;
    },
    account(clientOptions = {}) {
      const client = new AccountClient({ region: 'us-east-1', endpoint: emulator.url, credentials: CREDENTIALS, maxAttempts: clientOptions.maxAttempts ?? 1 });
      clients.push(client);
      return client;
    },
    async control<T>(path: string, body?: unknown): Promise<T> {
      const response = await fetch(`${emulator.url}/__emulator/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as T;
      if (!response.ok) throw new Error(`control ${path} answered ${response.status}: ${JSON.stringify(json)}`);
      return json;
    },
    async close() {
      for (const client of clients) client.destroy();
      await emulator.close();
    },
  };
}

/** Runs `promise`, expecting the SDK to throw an error named `name` whose message matches. */
export async function expectKmsError(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(Error);
  const error = caught as Error;
  expect(error.name).toBe(name);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A policy that passes the lockout check: the account root may do everything. */
export function rootPolicy(extraStatements: object[] = []): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }, ...extraStatements],
  });
}
