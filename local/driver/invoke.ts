/**
 * Runs the Lambda bundle in a child `node` process (`process.execPath`: Node 22 under npm scripts,
 * the runtime of `nodejs22.x`), one fresh process per invocation, with a Lambda-like environment
 * and context. The child's pid is handed to `onSpawn` before the event is sent, so a crash can be
 * armed against it (the emulator's `/__emulator/crash`); the timeout is enforced like Lambda does,
 * by killing the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DriverError } from './errors.ts';
import { DEFAULT_IDENTITY, executionRoleArnOf, functionArnOf, functionNameOfArn, type Identity } from './identity.ts';

/** The product bundle, `npm run build`'s output. */
export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('../../dist/handler/index.mjs', import.meta.url));
const CHILD_SCRIPT = fileURLToPath(new URL('./child.mjs', import.meta.url));

/** Lambda's default for this function (docs/behaviour.md §8: answer before the deadline). */
export const DEFAULT_TIMEOUT_MS = 300_000;
/** Lambda's limit on the init phase of an on-demand function. */
const INIT_TIMEOUT_MS = 10_000;
/** After the handler returned, how long the child may take to exit before it is killed. */
const EXIT_GRACE_MS = 2_000;

export interface InvokeOptions {
  /** Default `dist/handler/index.mjs`; tests point it at fixtures. */
  bundlePath?: string;
  /** Default `handler`. */
  handlerExport?: string;
  /** Function timeout; default 300 s. */
  timeoutMs?: number;
  /** Default: the function name in the event's ServiceToken. */
  functionName?: string;
  identity?: Partial<Identity>;
  memoryLimitInMB?: number;
  /** The emulator's URL, given to the function as `AWS_ENDPOINT_URL`. */
  endpointUrl?: string;
  /** Extra environment variables (win over the defaults). */
  env?: Record<string, string>;
  /** Lambda's request id; an asynchronous retry keeps the same one. Default: fresh. */
  awsRequestId?: string;
  /** Called with the child's pid before the event is sent; awaited. */
  onSpawn?: (pid: number) => void | Promise<void>;
  /** Extra Node.js options of the child, e.g. `['--cpu-prof', '--cpu-prof-dir=…']` to profile the function. */
  nodeOptions?: string[];
  /** Streams the child's output as it comes (the result also carries all of it). */
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** How the invocation ended, from Lambda's point of view. */
export type InvocationOutcome = 'returned' | 'threw' | 'timeout' | 'crashed' | 'initError';

export interface ChildExit {
  outcome: InvocationOutcome;
  /** Exit code of the child, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** For `threw` / `initError`: the error; for `crashed`: how. */
  error?: string;
}

export interface Invocation {
  pid: number;
  exit: ChildExit;
  /** The handler's return value (JSON), when it returned. */
  returnValue?: unknown;
  stdout: string;
  stderr: string;
  /** Module initialisation (import of the bundle), ms. */
  initMs: number | null;
  /** From sending the event to the end of the invocation, ms. */
  durationMs: number | null;
  /** CPU (user + system) of the child process during the init phase, and from `ready` to the handler's result, ms. */
  initCpuMs: number | null;
  handlerCpuMs: number | null;
  awsRequestId: string;
}

/** The environment of the function: Lambda's variables, test credentials, the endpoint, the execution role. */
export function lambdaEnvironment(identity: Identity, functionName: string, options: InvokeOptions, logStreamName: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: identity.region,
    AWS_DEFAULT_REGION: identity.region,
    AWS_ACCESS_KEY_ID: 'ASIALOCALDRIVERTEST0',
    AWS_SECRET_ACCESS_KEY: 'local-driver-test-secret-access-key',
    AWS_SESSION_TOKEN: 'local-driver-test-session-token',
    // Never let the host's ~/.aws files or instance metadata leak into the function.
    AWS_CONFIG_FILE: '/nonexistent/aws-config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(options.memoryLimitInMB ?? 256),
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    LAMBDA_TASK_ROOT: dirname(options.bundlePath ?? DEFAULT_BUNDLE_PATH),
    EXECUTION_ROLE_ARN: executionRoleArnOf(identity),
  };
  if (options.endpointUrl !== undefined) env.AWS_ENDPOINT_URL = options.endpointUrl;
  return { ...env, ...options.env };
}

/**
 * The V8 heap limits Lambda's Node.js bootstrap derives from the function's memory size (a tenth
 * for the young generation, half of it per semi-space, the rest for the old generation), so the
 * child collects garbage as it would in a function of that size.
 */
export function lambdaHeapFlags(memoryLimitInMB: number): string[] {
  const newSpace = Math.floor(memoryLimitInMB / 10);
  return [`--max-semi-space-size=${Math.floor(newSpace / 2)}`, `--max-old-space-size=${memoryLimitInMB - newSpace}`];
}

/** Invokes the handler once with `event` in a fresh child process. */
export async function invokeHandler(event: { ServiceToken?: string }, options: InvokeOptions = {}): Promise<Invocation> {
  const identity: Identity = { ...DEFAULT_IDENTITY, ...options.identity };
  const functionName = options.functionName ?? (event.ServiceToken ? functionNameOfArn(event.ServiceToken) : 'multi-region-kms-keys');
  const awsRequestId = options.awsRequestId ?? randomUUID();
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const logStreamName = `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const child = spawn(
    process.execPath,
    [
      ...lambdaHeapFlags(options.memoryLimitInMB ?? 256),
      ...(options.nodeOptions ?? []),
      CHILD_SCRIPT,
      options.bundlePath ?? DEFAULT_BUNDLE_PATH,
      options.handlerExport ?? 'handler',
    ],
    {
      env: lambdaEnvironment(identity, functionName, options, logStreamName),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  // Spawn and IPC failures surface through 'close' (and the checks); never as an unhandled 'error'.
  child.on('error', () => {});
  if (child.pid === undefined) throw new DriverError(`could not start ${process.execPath}`);
  const pid = child.pid;
  const output = collectOutput(child, options.onOutput);
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const messages = messageQueue(child);
  const finish = async (exit: Omit<ChildExit, 'code' | 'signal'>, extra: Partial<Invocation> = {}): Promise<Invocation> => {
    const status = await closed;
    return {
      pid,
      exit: { ...exit, ...status },
      stdout: output.stdout(),
      stderr: output.stderr(),
      initMs: null,
      durationMs: null,
      initCpuMs: null,
      handlerCpuMs: null,
      awsRequestId,
      ...extra,
    };
  };

  try {
    await options.onSpawn?.(pid);
  } catch (error) {
    child.kill('SIGKILL');
    await closed;
    throw new DriverError('onSpawn failed', { cause: error });
  }

  const init = await withTimeout(Promise.race([messages.next(['ready', 'initError']), closed.then(() => null)]), INIT_TIMEOUT_MS);
  if (init === 'timeout') {
    child.kill('SIGKILL');
    return finish({ outcome: 'initError', error: `init phase exceeded ${INIT_TIMEOUT_MS} ms` });
  }
  if (init === null) return finish({ outcome: 'crashed', error: 'the process ended during the init phase' });
  const initMs = typeof init.initMs === 'number' ? init.initMs : null;
  if (init.type === 'initError') return finish({ outcome: 'initError', error: errorText(init.error) }, { initMs });

  const started = Date.now();
  const deadline = started + timeoutMs;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArnOf(identity, functionName),
    memoryLimitInMB: String(options.memoryLimitInMB ?? 256),
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName,
  };
  // The child may already be dead (a crash armed by onSpawn): the callback swallows the send error.
  child.send({ type: 'invoke', event, context, deadline }, () => {});
  const result = await withTimeout(Promise.race([messages.next(['result']), closed.then(() => null)]), timeoutMs);
  const durationMs = Date.now() - started;
  if (result === 'timeout') {
    child.kill('SIGKILL');
    return finish({ outcome: 'timeout', error: `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds` }, { initMs, durationMs });
  }
  if (result === null) {
    const status = await closed;
    return finish({ outcome: 'crashed', error: status.signal ? `killed by ${status.signal}` : `exited with code ${status.code}` }, { initMs, durationMs });
  }
  const exitTimer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
  const initCpuMs = typeof init.cpuUs === 'number' ? init.cpuUs / 1000 : null;
  const handlerCpuMs = initCpuMs !== null && typeof result.cpuUs === 'number' ? result.cpuUs / 1000 - initCpuMs : null;
  const extra = { initMs, durationMs, initCpuMs, handlerCpuMs, returnValue: result.value };
  const invocation =
    result.outcome === 'threw' ? await finish({ outcome: 'threw', error: errorText(result.error) }, extra) : await finish({ outcome: 'returned' }, extra);
  clearTimeout(exitTimer);
  return invocation;
}

interface ChildMessage {
  type: string;
  initMs?: unknown;
  cpuUs?: unknown;
  error?: unknown;
  outcome?: unknown;
  value?: unknown;
}

/** Hands out the child's IPC messages by type, keeping those that arrive before they are awaited. */
function messageQueue(child: ChildProcess): { next(types: string[]): Promise<ChildMessage> } {
  const buffered: ChildMessage[] = [];
  const waiting: { types: string[]; resolve: (m: ChildMessage) => void }[] = [];
  child.on('message', (raw) => {
    if (raw === null || typeof raw !== 'object' || typeof (raw as ChildMessage).type !== 'string') return;
    const message = raw as ChildMessage;
    const index = waiting.findIndex((w) => w.types.includes(message.type));
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
    else buffered.push(message);
  });
  return {
    next(types) {
      const index = buffered.findIndex((m) => types.includes(m.type));
      if (index >= 0) return Promise.resolve(buffered.splice(index, 1)[0]!);
      return new Promise((resolve) => waiting.push({ types, resolve }));
    },
  };
}

function collectOutput(child: ChildProcess, onOutput: InvokeOptions['onOutput']): { stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    out.push(text);
    onOutput?.('stdout', text);
  });
  child.stderr?.setEncoding('utf8').on('data', (text: string) => {
    err.push(text);
    onOutput?.('stderr', text);
  });
  return { stdout: () => out.join(''), stderr: () => err.join('') };
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function errorText(error: unknown): string {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return `${String(name ?? 'Error')}: ${String(message)}`;
  }
  return String(error);
}
