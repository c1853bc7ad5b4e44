/**
 * Runs the preview as a user does: `npm start -- ARGS` is `npm run build && node local/start.ts ARGS`;
 * `npm test` has built the bundle already, so the tests spawn the second half (rebuilding `dist/`
 * while other test files run the bundle would race), with the Node 22 of the npm scripts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { normalise, type ReadmeSample, readmeSamples, selectSections } from '../../local/preview/readmeSamples.ts';

export const ROOT = join(__dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface StartRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm start -- ...args`, from the repository root. */
export function runStart(args: string[]): Promise<StartRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['local/start.ts', ...args], { cwd: ROOT, env: { ...process.env, DEBUG: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Writes `text` to a fresh temporary file named `name` and returns its path. */
export function templateFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'preview-')), name);
  writeFileSync(path, text);
  return path;
}

/**
 * The first six lines of a template whose resource `Keys` is a `Custom::MultiRegionKmsKeys` with its
 * ServiceToken and AwsAccountId; Keys' other properties follow, indented by six spaces (line 7 on).
 */
export const KEYS_HEADER = `Resources:
  Keys:
    Type: Custom::MultiRegionKmsKeys
    Properties:
      ServiceToken: !ImportValue multi-region-kms-keys-ServiceToken
      AwsAccountId: !Ref AWS::AccountId
`;

/** Writes `KEYS_HEADER` and then `rest` (Keys' other properties, other resources) to a fresh temporary file `name`. */
export function keysTemplateFile(name: string, rest: string): string {
  return templateFile(name, `${KEYS_HEADER}${rest}`);
}

/** A stack trace's frame line, which no output of the preview may hold. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** The README's sample outputs (local/preview/readmeSamples.ts). */
export function samplesOfReadme(): ReadmeSample[] {
  return readmeSamples(readFileSync(join(ROOT, 'README.md'), 'utf8'));
}

/** The sample as the README shows it and as this run prints it, what varies made equal: equal when the sample is real. */
export function sampleAndRun(sample: ReadmeSample, output: string): { readme: string[]; run: string[] } {
  return { readme: sample.lines.map(normalise), run: selectSections(output, sample.sections).map(normalise) };
}
