/**
 * `--key-material-secret NAME[@REGION]` of the preview (docs/key-material.md): a Secrets Manager
 * secret in the emulator holding 32 fresh random bytes (SecretBinary), made before the Create, whose
 * ARN becomes the template parameter NAME (e.g. `SecretArn: !Ref NAME`). The material exists only in
 * the emulator's memory for the length of the preview and is never printed.
 */
import { randomBytes } from 'node:crypto';
import type { EmulatorControl } from '../emulator/client.ts';

/** One `--key-material-secret`: the template parameter that receives the ARN, and the secret's Region. */
export interface KeyMaterialSecretOption {
  parameter: string;
  region: string;
}

const OPTION = /^([A-Za-z0-9]+)(?:@([a-z]+(?:-[a-z]+)+-\d+))?$/;

/** Parses `NAME[@REGION]`; undefined when it is neither. */
export function parseKeyMaterialSecretOption(text: string): KeyMaterialSecretOption | undefined {
  const match = OPTION.exec(text);
  return match === null ? undefined : { parameter: match[1]!, region: match[2] ?? 'us-east-1' };
}

/** Makes each secret and answers parameter → secret ARN. */
export async function makeKeyMaterialSecrets(control: EmulatorControl, options: KeyMaterialSecretOption[]): Promise<Record<string, string>> {
  const arns: Record<string, string> = {};
  for (const option of options) {
    const material = randomBytes(32);
    const { arn } = await control.secret({ region: option.region, name: `preview/${option.parameter}`, secretBinary: material.toString('base64') });
    material.fill(0);
    arns[option.parameter] = arn;
  }
  return arns;
}
