// The Lambda runtime stand-in, run by invoke.ts in a fresh `node` process per invocation.
// Init phase: import the bundle (argv[2]) and report `ready` with the module-initialisation time.
// Invoke phase: on the parent's `invoke` message, call handler(event, context, callback) the way
// the Node.js Lambda runtime does (a returned promise wins; otherwise the callback), report the
// outcome, then exit: Lambda would freeze the environment, so nothing the handler left running
// after returning may still reach CloudFormation.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const [bundlePath, exportName = 'handler'] = process.argv.slice(2);

function describeError(error) {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

// CPU of this process (user + system, µs) so far: the parent tells the handler's share from init's.
function cpuMicros() {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function finish(message) {
  process.send({ ...message, cpuUs: cpuMicros() }, () => process.exit(0));
}

// Only JSON crosses the IPC channel; a value that does not survive it is reported as text.
function serialisable(value) {
  try {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

let handler;
const initStart = performance.now();
try {
  const module = await import(pathToFileURL(bundlePath).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${bundlePath} does not export a function named ${exportName}`);
} catch (error) {
  process.send({ type: 'initError', error: describeError(error), initMs: performance.now() - initStart }, () => process.exit(1));
}

if (handler !== undefined) {
  process.send({ type: 'ready', initMs: performance.now() - initStart, cpuUs: cpuMicros() });
  process.once('message', async (message) => {
    if (message?.type !== 'invoke') return;
    const { event, context: fields, deadline } = message;
    let settled = false;
    const settle = (outcome) => {
      if (settled) return;
      settled = true;
      finish({ type: 'result', ...outcome });
    };
    const callback = (error, value) => settle(error ? { outcome: 'threw', error: describeError(error) } : { outcome: 'returned', value: serialisable(value) });
    const context = {
      ...fields,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      succeed: (value) => callback(null, value),
      fail: (error) => callback(error ?? new Error('context.fail')),
    };
    try {
      const result = handler(event, context, callback);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        settle({ outcome: 'returned', value: serialisable(await result) });
      }
    } catch (error) {
      settle({ outcome: 'threw', error: describeError(error) });
    }
  });
}
