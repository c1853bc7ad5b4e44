import { PlanError } from '../../lib/errors.ts';
import { PlanBuilder } from '../../lib/planner/builder.ts';

const base = { region: 'us-east-1', keyName: 'cmk', key: { keyId: 'k1' } } as const;

describe('Class: PlanBuilder', () => {
  it('builds a plan whose dependencies are known and acyclic, sorted by id', () => {
    // Prepare
    const out = new PlanBuilder();
    // Act
    out.add({ ...base, id: 'b', kind: 'EnableKey', dependsOn: ['a'] });
    out.add({ ...base, id: 'a', kind: 'DisableKey', dependsOn: [] });
    const { actions } = out.result();
    // Assess
    expect(actions.map((a) => [a.id, a.dependsOn])).toEqual([
      ['a', []],
      ['b', ['a']],
    ]);
  });

  it('rejects a dependency on an action the plan does not hold, naming both', () => {
    // Prepare
    const out = new PlanBuilder();
    out.add({ ...base, id: 'c', kind: 'EnableKey', dependsOn: ['nope'] });
    // Act & Assess
    expect(() => out.result()).toThrow(PlanError);
    expect(() => out.result()).toThrow('invalid plan: c depends on nope, which is not in the plan');
  });

  it('rejects a circle of dependencies, naming it', () => {
    // Prepare
    const out = new PlanBuilder();
    out.add({ ...base, id: 'a', kind: 'EnableKey', dependsOn: ['c'] });
    out.add({ ...base, id: 'b', kind: 'DisableKey', dependsOn: ['a'] });
    out.add({ ...base, id: 'c', kind: 'EnableKey', dependsOn: ['b'] });
    out.add({ ...base, id: 'd', kind: 'EnableKey', dependsOn: [] });
    // Act & Assess
    expect(() => out.result()).toThrow('invalid plan: circular dependencies: a → c → b → a');
  });

  it('rejects an action that depends on itself', () => {
    // Prepare
    const out = new PlanBuilder();
    out.add({ ...base, id: 'a', kind: 'EnableKey', dependsOn: ['a'] });
    // Act & Assess
    expect(() => out.result()).toThrow('invalid plan: circular dependencies: a → a');
  });
});
