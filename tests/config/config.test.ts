import { DEFAULT_DEADLINE_MARGIN_MS, type Env, readConfig } from '../../lib/config.ts';

const ROLE = 'arn:aws:iam::111122223333:role/mrkk-KeysFunctionRole-1A2B3C';

/** Reads `env` for a request that needs the execution role, which is set unless `env` says otherwise. */
function read(env: Env) {
  return readConfig({ EXECUTION_ROLE_ARN: ROLE, ...env }, { executionRoleRequired: true });
}

describe('Function: readConfig', () => {
  it('reads every variable into a typed configuration', () => {
    // Act
    const reading = read({ AWS_REGION: 'eu-west-1', KMS_QUOTAS: '{"CreateKey": 50}', DEADLINE_MARGIN_MS: '45000', LOG_LEVEL: 'debug' });

    // Assess
    expect(reading).toEqual({
      config: {
        region: 'eu-west-1',
        executionRoleArn: ROLE,
        kmsQuotas: { CreateKey: 50 },
        deadlineMarginMs: 45_000,
        logLevel: 'debug',
        requestVerification: true,
        trustedResponseHosts: [],
      },
      problems: [],
    });
  });

  it('lists every problem at once and keeps the defaults of what is invalid', () => {
    // Act
    const reading = readConfig({ KMS_QUOTAS: '[1]', DEADLINE_MARGIN_MS: 'abc' }, { executionRoleRequired: true });

    // Assess
    expect(reading.problems).toEqual([
      'DEADLINE_MARGIN_MS must be an integer number of milliseconds ≥ 2000, got "abc"',
      'EXECUTION_ROLE_ARN is not set',
      'KMS_QUOTAS must be a JSON object of KMS operation → requests per second',
    ]);
    expect(reading.config).toMatchObject({ kmsQuotas: {}, deadlineMarginMs: DEFAULT_DEADLINE_MARGIN_MS, executionRoleArn: '' });
  });

  it('does not need EXECUTION_ROLE_ARN for a request without key policies (a Delete)', () => {
    // Act & Assess
    expect(readConfig({}, { executionRoleRequired: false }).problems).toEqual([]);
  });
});

describe('Function: readConfig (KMS_QUOTAS)', () => {
  it('reads raised quotas', () => {
    // Act & Assess
    expect(read({ KMS_QUOTAS: '{"CreateKey": 50, "ReplicateKey": 25}' }).config.kmsQuotas).toEqual({ CreateKey: 50, ReplicateKey: 25 });
  });

  it('means the defaults when unset', () => {
    // Act & Assess
    expect(read({}).config.kmsQuotas).toEqual({});
    expect(read({ KMS_QUOTAS: '  ' }).config.kmsQuotas).toEqual({});
  });

  it.each([
    ['{CreateKey: 5', /not valid JSON/],
    ['[1]', /must be a JSON object/],
    ['{"CreatKey": 5}', /unknown operation "CreatKey"/],
    ['{"CreateKey": "50"}', /CreateKey must be a positive number/],
    ['{"CreateKey": 0}', /CreateKey must be a positive number/],
  ])('refuses %s', (text, message) => {
    // Act
    const { problems } = read({ KMS_QUOTAS: text });

    // Assess
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^KMS_QUOTAS/);
    expect(problems[0]).toMatch(message);
  });
});

describe('Function: readConfig (DEADLINE_MARGIN_MS)', () => {
  it('defaults to 20 s', () => {
    // Act & Assess
    expect(read({}).config.deadlineMarginMs).toBe(DEFAULT_DEADLINE_MARGIN_MS);
    expect(DEFAULT_DEADLINE_MARGIN_MS).toBe(20_000);
  });

  it('reads DEADLINE_MARGIN_MS', () => {
    // Act & Assess
    expect(read({ DEADLINE_MARGIN_MS: '45000' }).config.deadlineMarginMs).toBe(45_000);
  });

  it.each(['abc', '1.5', '-1', '100'])('refuses DEADLINE_MARGIN_MS=%s', (value) => {
    // Act & Assess
    expect(read({ DEADLINE_MARGIN_MS: value }).problems).toEqual([expect.stringMatching(/DEADLINE_MARGIN_MS/)]);
  });
});

describe('Function: readConfig (IAM_PROPAGATION_MS)', () => {
  it('leaves the reader its default when unset, and reads milliseconds (0: fail at once)', () => {
    // Act & Assess
    expect(read({}).config.iamPropagationMs).toBeUndefined();
    expect(read({ IAM_PROPAGATION_MS: '5000' }).config.iamPropagationMs).toBe(5_000);
    expect(read({ IAM_PROPAGATION_MS: '0' }).config.iamPropagationMs).toBe(0);
  });

  it.each(['abc', '1.5', '-1'])('refuses IAM_PROPAGATION_MS=%s', (value) => {
    // Act & Assess
    expect(read({ IAM_PROPAGATION_MS: value }).problems).toEqual([expect.stringMatching(/^IAM_PROPAGATION_MS must be an integer/)]);
  });
});

describe('Function: readConfig (LOG_LEVEL)', () => {
  it('reads LOG_LEVEL and falls back to info', () => {
    // Act & Assess
    expect(read({ LOG_LEVEL: 'DEBUG' }).config.logLevel).toBe('debug');
    expect(read({ LOG_LEVEL: 'chatty' }).config.logLevel).toBe('info');
    expect(read({}).config.logLevel).toBe('info');
    expect(read({ POWERTOOLS_LOG_LEVEL: 'warn', LOG_LEVEL: 'debug' }).config.logLevel).toBe('warn');
  });
});

describe('Function: readConfig (REQUEST_VERIFICATION, TRUSTED_RESPONSE_HOSTS)', () => {
  it('verifies requests unless REQUEST_VERIFICATION is explicitly off; a typo is a problem, never off', () => {
    // Act & Assess
    expect(read({}).config.requestVerification).toBe(true);
    expect(read({ REQUEST_VERIFICATION: 'on' }).config.requestVerification).toBe(true);
    expect(read({ REQUEST_VERIFICATION: 'OFF' }).config.requestVerification).toBe(false);
    const typo = read({ REQUEST_VERIFICATION: 'false' });
    expect(typo.config.requestVerification).toBe(true);
    expect(typo.problems).toEqual(['REQUEST_VERIFICATION must be "on" or "off", got "false"']);
  });

  it('reads TRUSTED_RESPONSE_HOSTS as host or host:port entries, none by default', () => {
    // Act & Assess
    expect(read({}).config.trustedResponseHosts).toEqual([]);
    expect(read({ TRUSTED_RESPONSE_HOSTS: '127.0.0.1:4567, Responses.Internal' }).config.trustedResponseHosts).toEqual([
      '127.0.0.1:4567',
      'responses.internal',
    ]);
    const wrong = read({ TRUSTED_RESPONSE_HOSTS: 'https://evil.example/,ok.example' });
    expect(wrong.config.trustedResponseHosts).toEqual(['ok.example']);
    expect(wrong.problems).toEqual([expect.stringContaining('"https://evil.example/"')]);
  });
});
