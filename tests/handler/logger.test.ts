import { createLogger, REDACTED, redact } from '../../lib/logger.ts';

const URL = 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/x?X-Amz-Signature=abc';

describe('Function: createLogger', () => {
  it('writes one JSON object per entry with the level, time, message and fields', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), fields: { requestId: 'r1' }, now: () => new Date(0) });

    // Act
    log.info('plan', { planned: { 'us-east-1': { CreateKey: 1 } } });

    // Assess
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { level: 'INFO', timestamp: '1970-01-01T00:00:00.000Z', message: 'plan', requestId: 'r1', planned: { 'us-east-1': { CreateKey: 1 } } },
    ]);
  });

  it('drops entries below the level', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l) });

    // Act
    log.info('quiet');
    log.debug('quieter');
    log.error('loud');

    // Assess
    expect(lines).toHaveLength(1);
  });

  it('never writes the ResponseURL, by key or inside any value, errors included', () => {
    // Prepare
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), secrets: [URL] }).child({ event: { ResponseURL: URL } });

    // Act
    log.error('failed', { error: new Error(`PUT ${URL} failed`), nested: [{ text: `see ${URL}` }] });

    // Assess
    const entry = JSON.parse(lines[0]!);
    expect(lines[0]).not.toContain('X-Amz-Signature');
    expect(entry.event.ResponseURL).toBe(REDACTED);
    expect(entry.error.message).toBe(`PUT ${REDACTED} failed`);
    expect(entry.nested[0].text).toBe(`see ${REDACTED}`);
  });
});

describe('Function: redact', () => {
  it('survives cycles and bigints', () => {
    // Prepare
    const value: Record<string, unknown> = { n: 10n };
    value.self = value;

    // Act & Assess
    expect(redact(value, [])).toEqual({ n: '10', self: '[Circular]' });
  });
});
