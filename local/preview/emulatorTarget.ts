/**
 * The emulator the preview deploys into: an embedded one (the default, gone when the preview ends),
 * or with `--endpoint URL` one already running (`npm run emulator`), which the preview leaves
 * running, so that `--keep` can leave keys there for `npm run plan`, the AWS CLI or another preview.
 */
import { emulatorControl } from '../emulator/client.ts';
import { startEmulator } from '../emulator/index.ts';
import type { PreviewOptions } from './args.ts';

export interface PreviewEmulator {
  url: string;
  /** Stops an embedded emulator; a running one is left as it is. */
  close(): Promise<void>;
  embedded: boolean;
}

/**
 * @param principals IAM principals the template names: registered as existing (KMS refuses a
 *   policy or grant naming an unknown principal), in a running emulator too
 * @param callerArn the function's execution role, the caller of an embedded emulator's requests
 * @throws Error when no emulator answers at `--endpoint`
 */
export async function previewEmulator(options: PreviewOptions, principals: string[], callerArn: string): Promise<PreviewEmulator> {
  if (options.endpoint === undefined) {
    const emulator = await startEmulator({ port: 0, replicaCreatingMs: 1000, principals, callerArn, ...options.realism });
    return { url: emulator.url, close: () => emulator.close(), embedded: true };
  }
  const url = options.endpoint;
  const control = emulatorControl(url);
  try {
    await control.counts();
  } catch (error) {
    throw new Error(`no KMS emulator answers at ${url} (${(error as Error).message}): start one with npm run emulator -- --port 4566`);
  }
  if (principals.length > 0) await control.principals([...new Set(principals)]);
  return { url, close: async () => {}, embedded: false };
}

/** What `--keep` prints: where the keys are, and the commands that plan against them. */
export function keptLines(input: { url: string; stackId: string; template: string; parameters: Record<string, string> }): string[] {
  const params = Object.entries(input.parameters).map(([name, value]) => ` --param ${name}=${value}`);
  const env = `AWS_ENDPOINT_URL=${input.url} AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`;
  const common = `--stack-id ${input.stackId}${params.join('')}`;
  return [
    `\n== Kept: the keys stay in the emulator at ${input.url} (no Update of the demo, no Delete).`,
    `   Stack: ${input.stackId}`,
    '   Drift (the deployed template against KMS), and the plan of a next version:',
    `     ${env} npm run plan -- --template ${input.template} ${common} --drift`,
    `     ${env} npm run plan -- --template NEXT.yaml ${common} --previous-template ${input.template}`,
  ];
}
