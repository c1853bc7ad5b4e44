/** Shared setup of the driver tests: fixture bundles and a stack over a driver. */
import { fileURLToPath } from 'node:url';
import { createDriver, DEFAULT_IDENTITY, type Driver, type DriverOptions, functionArnOf, Stack, stackIdOf } from '../../local/driver/index.ts';

export function fixture(name: string): string {
  return fileURLToPath(new URL(`./fixtures/${name}.mjs`, import.meta.url));
}

export const FUNCTION_NAME = 'mrkk-fixture';
export const SERVICE_TOKEN = functionArnOf(DEFAULT_IDENTITY, FUNCTION_NAME);

/** A driver over the fixture `name` and a fresh stack with one resource, `Keys`. */
export async function stackOver(name: string, options: DriverOptions = {}): Promise<{ driver: Driver; stack: Stack }> {
  const driver = await createDriver({ bundlePath: fixture(name), timeoutMs: 10_000, ...options });
  const stack = new Stack(driver, {
    stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `test-${name}` }),
    logicalResourceId: 'Keys',
    resourceType: 'Custom::MultiRegionKmsKeys',
    serviceToken: SERVICE_TOKEN,
  });
  return { driver, stack };
}
