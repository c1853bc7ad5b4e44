/**
 * What every scenario of the suite shares: one in-process emulator, one ResponseURL server, drivers
 * over the real bundle, and the preparation of a scenario — reset the emulator, register the
 * reference's principals, seed the foreign keys and remember how they looked.
 */
import { ownerOf } from '../../lib/ownership.ts';
import { createDriver, type Driver, type ResponseServer, Stack, startResponseServer } from '../../local/driver/index.ts';
import { type EmulatorControl, emulatorControl } from '../../local/emulator/client.ts';
import { startEmulator } from '../../local/emulator/index.ts';
import type { FieldRealismOptions } from '../../local/emulator/realism.ts';
import { diffForeign, type ForeignView, foreignView, seedForeignKeys } from './foreign.ts';
import { REFERENCE_PRINCIPALS, stackAddress } from './reference.ts';

export interface HarnessOptions {
  regions: string[];
  /** How long new replicas stay `Creating` (the emulator's default is 2 s; CI runs use less). */
  replicaCreatingMs: number;
  /** Field realism of the emulator (consistency delay, Updating, IAM, SCP), kept across every reset. */
  realism?: FieldRealismOptions & { callerArn?: string };
  /** The driver's pause between two requests of a stack (CloudFormation takes seconds between them). */
  requestGapMs?: number;
}

/** One prepared scenario: a fresh stack over a freshly reset emulator with foreign keys in place. */
export interface PreparedScenario {
  stack: Stack;
  /** The owner id (and PhysicalResourceId) of the scenario's resource. */
  ownerId: string;
  foreignIds: string[];
  foreignBefore: ForeignView;
  /** Which preparation of the run this is (foreign keys touched are counted once per scenario). */
  seq: number;
}

export interface Harness {
  readonly url: string;
  readonly control: EmulatorControl;
  readonly responses: ResponseServer;
  readonly options: HarnessOptions;
  /** A driver over the bundle with extra function environment (e.g. `DEADLINE_MARGIN_MS`). */
  driver(env?: Record<string, string>): Promise<Driver>;
  /** Resets everything and returns a stack named `stackName` driven by `driver` (default: the plain one). */
  prepare(stackName: string, driver?: Driver): Promise<PreparedScenario>;
  /** The foreign keys that `prepared`'s scenario changed (empty when none); each is also counted in `touchedTotal`. */
  foreignTouched(prepared: PreparedScenario): Promise<string[]>;
  /** Foreign keys found changed over the whole run, each counted once per scenario that changed it. */
  readonly touchedTotal: number;
  close(): Promise<void>;
}

/** Starts the emulator and the ResponseURL server. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, regions: options.regions, replicaCreatingMs: options.replicaCreatingMs, ...options.realism });
  const responses = await startResponseServer();
  const control = emulatorControl(emulator.url);
  const drivers: Driver[] = [];
  const driver = async (env?: Record<string, string>): Promise<Driver> => {
    const created = await createDriver({
      endpointUrl: emulator.url,
      responseServer: responses,
      requestGapMs: options.requestGapMs ?? 0,
      ...(env === undefined ? {} : { env }),
    });
    drivers.push(created);
    return created;
  };
  const plain = await driver();
  const touchedKeys = new Set<string>();
  let seq = 0;
  return {
    url: emulator.url,
    control,
    responses,
    options,
    driver,
    async prepare(stackName, chosen) {
      await control.reset({ regions: options.regions, replicaCreatingMs: options.replicaCreatingMs });
      await control.principals(REFERENCE_PRINCIPALS);
      const foreignIds = await seedForeignKeys(control, options.regions);
      const foreignBefore = foreignView(await control.state(), foreignIds);
      await control.resetCounts();
      const address = stackAddress(stackName);
      seq += 1;
      return {
        stack: new Stack(chosen ?? plain, address),
        ownerId: ownerOf(address.stackId, address.logicalResourceId).ownerId,
        foreignIds,
        foreignBefore,
        seq,
      };
    },
    async foreignTouched(prepared) {
      const touched = diffForeign(prepared.foreignBefore, foreignView(await control.state(), prepared.foreignIds));
      // Each line starts with `<region>/<keyId>:`.
      for (const line of touched) touchedKeys.add(`${prepared.seq} ${line.slice(0, line.indexOf(':'))}`);
      return touched;
    },
    get touchedTotal() {
      return touchedKeys.size;
    },
    async close() {
      for (const d of drivers) await d.close();
      await responses.close();
      await emulator.close();
    },
  };
}
