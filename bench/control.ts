/** The emulator's control API (DESIGN.md), as the bench uses it. */
import { type EmulatorCounts, emulatorControl } from '../local/emulator/client.ts';

/** Behaviour of the emulator during a measurement. */
export interface BenchConditions {
  latencyMs: number;
  latencyJitterMs: number;
  replicaCreatingMs: number;
}

/**
 * Forgets every key and counter, then applies `conditions` (a reset also resets latency, so both
 * are done together) and registers `principals` as already propagated.
 */
export async function resetEmulator(emulatorUrl: string, conditions: BenchConditions, principals: string[] = [], regions?: string[]): Promise<void> {
  const control = emulatorControl(emulatorUrl);
  await control.reset({ replicaCreatingMs: conditions.replicaCreatingMs, ...(regions === undefined ? {} : { regions }) });
  await control.config({ latencyMs: conditions.latencyMs, latencyJitterMs: conditions.latencyJitterMs });
  if (principals.length > 0) await control.principals(principals);
}

export function emulatorCounts(emulatorUrl: string): Promise<EmulatorCounts> {
  return emulatorControl(emulatorUrl).counts();
}

export async function resetCounts(emulatorUrl: string): Promise<void> {
  await emulatorControl(emulatorUrl).resetCounts();
}

/** Keys per state (`Enabled`, `PendingDeletion`, …) of customer managed keys, to check a run did what it claims. */
export async function keyStates(emulatorUrl: string): Promise<Record<string, number>> {
  const state = await emulatorControl(emulatorUrl).state();
  const tally: Record<string, number> = {};
  for (const key of state.keys) if (key.keyManager === 'CUSTOMER') tally[key.keyState] = (tally[key.keyState] ?? 0) + 1;
  return tally;
}
