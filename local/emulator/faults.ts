/**
 * Fault injection for KMS/Account requests (never the control API): latency with jitter, 5xx
 * answers and dropped connections, drawn from a seedable deterministic random source so a failing
 * run can be replayed.
 */
import type { EmulatorConfig } from './state.ts';

/** mulberry32: small, fast, good enough for fault dice. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What happens to one request: answered normally, answered 500 without effect, or dropped after taking effect. */
export type FaultDecision = 'none' | 'error5xx' | 'drop';

export function decideFault(config: EmulatorConfig, random: () => number): FaultDecision {
  if (config.dropRate <= 0 && config.errorRate5xx <= 0) return 'none';
  const roll = random();
  if (roll < config.dropRate) return 'drop';
  if (roll < config.dropRate + config.errorRate5xx) return 'error5xx';
  return 'none';
}

/** Injected latency for one request: `latencyMs` plus uniform jitter in [0, latencyJitterMs). */
export function latencyFor(config: EmulatorConfig, random: () => number): number {
  if (config.latencyMs <= 0 && config.latencyJitterMs <= 0) return 0;
  return Math.max(0, config.latencyMs + (config.latencyJitterMs > 0 ? random() * config.latencyJitterMs : 0));
}
