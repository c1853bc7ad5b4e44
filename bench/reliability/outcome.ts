/** How one check of the suite ended, with enough detail to reproduce and diagnose a failure. */
import type { RequestResult } from '../../local/driver/index.ts';

export interface CheckOutcome {
  /** e.g. `crash Update (tags) after mutation 3`, `fault kms-5xx-5pct`. */
  name: string;
  ok: boolean;
  /** Empty when ok: every problem found, most telling first. */
  problems: string[];
  /** The request(s) behind a failure: type, properties, answer, and the tail of the function's log. */
  evidence?: Evidence[];
  /** For a hostile input: the properties sent (clipped). */
  input?: string;
}

export interface Evidence {
  requestType: string;
  status: string | null;
  reason: string | null;
  exit: string;
  violations: string[];
  /** JSON, clipped: a hostile map can be megabytes. */
  resourceProperties: string;
  logTail: string;
}

/** Only the end of a log: the answer and the errors that led to it are there. */
const LOG_TAIL_CHARS = 3000;

/** What a failure report needs from one delivery. */
export function evidenceOf(result: RequestResult): Evidence {
  const log = `${result.stdout}${result.stderr ? `\n[stderr]\n${result.stderr}` : ''}`;
  return {
    requestType: result.requestType,
    status: result.status,
    reason: result.reason,
    exit: `${result.exit.outcome}${result.exit.error ? ` (${result.exit.error})` : ''}`,
    violations: result.violations,
    resourceProperties: clip(JSON.stringify(result.event.ResourceProperties), 2000),
    logTail: log.length > LOG_TAIL_CHARS ? `...${log.slice(-LOG_TAIL_CHARS)}` : log,
  };
}

/** `text` cut to `max` characters, saying how much was left out. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/** Problems of a delivery that had to answer `expected` with no CloudFormation violation. */
export function deliveryProblems(label: string, result: RequestResult, expected: 'SUCCESS' | 'FAILED'): string[] {
  const problems = result.violations.map((v) => `${label}: ${v}`);
  if (result.status !== expected)
    problems.push(`${label}: expected ${expected}, got ${result.status ?? 'no answer'}${result.reason ? ` (${result.reason})` : ''}`);
  return problems;
}
