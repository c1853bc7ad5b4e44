/**
 * Errors of the CloudFormation driver. A template the driver cannot resolve is a `TemplateError`
 * naming the template path, the way CloudFormation's own template validation names it
 * (`/Resources/Keys/Properties/Tags`), so a user of `npm start -- --template FILE` knows what to fix.
 */

/** Where in which file a template problem is. */
export interface TemplateLocation {
  file?: string;
  /** 1-based. */
  line?: number;
}

/** The template is malformed or uses something the driver does not resolve. */
export class TemplateError extends Error {
  /** CloudFormation-style JSON pointer into the template, e.g. `/Resources/Keys/Properties/Region`. */
  readonly path: string;
  /** The problem without path and location. */
  readonly problem: string;
  readonly location: TemplateLocation;
  constructor(path: string, message: string, location: TemplateLocation = {}) {
    const where = [location.file, location.line].filter((part) => part !== undefined).join(':');
    super(`${where ? `${where}: ` : ''}${path ? `[${path}] ` : ''}${message}`);
    this.name = 'TemplateError';
    this.path = path;
    this.problem = message;
    this.location = location;
  }

  /** The same problem, located (`file`, and `line` unless already known). */
  at(location: TemplateLocation): TemplateError {
    const file = location.file ?? this.location.file;
    const line = this.location.line ?? location.line;
    return new TemplateError(this.path, this.problem, { ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) });
  }
}

/** The driver itself could not do its job (bad options, the child could not start, …). */
export class DriverError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DriverError';
  }
}
