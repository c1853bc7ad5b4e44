/**
 * The keys made or changed by one request (CreateKey, ReplicateKey, UpdatePrimaryRegion), per
 * Region, shared across its reconcile passes. The executor adds to it; the reader reads these keys
 * even when ListKeys does not list them yet, and the executor retries their NotFound /
 * KMSInvalidState answers (docs/behaviour.md §9, KMS catching up).
 */

/** What the reader may ask of the made keys (it never adds). A multi-Region key's members share the id, not the Region. */
export interface MadeKeysView {
  has(region: string, keyId: string): boolean;
  /** The ids of the keys made in `region`, in the order they were made. */
  inRegion(region: string): string[];
}

/** The keys made or changed by one request. */
export class MadeKeys implements MadeKeysView {
  readonly #byRegion = new Map<string, Set<string>>();

  /** Records `keyId` as made or changed in each of `regions`. */
  add(keyId: string, ...regions: string[]): this {
    for (const region of regions) {
      const ids = this.#byRegion.get(region) ?? new Set<string>();
      ids.add(keyId);
      this.#byRegion.set(region, ids);
    }
    return this;
  }

  has(region: string, keyId: string): boolean {
    return this.#byRegion.get(region)?.has(keyId) ?? false;
  }

  inRegion(region: string): string[] {
    return [...(this.#byRegion.get(region) ?? [])];
  }

  /** The Regions where keys were made, sorted. */
  regions(): string[] {
    return [...this.#byRegion.keys()].filter((region) => this.#byRegion.get(region)!.size > 0).sort();
  }

  /** How many key instances (key × Region) were made or changed. */
  get size(): number {
    return [...this.#byRegion.values()].reduce((sum, ids) => sum + ids.size, 0);
  }
}
