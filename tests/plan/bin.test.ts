import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';

const run = (file: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [file, ...args], (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }));
  });

describe('The mrkk-plan bin', () => {
  it('is declared in package.json and runs the plan CLI', async () => {
    // Prepare
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { bin: Record<string, string>; scripts: Record<string, string> };

    // Act
    const help = await run(pkg.bin['mrkk-plan']!, ['--help']);
    const bad = await run(pkg.bin['mrkk-plan']!, ['--template', 't.yaml']);

    // Assess
    expect(pkg.scripts.plan).toBe('node local/plan/cli.ts');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run plan -- --template FILE --stack-id STACK_ARN/);
    expect(bad).toEqual({ code: 1, stdout: '', stderr: 'plan: --stack-id STACK_ARN is required (see --help)\n' });
  });
});
