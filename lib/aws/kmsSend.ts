/**
 * One way to send a KMS request over `@aws-sdk/client-kms`, for `kms.ts` and `kmsGrants.ts`: the
 * command class is looked up by the operation's name (`ListKeys` → `ListKeysCommand`), so each method
 * of `KmsApi` is one line of input and output mapping. Every SDK exception becomes a `KmsError`
 * naming the Region and the operation; listings fetch every page.
 */
import * as sdk from '@aws-sdk/client-kms';
import type { KmsOperation as QuotaOperation } from '../kmsApi.ts';
import { type ListOptions, sendPage } from '../kmsApi.ts';
import { toKmsError } from './translateError.ts';

/**
 * The KMS operations the product sends: every operation of the quota table (lib/kmsApi.ts) but
 * the Tagging API's, and DescribeCustomKeyStores, which is not paced (one request per store a plan
 * names, request/keyStoreCheck.ts). Their input and output types come from the SDK's command classes
 * (`ListKeys` → `ListKeysCommand`): an operation without a command does not compile.
 */
export type KmsOperation = Exclude<QuotaOperation, 'GetResources'> | 'DescribeCustomKeyStores';
type CommandClass<A extends KmsOperation> = (typeof sdk)[`${A}Command`];
type Input<A extends KmsOperation> = InstanceType<CommandClass<A>>['input'];
/** The SDK's request type of `A`. */
export type KmsInput<A extends KmsOperation> = Input<A>;
type Output<A extends KmsOperation> = Awaited<ReturnType<ReturnType<InstanceType<CommandClass<A>>['resolveMiddleware']>>>['output'];
/** The operations that answer a page at a time (`Marker` in, `Truncated`/`NextMarker` out). */
type Paged = { [A in KmsOperation]: Output<A> extends { NextMarker?: string } ? A : never }[KmsOperation];

type Command = Parameters<sdk.KMSClient['send']>[0];
const COMMANDS = sdk as unknown as Record<`${KmsOperation}Command`, new (input: object) => Command>;

export interface KmsSender {
  /** Sends `action`; rejects with a `KmsError`. */
  send<A extends KmsOperation>(action: A, input: Input<A>): Promise<Output<A>>;
  /** Sends `action` whose answer carries nothing the product reads. */
  run<A extends KmsOperation>(action: A, input: Input<A>): Promise<void>;
  /** Every page of `action`, each sent through `options.page`; `items` picks one page's entries. */
  list<A extends Paged, T>(action: A, input: Omit<Input<A>, 'Marker'>, options: ListOptions | undefined, items: (out: Output<A>) => T[]): Promise<T[]>;
}

/** The sender of `client`'s Region. */
export function kmsSender(client: sdk.KMSClient, region: string): KmsSender {
  const send = async <A extends KmsOperation>(action: A, input: Input<A>): Promise<Output<A>> => {
    try {
      return (await client.send(new COMMANDS[`${action}Command`](input))) as Output<A>;
    } catch (error) {
      throw toKmsError(error, { region, action });
    }
  };
  return {
    send,
    run: async (action, input) => {
      await send(action, input);
    },
    list: async (action, input, options, items) => {
      const all = [];
      const page = options?.page ?? sendPage;
      let marker: string | undefined;
      do {
        const out = await page(() => send(action, { ...input, Marker: marker } as Input<typeof action>));
        all.push(...items(out));
        marker = out.Truncated ? out.NextMarker : undefined;
      } while (marker !== undefined);
      return all;
    },
  };
}
