/**
 * The set-up every end-to-end test of the bundle repeats: the emulator and a CloudFormation driver
 * running the built bundle against it, started before the enclosing `describe`'s tests and closed
 * after them, and a fresh stack per `newStack()` (its own StackId, so its own ownership tags).
 * Call it inside a `describe`. The precedent for the in-process handler is `useEmulatorEnvironment`
 * (tests/support/cfn.ts).
 */
import { existsSync } from 'node:fs';
import {
  createDriver,
  DEFAULT_BUNDLE_PATH,
  DEFAULT_IDENTITY,
  type Driver,
  type DriverOptions,
  functionArnOf,
  Stack,
  stackIdOf,
} from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../../local/emulator/index.ts';

export interface DriverEnvironmentOptions {
  /** Stacks are named `<stackPrefix>-1`, `<stackPrefix>-2`, … */
  stackPrefix: string;
  /** The emulator's options (it listens on a free port). */
  emulator?: Omit<EmulatorOptions, 'port'>;
  /** The driver's options; its endpoint is the emulator's. */
  driver?: Omit<DriverOptions, 'endpointUrl'>;
}

export interface DriverEnvironment {
  /** The running emulator (from `beforeAll` on). */
  readonly emulator: RunningEmulator;
  /** The driver (from `beforeAll` on). */
  readonly driver: Driver;
  /** The emulator's control API. */
  control: () => ReturnType<typeof emulatorControl>;
  /** A fresh `Custom::MultiRegionKmsKeys` resource `Keys` in a new stack of the default identity. */
  newStack: () => Stack;
}

/** Starts the emulator and the driver for the enclosing `describe`, and closes them after it. */
export function useDriverEnvironment(options: DriverEnvironmentOptions): DriverEnvironment {
  let emulator: RunningEmulator | undefined;
  let driver: Driver | undefined;
  let stackCount = 0;
  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    emulator = await startEmulator({ port: 0, ...options.emulator });
    driver = await createDriver({ endpointUrl: emulator.url, ...options.driver });
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is used before beforeAll started it`);
    return value;
  };
  return {
    get emulator() {
      return started(emulator, 'the emulator');
    },
    get driver() {
      return started(driver, 'the driver');
    },
    control: () => emulatorControl(started(emulator, 'the emulator').url),
    newStack: () =>
      new Stack(started(driver, 'the driver'), {
        stackId: stackIdOf({ ...DEFAULT_IDENTITY, stackName: `${options.stackPrefix}-${++stackCount}` }),
        logicalResourceId: 'Keys',
        resourceType: 'Custom::MultiRegionKmsKeys',
        serviceToken: functionArnOf(DEFAULT_IDENTITY, 'multi-region-kms-keys'),
      }),
  };
}
