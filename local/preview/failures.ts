/**
 * What a user sees when the preview cannot run: one message saying what to fix, never a stack
 * trace (`DEBUG=1` adds it, for whoever works on the preview itself).
 */
import { TemplateError } from '../driver/index.ts';
import { UsageError } from './args.ts';

export function failureMessage(error: unknown): string {
  const debug = process.env.DEBUG === '1' && error instanceof Error && error.stack ? `\n${error.stack}` : '';
  if (error instanceof UsageError) return `${error.message}\nRun npm start -- --help for the options.`;
  if (error instanceof TemplateError) return `Template error: ${error.message}${debug}`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') return `Cannot read ${(error as NodeJS.ErrnoException).path ?? 'the file'}: ${code}${debug}`;
  const message = error instanceof Error ? error.message : String(error);
  return `The preview stopped: ${message}${debug || '\n(DEBUG=1 npm start -- … prints where.)'}`;
}
