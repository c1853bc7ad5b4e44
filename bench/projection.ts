/**
 * CPU figures and the wall time projected at Lambda's CPU share. Lambda gives a function CPU in
 * proportion to its memory, one vCPU at 1,769 MB ("Lambda allocates CPU power in proportion to
 * the amount of memory configured… at 1,769 MB, a function has the equivalent of one vCPU"), so a
 * handler that needs `cpu_s` seconds of one core cannot finish in less than cpu_s × 1769 / memory,
 * whatever the latency of KMS: projected wall = max(wall measured here, that).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTemplateText } from '../local/driver/yamlTemplate.ts';

/** Memory size at which Lambda allocates one full vCPU. */
export const ONE_VCPU_MB = 1769;

const TEMPLATE = fileURLToPath(new URL('../template.yaml', import.meta.url));

/** The `MemorySize` of template.yaml's function (the bench projects onto what is deployed). */
export function functionMemoryMb(templatePath = TEMPLATE): number {
  const template = parseTemplateText(readFileSync(templatePath, 'utf8'));
  const resources = (template.Resources ?? {}) as Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
  const sizes = Object.values(resources)
    .filter((r) => r.Type === 'AWS::Serverless::Function' || r.Type === 'AWS::Lambda::Function')
    .map((r) => Number(r.Properties?.MemorySize));
  if (sizes.length !== 1 || !Number.isInteger(sizes[0])) throw new Error(`${templatePath}: expected one function with a MemorySize, found ${sizes.join(', ')}`);
  return sizes[0]!;
}

/** The CPU block of one scenario in results.json. */
export interface CpuFigures {
  /** CPU (user + system) of the function's process while the handler ran, init excluded, s. */
  cpu_s: number;
  /** KMS and Account requests the handler sent (throttled ones included: they cost CPU too). */
  requests: number;
  cpu_ms_per_request: number;
  cpu_ratio_to_floor: number;
  function_memory_mb: number;
  projected_wall_s: number;
  projected_ratio_to_bound: number;
}

const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

export function cpuFigures(input: { cpuS: number; requests: number; wallS: number; boundS: number; floorMsPerRequest: number; memoryMb: number }): CpuFigures {
  const perRequest = (input.cpuS * 1000) / input.requests;
  const projected = Math.max(input.wallS, (input.cpuS * ONE_VCPU_MB) / input.memoryMb);
  return {
    cpu_s: round(input.cpuS),
    requests: input.requests,
    cpu_ms_per_request: round(perRequest, 4),
    cpu_ratio_to_floor: round(perRequest / input.floorMsPerRequest),
    function_memory_mb: input.memoryMb,
    projected_wall_s: round(projected),
    projected_ratio_to_bound: round(projected / input.boundS),
  };
}
