/**
 * One long-lived Lambda-like process for the hostile-input suite: imports the real bundle once
 * (argv[2]) and calls its handler for every `invoke` message, as a warm Lambda container would.
 * Reports each invocation's outcome, and any uncaught exception or unhandled rejection, to the
 * parent over IPC. Run with the Lambda-like environment of the driver.
 */
import { pathToFileURL } from 'node:url';

interface InvokeMessage {
  type: 'invoke';
  id: number;
  event: unknown;
  context: Record<string, unknown>;
  /** Epoch ms at which this invocation's Lambda timeout would strike. */
  deadline: number;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const send = (message: unknown): void => {
  process.send?.(message);
};

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

process.on('uncaughtException', (error) => send({ type: 'unhandled', kind: 'uncaughtException', error: describe(error) }));
process.on('unhandledRejection', (error) => send({ type: 'unhandled', kind: 'unhandledRejection', error: describe(error) }));

const bundle = process.argv[2];
if (bundle === undefined) throw new Error('usage: hostileChild.ts <bundle>');
const handler = ((await import(pathToFileURL(bundle).href)) as { handler: Handler }).handler;
send({ type: 'ready' });

process.on('message', (raw: InvokeMessage) => {
  if (raw?.type !== 'invoke') return;
  const context = { ...raw.context, callbackWaitsForEmptyEventLoop: true, getRemainingTimeInMillis: () => Math.max(0, raw.deadline - Date.now()) };
  handler(raw.event, context).then(
    (value) => send({ type: 'result', id: raw.id, outcome: 'returned', value: value ?? null }),
    (error: unknown) => send({ type: 'result', id: raw.id, outcome: 'threw', error: describe(error) }),
  );
});
