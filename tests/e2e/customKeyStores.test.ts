/**
 * End to end for keys in custom key stores (docs/key-material.md#custom-key-stores): the bundle
 * through the driver against the emulator, whose stores are made in a chosen connection state. A key
 * in a CONNECTED CloudHSM store and one in a CONNECTED external key store are made where the maps say;
 * a DISCONNECTED store fails the request naming the Region, the store and its state, before any key
 * is made; a key whose store disconnects later is Unavailable and still managed and deleted; an
 * external key that is missing, misconfigured or already in use fails the request with a reason that
 * names the Region, the store and the external key, and says what to do.
 */
import { DEFAULT_IDENTITY, type ScenarioResult, scenarios } from '../../local/driver/index.ts';
import { useDriverEnvironment } from '../support/driverEnvironment.ts';

const ACCOUNT_ID = DEFAULT_IDENTITY.accountId;

describe('End to end: keys in custom key stores through the bundle, the driver and the emulator', () => {
  const env = useDriverEnvironment({ stackPrefix: 'stores', emulator: { regions: ['us-east-1', 'eu-west-1'] } });
  const { control, newStack } = env;
  const expectOk = (result: ScenarioResult) => {
    expect(result.problems).toEqual([]);
    for (const step of result.steps) expect(step.violations).toEqual([]);
  };
  const store = async (region: string, type: 'AWS_CLOUDHSM' | 'EXTERNAL_KEY_STORE', connectionState: string) =>
    (await control().customKeyStore({ region, type, connectionState })).customKeyStoreId;

  it('makes keys in CONNECTED CloudHSM and external key stores, one per Region the maps name', async () => {
    // Prepare
    const hsm = { 'eu-west-1': await store('eu-west-1', 'AWS_CLOUDHSM', 'CONNECTED'), 'us-east-1': await store('us-east-1', 'AWS_CLOUDHSM', 'CONNECTED') };
    const xks = await store('us-east-1', 'EXTERNAL_KEY_STORE', 'CONNECTED');
    const stack = newStack();
    const properties = {
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: {
        'cmk-hsm': { Region: '', Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: hsm },
        'cmk-xks': { Region: 'us-east-1', Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreIds: { 'us-east-1': xks }, XksKeyIds: { 'us-east-1': 'ext-key-0001' } },
      },
    };

    // Act
    const created = await scenarios.create(stack, properties);
    const owner = created.steps[0]!.physicalResourceId!;
    const keys = (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
    const removed = await scenarios.remove(stack);

    // Assess
    expectOk(created);
    expect(keys.map((k) => `${k.region} ${k.tags['MultiRegionKmsKeys:KeyName']} ${k.keyState}`).sort()).toEqual([
      'eu-west-1 cmk-hsm Enabled',
      'us-east-1 cmk-hsm Enabled',
      'us-east-1 cmk-xks Enabled',
    ]);
    expectOk(removed);
  });

  it('fails before any key is made when a store is DISCONNECTED, naming the Region, the store and its state', async () => {
    // Prepare
    const connected = await store('us-east-1', 'AWS_CLOUDHSM', 'CONNECTED');
    const disconnected = await store('eu-west-1', 'AWS_CLOUDHSM', 'DISCONNECTED');
    await control().resetCounts();

    // Act
    const result = await scenarios.failedCreateThenDelete(newStack(), {
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: { 'cmk-hsm': { Region: '', Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'eu-west-1': disconnected, 'us-east-1': connected } } },
    });

    // Assess
    expectOk(result);
    expect(result.steps[0]!.reason).toContain(`custom key store ${disconnected} in eu-west-1 is DISCONNECTED`);
    expect(result.steps[0]!.reason).toContain('Nothing was changed');
    expect((await control().counts()).byOperation.CreateKey ?? 0).toBe(0);
  });

  it('keeps managing a key whose store disconnects (Unavailable) and deletes it', async () => {
    // Prepare
    const id = await store('us-east-1', 'AWS_CLOUDHSM', 'CONNECTED');
    const stack = newStack();
    const key = { Region: 'us-east-1', Origin: 'AWS_CLOUDHSM', CustomKeyStoreIds: { 'us-east-1': id } };
    const created = await scenarios.create(stack, { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-later-off': key } });
    const owner = created.steps[0]!.physicalResourceId!;
    await control().customKeyStore({ customKeyStoreId: id, connectionState: 'DISCONNECTED' });

    // Act
    const updated = await scenarios.update(stack, { AwsAccountId: ACCOUNT_ID, CustomerMasterKeys: { 'cmk-later-off': { ...key, Tags: { Team: 'b' } } } });
    const [unavailable] = (await control().state()).keys.filter((k) => k.tags['MultiRegionKmsKeys:Owner'] === owner);
    const removed = await scenarios.remove(stack);

    // Assess
    expectOk(created);
    expectOk(updated);
    expect(unavailable).toMatchObject({ keyState: 'Unavailable', tags: expect.objectContaining({ Team: 'b' }) });
    expectOk(removed);
  });

  it('fails on an external key that is missing, misconfigured or in use, naming the Region, the store and the key', async () => {
    // Prepare
    const xks = (
      await control().customKeyStore({
        region: 'eu-west-1',
        type: 'EXTERNAL_KEY_STORE',
        connectionState: 'CONNECTED',
        externalKeys: { 'ext-ok-1': 'usable', 'ext-bad-1': 'invalidConfiguration' },
      })
    ).customKeyStoreId;
    const properties = (name: string, xksKeyId: string) => ({
      AwsAccountId: ACCOUNT_ID,
      CustomerMasterKeys: {
        [name]: { Region: 'eu-west-1', Origin: 'EXTERNAL_KEY_STORE', CustomKeyStoreIds: { 'eu-west-1': xks }, XksKeyIds: { 'eu-west-1': xksKeyId } },
      },
    });
    const holder = newStack();
    expectOk(await scenarios.create(holder, properties('cmk-ext-holder', 'ext-ok-1')));
    const cases = [
      { xksKeyId: 'ext-absent-1', says: ['XksKeyNotFoundException', 'finds no external key ext-absent-1', 'set XksKeyIds.eu-west-1'] },
      { xksKeyId: 'ext-bad-1', says: ['XksKeyInvalidConfigurationException', 'external key ext-bad-1', 'AES-256 symmetric key'] },
      { xksKeyId: 'ext-ok-1', says: ['XksKeyAlreadyInUseException', 'external key ext-ok-1', 'name an unused external key in XksKeyIds.eu-west-1'] },
    ];

    // Act
    const results = [];
    for (const item of cases) results.push({ item, result: await scenarios.failedCreateThenDelete(newStack(), properties('cmk-ext', item.xksKeyId)) });

    // Assess
    for (const { item, result } of results) {
      expectOk(result);
      const reason = result.steps[0]!.reason ?? '';
      expect(reason).toContain(`CreateKey of cmk-ext in eu-west-1: `);
      expect(reason).toContain(`custom key store ${xks} in eu-west-1`);
      for (const words of item.says) expect(reason).toContain(words);
    }
    expectOk(await scenarios.remove(holder));
  });
});
