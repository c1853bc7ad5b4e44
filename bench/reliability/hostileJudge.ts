/**
 * The verdict on one hostile input (docs/behaviour.md §3, §8): refused with FAILED, a Reason naming the
 * offending property path, no KMS mutation, no unhandled exception, a well-formed answer of at
 * most 4,096 bytes.
 */
import type { CheckedAnswer } from '../../local/driver/index.ts';
import { pathsNamed } from './cfnValue.ts';
import type { HostileInput } from './hostileCorpus.ts';

export interface HostileVerdict {
  /** FAILED, with a Reason naming at least one expected path. */
  rejectedWithPath: boolean;
  /** Every expected path named (a Reason may be truncated, or one error may hide another). */
  allPathsNamed: boolean;
  accepted: boolean;
  problems: string[];
}

/** Judges `answer` to `input`, given the KMS mutations and unhandled errors seen while it ran. */
export function judgeHostile(input: HostileInput, answer: CheckedAnswer, mutations: number, unhandled: string[]): HostileVerdict {
  const problems = [...answer.violations];
  const accepted = answer.status === 'SUCCESS';
  if (accepted) problems.push('accepted: answered SUCCESS to invalid properties');
  const named = answer.reason === null ? [] : pathsNamed(answer.reason, input.expectPaths);
  const rejectedWithPath = answer.status === 'FAILED' && named.length > 0;
  if (answer.status === 'FAILED' && named.length === 0) {
    problems.push(`the Reason names none of ${JSON.stringify(input.expectPaths.slice(0, 5))}: ${JSON.stringify((answer.reason ?? '').slice(0, 400))}`);
  }
  if (mutations > 0) problems.push(`${mutations} KMS mutation(s) before the refusal`);
  problems.push(...unhandled.map((u) => `unhandled: ${u}`));
  return { rejectedWithPath, allPathsNamed: named.length === input.expectPaths.length, accepted, problems };
}
