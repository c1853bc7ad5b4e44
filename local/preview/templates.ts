/**
 * The preview's templates: read (errors name the file, the line and the key), resolved as
 * CloudFormation would with `--param` and `--import` values, the ServiceToken replaced by a local
 * stand-in when it cannot be resolved (the bundle is invoked directly), `!GetAtt FunctionRole.Arn`
 * being the function's own execution role.
 */
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_IDENTITY,
  executionRoleArnOf,
  locateTemplateError,
  parseTemplate,
  type ResolvedResource,
  resolveResource,
  TemplateError,
} from '../driver/index.ts';
import type { TemplateMap } from '../driver/yamlTemplate.ts';
import type { PreviewOptions } from './args.ts';

/** One template file, parsed. */
export interface TemplateVersion {
  file: string;
  text: string;
  template: TemplateMap;
}

/** Reads and parses `file`. @throws TemplateError with file and line */
export async function readTemplate(file: string): Promise<TemplateVersion> {
  const text = await readFile(file, 'utf8');
  return { file, text, template: located(file, text, () => parseTemplate(text)) };
}

/** Resolves the resource `logicalId` (or the template's only one). @throws TemplateError with file and line */
export function resolveTemplate(version: TemplateVersion, options: Pick<PreviewOptions, 'parameters' | 'imports'>, logicalId?: string): ResolvedResource {
  // In AWS the sample's `!GetAtt FunctionRole.Arn` is the function's own role, EXECUTION_ROLE_ARN.
  const executionRoleArn = executionRoleArnOf(DEFAULT_IDENTITY);
  return located(version.file, version.text, () =>
    resolveResource(version.template, {
      logicalId,
      parameters: options.parameters,
      imports: options.imports,
      localServiceToken: true,
      resources: { FunctionRole: { ref: executionRoleArn.split('/').pop()!, attributes: { Arn: executionRoleArn } } },
    }),
  );
}

function located<T>(file: string, text: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw error instanceof TemplateError ? locateTemplateError(error, file, text) : error;
  }
}

/** Every IAM user/role ARN in the properties: in the preview they exist (in AWS they must). */
export function principalsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const m of value.matchAll(/arn:aws[a-z-]*:iam::\d{12}:(?:user|role)\/[\w+=,.@/-]+/g)) found.add(m[0]);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) principalsIn(v, found);
  }
  return found;
}
