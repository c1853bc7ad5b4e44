import { KmsError } from '../../lib/errors.ts';
import { withKeyStoreAdvice } from '../../lib/executor/keyStoreErrors.ts';
import type { Action } from '../../lib/types.ts';

type CreateKeyAction = Extract<Action, { kind: 'CreateKey' }>;

const STORE = 'cks-0123456789abcdef0';

function createKey(fields: Partial<CreateKeyAction> = {}): CreateKeyAction {
  return {
    kind: 'CreateKey',
    id: 'CreateKey:eu-west-1:cmk-ext',
    region: 'eu-west-1',
    keyName: 'cmk-ext',
    dependsOn: [],
    spec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
    multiRegion: false,
    policy: '{}',
    description: '',
    tags: {},
    origin: 'EXTERNAL_KEY_STORE',
    customKeyStoreId: STORE,
    xksKeyId: 'ext-key-1',
    ...fields,
  } as CreateKeyAction;
}

describe('Function: withKeyStoreAdvice', () => {
  it.each([
    ['XksKeyNotFoundException', 'finds no external key ext-key-1: set XksKeyIds.eu-west-1'],
    ['XksKeyInvalidConfigurationException', 'external key ext-key-1 of custom key store cks-0123456789abcdef0 in eu-west-1 cannot back a KMS key'],
    ['XksKeyAlreadyInUseException', 'external key ext-key-1 of custom key store cks-0123456789abcdef0 in eu-west-1 already backs another KMS key'],
    ['CustomKeyStoreInvalidStateException', 'custom key store cks-0123456789abcdef0 in eu-west-1 (external key ext-key-1) is not CONNECTED: connect it'],
    ['CustomKeyStoreNotFoundException', 'custom key store cks-0123456789abcdef0 in eu-west-1 does not exist: set CustomKeyStoreIds.eu-west-1'],
  ])('makes %s a reason naming the Region, the store and the external key, keeping code, cause and retryability', (code, says) => {
    // Prepare
    const refusal = new KmsError(code, 'KMS said no.', { retryable: false, context: { region: 'eu-west-1' } });

    // Act
    const advised = withKeyStoreAdvice(refusal, createKey()) as KmsError;

    // Assess
    expect(advised).toBeInstanceOf(KmsError);
    expect(advised.code).toBe(code);
    expect(advised.message.startsWith(`${code}: CreateKey of cmk-ext in eu-west-1: `)).toBe(true);
    expect(advised.message).toContain(says);
    expect(advised.cause).toBe(refusal);
    expect(advised.retryable).toBe(false);
  });

  it('leaves other errors, and keys in KMS’s own store, as they are', () => {
    // Prepare
    const throttled = new KmsError('ThrottlingException', 'Rate exceeded', { retryable: true });
    const notFound = new KmsError('XksKeyNotFoundException', 'no key');

    // Act & Assess
    expect(withKeyStoreAdvice(throttled, createKey())).toBe(throttled);
    expect(withKeyStoreAdvice(notFound, createKey({ customKeyStoreId: undefined, xksKeyId: undefined, origin: undefined }))).toBe(notFound);
  });
});
