import { KmsError } from '../../lib/errors.ts';
import { type ExecuteDeps, execute } from '../../lib/executor/index.ts';
import { createLogger } from '../../lib/logger.ts';
import type { Action, Plan } from '../../lib/types.ts';
import { FakeKms } from '../support/fakeKmsApi.ts';
import { VirtualClock } from '../support/virtualClock.ts';

const SECRET = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:byok/material-2-GhIjKl';

function setup() {
  const clock = new VirtualClock(1_000_000);
  const kms = new FakeKms({ now: clock.now });
  const deps: ExecuteDeps = { kms: kms.factory, clock, log: createLogger({ level: 'error', write: () => undefined }), random: () => 0.5 };
  const key = kms.seedKey('us-east-1', { keyMaterials: [{ id: 'material-old', state: 'CURRENT', description: null, imported: true }] });
  return { kms, deps, keyId: key.keyId };
}

function rotationPlan(keyId: string): Plan {
  const imported: Action = {
    kind: 'ImportKeyMaterial',
    id: 'import',
    region: 'us-east-1',
    keyName: 'cmk-byok',
    dependsOn: [],
    key: { keyId },
    secretArn: SECRET,
    validTo: null,
    keySpec: 'SYMMETRIC_DEFAULT',
    reason: 'rotation',
    importType: 'NEW_KEY_MATERIAL',
    materialDescription: SECRET,
  };
  const rotate: Action = {
    kind: 'RotateKeyOnDemand',
    id: 'rotate',
    region: 'us-east-1',
    keyName: 'cmk-byok',
    dependsOn: ['import'],
    key: { keyId },
    secretArn: SECRET,
  };
  return { actions: [imported, rotate], refusals: [], bindings: {} };
}

describe('Function: execute (rotation of imported material)', () => {
  it('imports the new material with its ImportType and description, then rotates the key to it', async () => {
    // Prepare
    const { kms, deps, keyId } = setup();

    // Act
    const result = await execute(rotationPlan(keyId), deps);

    // Assess
    expect(result.outcomes.map((o) => [o.actionId, o.status])).toEqual([
      ['import', 'done'],
      ['rotate', 'done'],
    ]);
    expect(kms.callsOf('importKeyMaterial')[0]?.args[0]).toMatchObject({ importType: 'NEW_KEY_MATERIAL', materialDescription: SECRET });
    expect(kms.key('us-east-1', keyId)?.keyMaterials?.map((m) => [m.description, m.state])).toEqual([
      [null, 'NON_CURRENT'],
      [SECRET, 'CURRENT'],
    ]);
  });

  it('repeats neither a NEW_KEY_MATERIAL import nor a rotation after a 5xx: the next request reads what happened', async () => {
    // Prepare
    const internal = () => new KmsError('KMSInternalException', 'internal', { retryable: true });
    const first = setup();
    const second = setup();
    first.kms.fail('importKeyMaterial', internal, { applied: true });
    second.kms.fail('rotateKeyOnDemand', internal, { applied: true });

    // Act
    const failedImport = await execute(rotationPlan(first.keyId), first.deps);
    const failedRotation = await execute(rotationPlan(second.keyId), second.deps);

    // Assess
    expect([first.kms.callsOf('importKeyMaterial').length, first.kms.callsOf('rotateKeyOnDemand').length]).toEqual([1, 0]);
    expect(failedImport.outcomes.find((o) => o.actionId === 'import')?.status).toBe('failed');
    expect(second.kms.callsOf('rotateKeyOnDemand')).toHaveLength(1);
    expect(failedRotation.outcomes.find((o) => o.actionId === 'rotate')?.status).toBe('failed');
  });
});
