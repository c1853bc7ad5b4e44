/**
 * Which attributes of the custom resource a template reads: every `Fn::GetAtt <resource>.<attribute>`
 * (both forms) and every `${<resource>.<attribute>}` of an `Fn::Sub`, in `Resources` (other than the
 * resource itself) and `Outputs`. CloudFormation fails a stack that reads an attribute the answer
 * does not carry; the preview checks each read against the answer (docs/behaviour.md §13).
 */
import type { TemplateMap, TemplateValue } from '../driver/yamlTemplate.ts';

/** One attribute the template reads, and where (the first place, as a template path). */
export interface AttributeRead {
  attribute: string;
  path: string;
}

/** The attributes of `logicalId` that `template` reads, each once, sorted by name. */
export function attributeReadsOf(template: TemplateMap, logicalId: string): AttributeRead[] {
  const found = new Map<string, string>();
  const visit = (value: TemplateValue | undefined, path: string): void => {
    if (value === null || value === undefined || typeof value === 'string') return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        visit(item, `${path}/${i}`);
      });
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      const here = `${path}/${key}`;
      if (key === 'Fn::GetAtt') readGetAtt(inner, logicalId, here, found);
      if (key === 'Fn::Sub') readSub(inner, logicalId, here, found);
      visit(inner, here);
    }
  };
  for (const section of ['Resources', 'Outputs'] as const) {
    const entries = template[section];
    if (entries === null || entries === undefined || typeof entries !== 'object' || Array.isArray(entries)) continue;
    for (const [name, entry] of Object.entries(entries)) {
      if (section === 'Resources' && name === logicalId) continue;
      visit(entry, `/${section}/${name}`);
    }
  }
  return [...found.entries()].map(([attribute, path]) => ({ attribute, path })).sort((a, b) => (a.attribute < b.attribute ? -1 : 1));
}

function remember(found: Map<string, string>, attribute: string, path: string): void {
  if (!found.has(attribute)) found.set(attribute, path);
}

function readGetAtt(arg: TemplateValue, logicalId: string, path: string, found: Map<string, string>): void {
  if (!Array.isArray(arg) || arg.length !== 2) return;
  const [resource, attribute] = arg;
  if (resource === logicalId && typeof attribute === 'string') remember(found, attribute, path);
}

function readSub(arg: TemplateValue, logicalId: string, path: string, found: Map<string, string>): void {
  const text = Array.isArray(arg) ? arg[0] : arg;
  if (typeof text !== 'string') return;
  for (const match of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
    const name = match[1]!.trim();
    if (name.startsWith(`${logicalId}.`)) remember(found, name.slice(logicalId.length + 1), path);
  }
}
