/**
 * HTTP and protocol: KMS JSON 1.1 at `POST /` (`X-Amz-Target: TrentService.<Op>`), the Resource
 * Groups Tagging API's GetResources there too (`ResourceGroupsTaggingAPI_20170126.GetResources`), the Account
 * API's REST-JSON `POST /listRegions`, CloudFormation's `DescribeStackEvents` (AWS Query: a
 * form-encoded `POST /`, `cloudFormation.ts`), and the control API under `/__emulator/`. The Region of a
 * request comes from its SigV4 credential scope; signatures are not verified.
 *
 * Per KMS/Account request: count it, wait the injected latency, roll the fault dice (500 without
 * effect, or a dropped connection after the effect), refuse disabled Regions, authorise it (field
 * realism: identity policy, key policy, SCP), take quota tokens, run the operation, then honour an
 * armed crash point. The Account API is never authorised.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listRegions } from './account.ts';
import { authorise } from './authorisation.ts';
import { checksFor } from './authorisationRules.ts';
import { describeStackEvents, queryErrorBody } from './cloudFormation.ts';
import { handleControl } from './control.ts';
import type { Emulator } from './emulator.ts';
import { faults, KmsFault } from './errors.ts';
import { decideFault, latencyFor } from './faults.ts';
import { OPERATIONS } from './operations/index.ts';
import { chargesFor } from './quotas.ts';
import { authorisationOn } from './realism.ts';
import { SECRETS_TARGET_PREFIX, secretsOperation } from './secrets.ts';
import { getResources, TAGGING_TARGET_PREFIX, taggingThrottled } from './tagIndex.ts';
import type { Input } from './validate.ts';

const JSON_11 = 'application/x-amz-json-1.1';

/** `Credential=AKID/20260101/us-east-1/kms/aws4_request` → `us-east-1`. */
export function regionOfRequest(authorization: string | undefined): string | null {
  if (!authorization) return null;
  return /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/[^/]+\/aws4_request/.exec(authorization)?.[1] ?? null;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(body);
}

/** awsJson1_1 errors: the SDK reads the code from `__type` and the message from `message`. */
function sendKmsError(res: ServerResponse, fault: KmsFault): void {
  send(res, fault.status, JSON_11, JSON.stringify({ __type: fault.code, message: fault.message }));
}

/** restJson1 errors: the SDK reads the code from the `x-amzn-ErrorType` header. */
function sendAccountError(res: ServerResponse, fault: KmsFault): void {
  const code = fault.code === 'KMSInternalException' ? 'InternalServerException' : fault.code;
  send(res, fault.status, 'application/json', JSON.stringify({ message: fault.message }), { 'x-amzn-errortype': code });
}

function parseJson(body: Buffer): Input {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw faults.serialization('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw faults.serialization('The request body must be a JSON object.');
  return parsed as Input;
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The shared front half of KMS and Account requests: count, latency, fault dice. */
async function admit(emulator: Emulator, region: string, operation: string): Promise<'none' | 'error5xx' | 'drop'> {
  emulator.state.count(region, operation);
  await sleep(latencyFor(emulator.state.config, emulator.random));
  const decision = decideFault(emulator.state.config, emulator.random);
  if (decision !== 'none') emulator.state.counts.injectedFaults += 1;
  return decision;
}

/** The key and alias a mutating call names, for the call log (`GET /__emulator/calls`). */
function subjectOf(input: Input, output: Record<string, unknown> | undefined): { keyId: string | null; aliasName: string | null } {
  const made = (output?.KeyMetadata as { KeyId?: unknown } | undefined)?.KeyId;
  const named = [input.KeyId, input.TargetKeyId, made].find((value): value is string => typeof value === 'string');
  const keyId = named === undefined ? null : named.startsWith('arn:') ? named.slice(named.indexOf(':key/') + 5) : named;
  return { keyId, aliasName: typeof input.AliasName === 'string' ? input.AliasName : null };
}

/** After a successful mutating call: count it and fire an armed crash point. True = do not answer. */
function afterMutation(emulator: Emulator): boolean {
  const { state } = emulator;
  state.counts.mutations += 1;
  if (state.crash === null) return false;
  state.crash.remaining -= 1;
  if (state.crash.remaining > 0) return false;
  const { pid } = state.crash;
  state.crash = null;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: the crash point still swallows the answer, as the caller would never read it.
  }
  return true;
}

/** The Tagging API's one operation: GetResources, authorised as `tag:GetResources` on `*`, with its own quota. */
async function taggingOperation(emulator: Emulator, region: string, operation: string, input: Input): Promise<Record<string, unknown>> {
  const { state } = emulator;
  if (operation !== 'GetResources') throw new KmsFault('UnknownOperationException', `Unknown operation ${TAGGING_TARGET_PREFIX}${operation}`);
  if (authorisationOn(state.config)) await authorise(state, [{ action: 'tag:GetResources', region, resource: '*', keyPolicy: null, context: {} }]);
  if (!emulator.buckets.tryTake([{ region, quota: 'GetResources', tokens: 1 }], Date.now())) {
    state.counts.throttled += 1;
    state.counts.throttledByOperation[operation] = (state.counts.throttledByOperation[operation] ?? 0) + 1;
    throw taggingThrottled();
  }
  return getResources(state, region, input);
}

async function handleKms(emulator: Emulator, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const tagging = target.startsWith(TAGGING_TARGET_PREFIX);
  const secrets = target.startsWith(SECRETS_TARGET_PREFIX);
  const operation = tagging
    ? target.slice(TAGGING_TARGET_PREFIX.length)
    : secrets
      ? target.slice(SECRETS_TARGET_PREFIX.length)
      : target.startsWith('TrentService.')
        ? target.slice('TrentService.'.length)
        : target;
  const region = regionOfRequest(req.headers.authorization);
  const decision = await admit(emulator, region ?? 'unknown', operation);
  if (decision === 'error5xx') return sendKmsError(res, faults.internal());
  const { state } = emulator;
  let output: Record<string, unknown> | undefined;
  let mutated = false;
  let input: Input = {};
  try {
    if (region === null) throw new KmsFault('MissingAuthenticationTokenException', 'Missing Authentication Token');
    if (!state.isEnabled(region)) throw new KmsFault('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (tagging) {
      output = await taggingOperation(emulator, region, operation, parseJson(body));
    } else if (secrets) {
      output = secretsOperation(state, region, operation, parseJson(body));
    } else {
      const spec = target.startsWith('TrentService.') ? OPERATIONS[operation] : undefined;
      if (!spec) throw new KmsFault('UnknownOperationException', `Unknown operation ${target}`);
      input = parseJson(body);
      // Authorised before quota is taken (a guess: KMS does not say whether denied calls count).
      if (authorisationOn(state.config)) await authorise(state, checksFor({ state, region, operation, input }));
      const other = operation === 'UpdatePrimaryRegion' ? input.PrimaryRegion : input.ReplicaRegion;
      const otherRegion = typeof other === 'string' && state.isEnabled(other) ? other : undefined;
      if (!emulator.buckets.tryTake(chargesFor(operation, spec.quota, region, otherRegion), Date.now())) {
        state.counts.throttled += 1;
        state.counts.throttledByOperation[operation] = (state.counts.throttledByOperation[operation] ?? 0) + 1;
        throw faults.throttling();
      }
      output = spec.handler({ state, region, input, operation, keyStates: spec.keyStates });
      mutated = spec.mutating;
    }
  } catch (error) {
    if (!(error instanceof KmsFault)) throw error;
    if (decision === 'drop') return void req.socket.destroy();
    return sendKmsError(res, error);
  }
  if (mutated) state.logCall({ region: region ?? 'unknown', operation, ...subjectOf(input, output) });
  if (mutated && afterMutation(emulator)) return;
  if (decision === 'drop') return void req.socket.destroy();
  send(res, 200, JSON_11, output === undefined ? '' : JSON.stringify(output));
}

async function handleAccount(emulator: Emulator, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const decision = await admit(emulator, regionOfRequest(req.headers.authorization) ?? 'unknown', 'ListRegions');
  if (decision === 'error5xx') return sendAccountError(res, faults.internal());
  let output: Record<string, unknown>;
  try {
    output = listRegions(emulator.state, parseJson(body));
  } catch (error) {
    if (!(error instanceof KmsFault)) throw error;
    if (decision === 'drop') return void req.socket.destroy();
    return sendAccountError(res, error);
  }
  if (decision === 'drop') return void req.socket.destroy();
  send(res, 200, 'application/json', JSON.stringify(output));
}

/** CloudFormation (AWS Query): `Action=DescribeStackEvents`; counted, latency and faults like the others. */
async function handleCloudFormation(emulator: Emulator, req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
  const params = new URLSearchParams(body.toString('utf8'));
  const action = params.get('Action') ?? '';
  const region = regionOfRequest(req.headers.authorization);
  const decision = await admit(emulator, region ?? 'unknown', action);
  const fail = (fault: KmsFault) => {
    const { status, body: xml } = queryErrorBody(fault);
    send(res, status, 'text/xml', xml);
  };
  if (decision === 'error5xx') return fail(faults.internal());
  let xml: string;
  try {
    if (region === null) throw new KmsFault('MissingAuthenticationToken', 'Missing Authentication Token', 403);
    if (!emulator.state.isEnabled(region)) throw new KmsFault('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);
    if (action !== 'DescribeStackEvents') throw new KmsFault('InvalidAction', `Could not find operation ${action} for version 2010-05-15`);
    xml = await describeStackEvents(emulator.state, region, params);
  } catch (error) {
    if (!(error instanceof KmsFault)) throw error;
    if (decision === 'drop') return void req.socket.destroy();
    return fail(error);
  }
  if (decision === 'drop') return void req.socket.destroy();
  send(res, 200, 'text/xml', xml);
}

/** The request listener of the emulator's HTTP server. */
export function requestListener(emulator: Emulator): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? '/').split('?')[0]!;
      if (path.startsWith('/__emulator/')) {
        let parsed: Input = {};
        try {
          parsed = parseJson(body);
        } catch {
          return send(res, 400, 'application/json', JSON.stringify({ error: 'body must be a JSON object' }));
        }
        const answer = handleControl(emulator, req.method ?? 'GET', path, parsed);
        return send(res, answer.status, 'application/json', JSON.stringify(answer.body));
      }
      if (req.method === 'POST' && path === '/listRegions') return handleAccount(emulator, req, res, body);
      const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      if (req.method === 'POST' && path === '/' && form) return handleCloudFormation(emulator, req, res, body);
      if (req.method === 'POST' && path === '/') return handleKms(emulator, req, res, body);
      return send(res, 404, 'application/json', JSON.stringify({ message: `Not found: ${req.method} ${path}` }));
    })().catch((error: unknown) => {
      // A bug in the emulator, not an injected fault: answer 500 and say what broke.
      console.error('emulator: unexpected error', error);
      if (!res.headersSent) sendKmsError(res, new KmsFault('KMSInternalException', `Emulator bug: ${String(error)}`, 500));
    });
  };
}
