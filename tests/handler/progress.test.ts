import { timeoutReason } from '../../lib/request/failureReasons.ts';
import { RequestProgress } from '../../lib/request/progress.ts';

describe('Function: RequestProgress', () => {
  it('says nothing was done before any action finished', () => {
    // Act & Assess
    expect(new RequestProgress().summary()).toBe('nothing');
  });

  it('keeps what was done across passes and forgets the failures of earlier passes', () => {
    // Prepare
    const progress = new RequestProgress();
    progress.record({ region: 'us-east-1', kind: 'CreateKey', status: 'done' });
    progress.record({ region: 'eu-west-1', kind: 'CreateAlias', status: 'failed' });

    // Act
    progress.startPass('reading the actual state (pass 2)');
    progress.record({ region: 'us-east-1', kind: 'CreateAlias', status: 'done' });
    progress.record({ region: 'us-east-1', kind: 'PutKeyPolicy', status: 'skipped' });

    // Assess
    expect(progress.summary()).toBe('us-east-1: done CreateAlias 1, CreateKey 1; not started PutKeyPolicy 1');
    expect(timeoutReason(progress)).toBe(
      'The function is about to time out (while reading the actual state (pass 2)); done so far: us-east-1: done CreateAlias 1, CreateKey 1; not started PutKeyPolicy 1. Re-running the stack operation (or a retry) resumes: every step is idempotent.',
    );
  });
});
