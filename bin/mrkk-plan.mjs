#!/usr/bin/env node
// The `mrkk-plan` bin: `npm run plan` outside npm scripts. The tool is TypeScript run by Node's
// type stripping (Node 22.18 or later, which `npm run plan` always uses).
if (!process.features?.typescript) {
  process.stderr.write(`plan: Node ${process.version} cannot run TypeScript; use Node 22.18 or later, or npm run plan -- ...\n`);
  process.exit(1);
}
await import('../local/plan/cli.ts');
