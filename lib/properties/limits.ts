/** Bounds KMS puts on a key's numbers, description and alias names (read by `key.ts`, `aliases.ts`, `index.ts`). */
import { DELETION_WINDOW_IN_DAYS } from '../constants.ts';

/** Bounds KMS puts on a key's numbers and description. */
export const LIMITS = {
  deletionWindowInDays: DELETION_WINDOW_IN_DAYS,
  rotationPeriodInDays: { min: 90, max: 2560 },
  descriptionLength: 8192,
  aliasLength: 256,
} as const;
