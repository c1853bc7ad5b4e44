/**
 * The preview's check of an answer against the template (docs/behaviour.md §13): every attribute the
 * template reads with `Fn::GetAtt` must be in the answer, or CloudFormation fails the stack after
 * the keys were made. When one is missing or the answer would be too large, the exact
 * `ReturnAttributes` list that covers the template's reads is printed with its size.
 */
import type { RequestResult } from '../driver/index.ts';
import type { AttributeRead } from './getAttReads.ts';
import { adviseReturnAttributes, type SizingInput } from './returnAttributes.ts';

export interface AttributeCheck {
  ok: boolean;
  lines: string[];
}

/** Checks `answer` against the template's `reads` of resource `logicalId`. */
export function checkAttributes(logicalId: string, reads: AttributeRead[], answer: RequestResult, sizing: SizingInput): AttributeCheck {
  const lines: string[] = [];
  const succeeded = answer.status === 'SUCCESS';
  const missing = succeeded ? reads.filter((read) => !Object.hasOwn(answer.data ?? {}, read.attribute)) : [];
  if (succeeded && missing.length === 0) {
    lines.push(
      reads.length === 0
        ? `   Fn::GetAtt: the template reads no attribute of ${logicalId}.`
        : `   Fn::GetAtt: each of the ${reads.length} attribute(s) of ${logicalId} the template reads is in the answer.`,
    );
  }
  for (const read of missing) {
    lines.push(
      `   ERROR: the template reads ${logicalId}.${read.attribute} (at ${read.path}), which the answer does not carry: CloudFormation would fail the stack.`,
    );
  }
  const advice = adviseReturnAttributes(
    sizing,
    reads.map((read) => read.attribute),
  );
  const tooLarge = advice !== undefined && advice.currentBytes > advice.limit;
  if (advice !== undefined && (missing.length > 0 || tooLarge)) {
    if (tooLarge) lines.push(`   The answer with these ReturnAttributes would be ${advice.currentBytes} bytes, over CloudFormation's ${advice.limit}.`);
    lines.push(`   ReturnAttributes covering exactly what the template reads (answer: ${advice.coveringBytes} bytes of ${advice.limit}):`);
    lines.push(`     ReturnAttributes: [${advice.covering.join(', ')}]`);
    if (advice.coveringBytes > advice.limit) lines.push('   Even that does not fit: read fewer attributes, or split the keys over two resources.');
    for (const name of advice.neverReturned) {
      lines.push(`   ERROR: ${logicalId} never returns ${name} with these properties (no such attribute family, Region or key name): fix the Fn::GetAtt.`);
    }
  }
  return { ok: missing.length === 0 && (succeeded || !tooLarge), lines };
}
