import { criticalPathPriorities } from '../../lib/executor/priority.ts';
import type { Action } from '../../lib/types.ts';

const action = (id: string, kind: Action['kind'], dependsOn: string[] = []): Action =>
  ({ id, kind, region: 'us-east-1', keyName: 'k', dependsOn }) as unknown as Action;

describe('Function: criticalPathPriorities', () => {
  it('ranks a multi-Region primary and its replications above per-Region keys', () => {
    // Prepare
    const actions = [
      action('ck-local', 'CreateKey'),
      action('al-local', 'CreateAlias', ['ck-local']),
      action('ck-mrk', 'CreateKey'),
      action('rk', 'ReplicateKey', ['ck-mrk']),
      action('al-replica', 'CreateAlias', ['rk']),
      action('al-primary', 'CreateAlias', ['ck-mrk']),
    ];

    // Act
    const priorities = criticalPathPriorities(actions);

    // Assess: weight 1 per request, 10 per ReplicateKey, plus the heaviest chain below
    expect(Object.fromEntries(priorities)).toEqual({ 'ck-local': 2, 'al-local': 1, 'ck-mrk': 12, rk: 11, 'al-replica': 1, 'al-primary': 1 });
  });

  it('takes the longest of several chains and survives dependency cycles', () => {
    // Prepare
    const actions = [
      action('root', 'CreateKey'),
      action('short', 'TagResource', ['root']),
      action('long-1', 'PutKeyPolicy', ['root']),
      action('long-2', 'EnableKeyRotation', ['long-1']),
      action('cyc-a', 'TagResource', ['cyc-b']),
      action('cyc-b', 'TagResource', ['cyc-a']),
    ];

    // Act
    const priorities = criticalPathPriorities(actions);

    // Assess
    expect(priorities.get('root')).toBe(3);
    expect(priorities.get('short')).toBe(1);
    expect(priorities.get('cyc-a')).toBeGreaterThan(0);
    expect(priorities.get('cyc-b')).toBeGreaterThan(0);
  });
});
