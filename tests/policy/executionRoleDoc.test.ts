import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXECUTION_ROLE_ACTIONS } from '../../lib/policy/actions.ts';

/** Counts written in prose drift from the code: these are checked against EXECUTION_ROLE_ACTIONS. */
describe('Document: docs/key-policy.md (the execution role)', () => {
  const doc = readFileSync(join(__dirname, '../../docs/key-policy.md'), 'utf8');

  it('gives the number of actions of the execution role statement as the code does', () => {
    // Act
    const counts = [...doc.matchAll(/(\d+) (?:management calls|actions the execution role needs)/g)].map((m) => Number(m[1]));
    // Assess
    expect(counts.length).toBeGreaterThanOrEqual(2);
    expect(counts).toEqual(counts.map(() => EXECUTION_ROLE_ACTIONS.length));
  });

  it('lists exactly the actions of the execution role statement in its table', () => {
    // Prepare
    const section = doc.slice(doc.indexOf('### The execution role'), doc.indexOf('What a key policy cannot grant'));
    // Act
    const listed = [...section.matchAll(/`(kms:[A-Za-z]+)`/g)].map((m) => m[1]);
    // Assess
    expect([...new Set(listed)].sort()).toEqual([...EXECUTION_ROLE_ACTIONS].sort());
  });
});
