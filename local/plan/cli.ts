/**
 * `npm run plan` (and the package's `mrkk-plan` bin): prints what an Update of a
 * Custom::MultiRegionKmsKeys resource to a template would do in the account, read-only, and exits
 * 0 (nothing to do), 2 (changes or drift) or 1 (error, one line on stderr). `--help` for usage.
 */
import { runPlan } from './run.ts';

const result = await runPlan(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
