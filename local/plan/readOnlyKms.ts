/**
 * A `KmsApi` that can only read. `npm run plan` must never change an account, so it hands the
 * product's reader a KMS that lets through only the read methods (`list*`, `describe*`, `get*`, as
 * in KMS's own read operations: ListKeys, DescribeKey, GetKeyPolicy…) and throws on every other
 * method before any request is sent. An allow-list by name, so a method added to `KmsApi` later
 * (`createGrant`, `listGrants`, …) is blocked or allowed by what it is called, never by omission.
 */
import type { KmsApi, KmsApiFactory } from '../../lib/kmsApi.ts';

/** KMS read operations are named List*, Describe* and Get*; everything else may change something. */
const READ_METHOD = /^(list|describe|get)[A-Z]/;

/** A method of `KmsApi` that was called on the read-only KMS and refused. */
export class MutationRefusedError extends Error {
  readonly method: string;
  constructor(method: string, region: string) {
    super(`read-only: refused to call ${method} in ${region} (the plan never changes KMS)`);
    this.name = 'MutationRefusedError';
    this.method = method;
  }
}

export function isReadMethod(name: string): boolean {
  return READ_METHOD.test(name);
}

/** Wraps one Region's KMS: reads go through, anything else throws `MutationRefusedError`. */
export function readOnlyKms(api: KmsApi): KmsApi {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      if (isReadMethod(name)) return (value as (...args: unknown[]) => unknown).bind(target);
      return () => {
        throw new MutationRefusedError(name, target.region);
      };
    },
  });
}

/** Wraps a factory: every Region's KMS it returns is read-only. */
export function readOnlyKmsFactory(factory: KmsApiFactory): KmsApiFactory {
  const wrapped = new Map<string, KmsApi>();
  return (region) => {
    let api = wrapped.get(region);
    if (api === undefined) {
      api = readOnlyKms(factory(region));
      wrapped.set(region, api);
    }
    return api;
  };
}
