/**
 * Secrets Manager, only for keys with `KeyMaterial` (lib/aws/keyMaterial.ts). Loaded on first use
 * (`await import('./secrets.ts')`): esbuild puts it and its SDK client in a chunk of its own
 * (dist/handler/chunks/), so a cold start that imports no key material never loads them
 * (docs/performance.md, "Cold start").
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CLIENT_SETTINGS, withoutUserAgent } from './clients.ts';

/** A new Secrets Manager client for `region`. */
export function createSecretsClient(region: string): SecretsManagerClient {
  return withoutUserAgent(new SecretsManagerClient({ region, ...CLIENT_SETTINGS }));
}

/** The secret's value (binary or string); the caller holds the material and zero-fills it. */
export function getSecretValue(client: SecretsManagerClient, secretArn: string): Promise<{ SecretBinary?: Uint8Array; SecretString?: string }> {
  return client.send(new GetSecretValueCommand({ SecretId: secretArn }));
}
