/**
 * CLI: `npm run emulator -- --port <n> [--account <12 digits>] [--regions <comma list>]
 * [--replica-creating-ms <n>] [--caller-arn <arn>]` plus the field-realism flags of `realism.ts`
 * (`--consistency-delay-ms <n>`, `--updating-ms <n>`, `--identity-policy <file>`, `--scp <file>`,
 * `--tag-propagation-ms <n>`, `--tag-index-lag-ms <n>`). Prints `listening on http://127.0.0.1:<n>` and serves until
 * SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import type { EmulatorOptions } from './emulator.ts';
import { startEmulator } from './index.ts';
import { applyRealismFlag } from './realism.ts';

function parseArgs(argv: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case '--port':
        options.port = Number(value);
        if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new Error(`--port must be 0–65535, got ${value}`);
        break;
      case '--account':
        if (!/^\d{12}$/.test(value)) throw new Error(`--account must be 12 digits, got ${value}`);
        options.accountId = value;
        break;
      case '--regions':
        options.regions = value
          .split(',')
          .map((r) => r.trim())
          .filter((r) => r.length > 0);
        break;
      case '--replica-creating-ms':
        options.replicaCreatingMs = Number(value);
        break;
      case '--caller-arn':
        options.callerArn = value;
        break;
      default:
        if (!applyRealismFlag(options, flag!, value, (path) => readFileSync(path, 'utf8'))) throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`emulator: ${(error as Error).message}`);
    process.exit(2);
  }
  const running = await startEmulator(options);
  console.log(`listening on ${running.url}`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main();
