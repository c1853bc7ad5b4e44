/** The answer to one request, before the handler turns it into CloudFormation's response body. */
export interface RequestResult {
  status: 'SUCCESS' | 'FAILED';
  reason?: string;
  data: Record<string, string>;
}

/** A FAILED answer with `reason` and no data. */
export function failedResult(reason: string): RequestResult {
  return { status: 'FAILED', reason, data: {} };
}
