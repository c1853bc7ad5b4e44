/**
 * How long a grant is looked for while KMS catches up (docs/behaviour.md §12). KMS: after CreateGrant
 * "there might be a brief delay, usually less than five minutes, until the grant is available
 * throughout KMS" (CreateGrant and RevokeGrant API references, "eventual consistency"): ListGrants may
 * not list it yet and RevokeGrant may answer NotFoundException or AccessDeniedException. The reader
 * (a grant the previous properties named, not listed yet) and the executor (RevokeGrant of a listed
 * grant) wait this long at most, and never past the request's deadline.
 */
export const GRANT_VISIBILITY_WINDOW_MS = 5 * 60_000;

/** Backoff of those looks: 1 s plus full jitter up to 15 s (ListGrants' quota, 100/s, is shared with every key). */
export const GRANT_LOOKUP_BACKOFF = { baseMs: 1_000, capMs: 15_000 } as const;
