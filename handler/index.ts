/** Lambda entry point (placeholder until the handler issue lands). */
import middy from '@middy/core';

export const handler = middy().handler(async () => ({ ok: true }));
