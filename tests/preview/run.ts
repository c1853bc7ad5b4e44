/**
 * Runs the preview as a user does: `npm start -- ARGS` is `npm run build && node local/start.ts ARGS`;
 * `npm test` has built the bundle already, so the tests spawn the second half (rebuilding `dist/`
 * while other test files run the bundle would race), with the Node 22 of the npm scripts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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

/** A stack trace's frame line, which no output of the preview may hold. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** A sample output of README.md: the `npm start` arguments of its `<!-- output of: ARGS -->` marker and its lines. */
export interface ReadmeSample {
  args: string[];
  lines: string[];
}

/** Every sample output the README shows, marked `<!-- output of: ARGS -->` before its text block. */
export function readmeSamples(): ReadmeSample[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...text.matchAll(/<!-- output of: (.+?) -->\n```text\n([\s\S]*?)```\n/g)].map((m) => ({
    args: m[1]!.split(' '),
    lines: m[2]!.trimEnd().split('\n'),
  }));
}

/** What varies from run to run (key ids, durations, ports, dates), made equal. */
function normalise(line: string): string {
  return line
    .replace(/mrk-[0-9a-f]{32}/g, 'mrk-…')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d+ ms\)/g, '… ms)')
    .replace(/\d{4}-\d{2}-\d{2}/g, '<date>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:…')
    .trimEnd();
}

/** The sample's lines not found, in order, in `output` (empty: the sample is real). */
export function sampleLinesMissing(sample: ReadmeSample, output: string): string[] {
  const lines = output.split('\n').map(normalise);
  let at = 0;
  const missing: string[] = [];
  for (const wanted of sample.lines.map(normalise)) {
    const found = lines.indexOf(wanted, at);
    if (found < 0) missing.push(wanted);
    else at = found + 1;
  }
  return missing;
}
