import { DEFAULT_KMS_QUOTAS, REPLICATE_KEY_CREATE_KEY_COST, UPDATE_PRIMARY_REGION_COST_PER_REGION } from '../../lib/kmsApi.ts';
import { REPLICATE_KEY_CREATE_KEY_TOKENS, TAGGING_REQUEST_QUOTAS, UPDATE_PRIMARY_REGION_TOKENS_PER_REGION } from '../../local/emulator/kmsFacts.ts';
import { KMS_REQUEST_QUOTAS, OPERATIONS } from '../../local/emulator/operations/index.ts';
import { chargesFor, DEFAULT_EMULATOR_QUOTAS } from '../../local/emulator/quotas.ts';

describe('Function: KMS request quotas (product and emulator)', () => {
  it('gives every operation the product paces (GetResources of the Tagging API too) the figure the emulator enforces', () => {
    // Prepare
    const product = Object.entries(DEFAULT_KMS_QUOTAS);
    // Act
    const enforced: Record<string, number> = { ...KMS_REQUEST_QUOTAS, ...TAGGING_REQUEST_QUOTAS };
    const mismatches = product.filter(([operation, rate]) => enforced[operation] !== rate);
    // Assess
    expect(mismatches).toEqual([]);
    expect(REPLICATE_KEY_CREATE_KEY_COST).toBe(REPLICATE_KEY_CREATE_KEY_TOKENS);
    expect(UPDATE_PRIMARY_REGION_COST_PER_REGION).toBe(UPDATE_PRIMARY_REGION_TOKENS_PER_REGION);
  });

  it('gives every operation the emulator serves the quota its module declares, a positive rate', () => {
    // Act
    const rates = Object.entries(OPERATIONS).map(([name, spec]) => [name, DEFAULT_EMULATOR_QUOTAS[spec.quota]] as const);

    // Assess
    expect(rates.filter(([, rate]) => !(typeof rate === 'number' && rate > 0))).toEqual([]);
    expect(OPERATIONS.Encrypt?.quota).toBe('Cryptographic');
    expect(OPERATIONS.CreateGrant?.quota).toBe('CreateGrant');
    expect(DEFAULT_EMULATOR_QUOTAS.CreateGrant).toBe(50);
  });

  it('holds the figures of the KMS request quotas page that were once wrong', () => {
    expect(KMS_REQUEST_QUOTAS.DisableKeyRotation).toBe(5);
    expect(DEFAULT_KMS_QUOTAS.DisableKeyRotation).toBe(5);
    expect(KMS_REQUEST_QUOTAS.EnableKeyRotation).toBe(15);
    expect(KMS_REQUEST_QUOTAS.RevokeGrant).toBe(30);
    expect(KMS_REQUEST_QUOTAS.RetireGrant).toBe(30);
    expect(DEFAULT_KMS_QUOTAS.RevokeGrant).toBe(30);
  });

  it('charges UpdatePrimaryRegion in both Regions and ReplicateKey 2 CreateKey in the replica Region', () => {
    expect(chargesFor('UpdatePrimaryRegion', 'UpdatePrimaryRegion', 'us-east-1', 'eu-west-1')).toEqual([
      { region: 'us-east-1', quota: 'UpdatePrimaryRegion', tokens: 1 },
      { region: 'eu-west-1', quota: 'UpdatePrimaryRegion', tokens: 1 },
    ]);
    expect(chargesFor('ReplicateKey', 'ReplicateKey', 'us-east-1', 'eu-west-1')).toEqual([
      { region: 'us-east-1', quota: 'ReplicateKey', tokens: 1 },
      { region: 'eu-west-1', quota: 'CreateKey', tokens: 2 },
    ]);
  });
});
