/**
 * End to end: the loop of docs/plan.md ("Against the emulator"), run as written — emulator, deploy
 * with `npm start -- --endpoint URL --keep`, drift by hand with the AWS CLI, plan, drift — in bash,
 * in a directory holding a copy of template.yaml. Three substitutions only: another port than 4566
 * (tests run in parallel), and `npm start --` / `npm run X --` as the commands they stand for
 * (`npm start` rebuilds dist/, which other test files are running). Each command's exit status
 * must be the one its comment documents.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BUNDLE_PATH } from '../../local/driver/index.ts';

const ROOT = join(__dirname, '..', '..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** A port free now on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface DocCommand {
  command: string;
  /** The documented exit status (`exit N` in the comment), null when the comment states none. */
  exit: number | null;
}

/** The block between the plan-loop markers, one command a line, with its documented exit status. */
function loopCommands(markdown: string): DocCommand[] {
  const block = /<!-- plan-loop:begin -->\n```sh\n([\s\S]*?)```\n<!-- plan-loop:end -->/.exec(markdown);
  if (block === null) throw new Error('docs/plan.md has no plan-loop block');
  return block[1]!
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const hash = line.search(/\s#\s/);
      const comment = hash < 0 ? '' : line.slice(hash);
      const exit = /exit (\d)\s*$/.exec(comment);
      return { command: (hash < 0 ? line : line.slice(0, hash)).trim(), exit: exit === null ? null : Number(exit[1]) };
    });
}

/** The bash script: each command, then its exit status on a line of its own. */
function scriptOf(commands: DocCommand[], port: number): string {
  const lines = ['set -u'];
  for (const [i, { command }] of commands.entries()) {
    const local = command
      .replaceAll('4566', String(port))
      .replace(/^npm start -- /, `"${NODE}" "${ROOT}/local/start.ts" `)
      .replace(/^npm run plan -- /, `"${NODE}" "${ROOT}/local/plan/cli.ts" `)
      .replace(/^npm run emulator -- /, `"${NODE}" "${ROOT}/local/emulator/main.ts" `);
    lines.push(local);
    if (local.endsWith('&')) {
      // Wait until the emulator answers, as a person would wait for its "listening on" line.
      lines.push(
        `for i in $(seq 100); do "${NODE}" -e "fetch('http://127.0.0.1:${port}/__emulator/counts').then(() => process.exit(0), () => process.exit(1))" && break; sleep 0.1; done`,
      );
    } else lines.push(`echo "::exit ${i} $?"`);
  }
  return `${lines.join('\n')}\n`;
}

describe('End to end: the docs/plan.md loop, in commands only', () => {
  let dir: string;
  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error(`${DEFAULT_BUNDLE_PATH} is missing: run npm run build (npm test does)`);
    dir = await mkdtemp(join(tmpdir(), 'plan-loop-'));
    await copyFile(join(ROOT, 'template.yaml'), join(dir, 'template.yaml'));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('deploys, drifts by hand, plans and drifts with the exit statuses the page documents', async () => {
    // Prepare
    const commands = loopCommands(await readFile(join(ROOT, 'docs', 'plan.md'), 'utf8'));
    const script = scriptOf(commands, await freePort());

    // Act
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('bash', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, DEBUG: '' } });
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

    // Assess: every command ran, with its documented status.
    const statuses = [...run.stdout.matchAll(/^::exit (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const expected = commands.flatMap((c, i) => (c.command.endsWith('&') ? [] : [[i, c.exit ?? 0] as const]));
    // (stderr on both sides: shown next to the statuses when they differ)
    expect({ statuses, stderr: run.stderr }).toEqual({ statuses: expected, stderr: run.stderr });
    expect(run.stdout).toContain('== Kept: the keys stay in the emulator');
    expect(run.stdout).toMatch(/DRIFT: 1 difference\(s\)[^\n]*\n(?:.*\n)*? {4}~ EnableKey key \S+\n {8}drift: the key is Disabled/);
    expect(run.stdout).toMatch(/- ScheduleKeyDeletion key \S+ in 30 days {2}DESTRUCTIVE\n {8}found: cmk-app is no longer in the template/);
    expect(run.stdout.match(/No drift: KMS matches the template/g)).toHaveLength(2);
  });
});
