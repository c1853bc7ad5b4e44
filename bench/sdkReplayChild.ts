/**
 * The SDK replay itself (bench/sdkReplay.ts runs it in a fresh process against its canned server):
 * `node bench/sdkReplayChild.ts <endpoint> <inFlightPerRegion>` reads from stdin
 * `[{ region, target, body }, …]` (the requests a function sent, in the order it sent them) and
 * sends every one of them with the bare SDK: one client per Region (`KMSClient`, and an
 * `AccountClient`, a `ResourceGroupsTaggingAPIClient` and a `CloudFormationClient` where the set holds Account API, tag
 * index or request verification requests) with the SDK's defaults except
 * `maxAttempts: 1` and static credentials — the SDK floor's client configuration — and the input
 * parsed from the recorded body (`TrentService.CreateKey` → `new CreateKeyCommand(JSON.parse(body))`).
 * Per Region, in recorded order, `inFlightPerRegion` requests in flight; all Regions at once. Prints
 * `{ cpuMs, requests, answered, byTarget, errors }`: the process's CPU (user + system) from after
 * the clients' creation to the last answer, module import and reading stdin excluded.
 */
import { AccountClient, ListRegionsCommand } from '@aws-sdk/client-account';
import { CloudFormationClient, DescribeStackEventsCommand, type DescribeStackEventsCommandInput } from '@aws-sdk/client-cloudformation';
import * as kms from '@aws-sdk/client-kms';
import { GetResourcesCommand, type GetResourcesCommandInput, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';

interface ReplayRequest {
  region: string;
  target: string;
  body: string;
}

const [endpoint, inFlightArgument = '8'] = process.argv.slice(2);
if (endpoint === undefined) throw new Error('usage: sdkReplayChild.ts <endpoint> <inFlightPerRegion> < requests.json');
const inFlight = Number(inFlightArgument);

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const requests = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReplayRequest[];

const credentials = { accessKeyId: 'AKIDREPLAY', secretAccessKey: 'replay-secret' };
/** The one Resource Groups Tagging API operation the function sends (its tag index). */
const TAG_INDEX_TARGET = 'ResourceGroupsTaggingAPI_20170126.GetResources';
type Send = (input: Record<string, unknown>) => Promise<unknown>;
/** CloudFormation's query protocol: a form body posted to `/` (the request verification's DescribeStackEvents). */
const isCloudFormationQuery = (target: string, body: string): boolean => target === '/' && body.startsWith('Action=');
type Client = kms.KMSClient | AccountClient | ResourceGroupsTaggingAPIClient | CloudFormationClient;
type CommandClass = new (input: Record<string, unknown>) => Parameters<kms.KMSClient['send']>[0];

/** How each target is sent: the KMS operation's command on the Region's KMSClient, or ListRegions. */
function senderOf(target: string, body: string, region: string, clients: Map<string, Client>): Send {
  if (isCloudFormationQuery(target, body)) {
    const action = new URLSearchParams(body).get('Action');
    if (action !== 'DescribeStackEvents') throw new Error(`no SDK command for CloudFormation ${action}`);
    const key = `cloudformation ${region}`;
    if (!clients.has(key)) clients.set(key, new CloudFormationClient({ region, endpoint, maxAttempts: 1, credentials }));
    const client = clients.get(key) as CloudFormationClient;
    return (input) => client.send(new DescribeStackEventsCommand(input as unknown as DescribeStackEventsCommandInput));
  }
  if (target === '/listRegions') {
    const key = `account ${region}`;
    if (!clients.has(key)) clients.set(key, new AccountClient({ region, endpoint, maxAttempts: 1, credentials }));
    const client = clients.get(key) as AccountClient;
    return (input) => client.send(new ListRegionsCommand(input));
  }
  if (target === TAG_INDEX_TARGET) {
    const key = `tagging ${region}`;
    if (!clients.has(key)) clients.set(key, new ResourceGroupsTaggingAPIClient({ region, endpoint, maxAttempts: 1, credentials }));
    const client = clients.get(key) as ResourceGroupsTaggingAPIClient;
    return (input) => client.send(new GetResourcesCommand(input as GetResourcesCommandInput));
  }
  const operation = /^TrentService\.(\w+)$/.exec(target)?.[1];
  const Command = (kms as unknown as Record<string, CommandClass | undefined>)[`${operation}Command`];
  if (operation === undefined || Command === undefined) throw new Error(`no SDK command for ${target}`);
  if (!clients.has(region)) clients.set(region, new kms.KMSClient({ region, endpoint, maxAttempts: 1, credentials }));
  const client = clients.get(region) as kms.KMSClient;
  return (input) => client.send(new Command(input));
}

// Clients first (and the recorded bodies parsed: that is the bench's reading, not the SDK's work).
const clients = new Map<string, Client>();
const senders = new Map<string, Send>();
const lanes = new Map<string, { send: Send; target: string; input: Record<string, unknown> }[]>();
for (const { region, target, body } of requests) {
  const key = `${region} ${target}`;
  if (!senders.has(key)) senders.set(key, senderOf(target, body, region, clients));
  const lane = lanes.get(region) ?? [];
  lane.push({ send: senders.get(key)!, target, input: inputOf(target, body) });
  lanes.set(region, lane);
}

/** The command input a recorded body was made from: JSON, or CloudFormation's form fields (Action and Version are the SDK's own). */
function inputOf(target: string, body: string): Record<string, unknown> {
  if (body === '') return {};
  if (!isCloudFormationQuery(target, body)) return JSON.parse(body) as Record<string, unknown>;
  const fields = Object.fromEntries(new URLSearchParams(body));
  const { Action: _action, Version: _version, ...input } = fields;
  return input;
}

const byTarget: Record<string, number> = {};
const errors: Record<string, number> = {};
let answered = 0;

async function lane(queue: { send: Send; target: string; input: Record<string, unknown> }[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < queue.length) {
      const request = queue[next++]!;
      byTarget[request.target] = (byTarget[request.target] ?? 0) + 1;
      try {
        await request.send(request.input);
      } catch (error) {
        // Recorded error answers (a throttled attempt, a NotFoundException) are replayed as such.
        const name = error instanceof Error ? error.name : 'unknown';
        errors[name] = (errors[name] ?? 0) + 1;
      }
      answered += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, queue.length) }, worker));
}

const before = process.cpuUsage();
await Promise.all([...lanes.values()].map(lane));
const used = process.cpuUsage(before);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, requests: requests.length, answered, byTarget, errors }));
for (const client of clients.values()) client.destroy();
