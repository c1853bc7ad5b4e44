/**
 * Errors of the CloudFormation driver. A template the driver cannot resolve is a `TemplateError`
 * naming the template path, the way CloudFormation's own template validation names it
 * (`/Resources/Keys/Properties/Tags`), so a user of `npm start -- --template FILE` knows what to fix.
 */

/** The template is malformed or uses something the driver does not resolve. */
export class TemplateError extends Error {
  /** CloudFormation-style JSON pointer into the template, e.g. `/Resources/Keys/Properties/Region`. */
  readonly path: string;
  constructor(path: string, message: string) {
    super(path ? `[${path}] ${message}` : message);
    this.name = 'TemplateError';
    this.path = path;
  }
}

/** The driver itself could not do its job (bad options, the child could not start, …). */
export class DriverError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DriverError';
  }
}
