/** The emulator's control API (DESIGN.md), as the bench uses it. */

/** `GET /__emulator/counts`. */
export interface EmulatorCounts {
  byOperation: Record<string, number>;
  byRegionOperation: Record<string, Record<string, number>>;
  throttled: number;
  mutations: number;
  injectedFaults: number;
}

/** Behaviour of the emulator during a measurement. */
export interface BenchConditions {
  latencyMs: number;
  latencyJitterMs: number;
  replicaCreatingMs: number;
}

async function call<T>(emulatorUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${emulatorUrl}/__emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Forgets every key and counter, then applies `conditions` (a reset also resets latency, so both
 * are done together) and registers `principals` as already propagated.
 */
export async function resetEmulator(emulatorUrl: string, conditions: BenchConditions, principals: string[] = []): Promise<void> {
  await call(emulatorUrl, 'POST', 'reset', { replicaCreatingMs: conditions.replicaCreatingMs });
  await call(emulatorUrl, 'POST', 'config', { latencyMs: conditions.latencyMs, latencyJitterMs: conditions.latencyJitterMs });
  if (principals.length > 0) await call(emulatorUrl, 'POST', 'principals', { arns: principals, propagationMs: 0 });
}

export function emulatorCounts(emulatorUrl: string): Promise<EmulatorCounts> {
  return call(emulatorUrl, 'GET', 'counts');
}

export async function resetCounts(emulatorUrl: string): Promise<void> {
  await call(emulatorUrl, 'POST', 'counts/reset');
}

/** Keys per state (`Enabled`, `PendingDeletion`, …) of customer managed keys, to check a run did what it claims. */
export async function keyStates(emulatorUrl: string): Promise<Record<string, number>> {
  const state = await call<{ keys: { keyState: string; keyManager: string }[] }>(emulatorUrl, 'GET', 'state');
  const tally: Record<string, number> = {};
  for (const key of state.keys) if (key.keyManager === 'CUSTOMER') tally[key.keyState] = (tally[key.keyState] ?? 0) + 1;
  return tally;
}
