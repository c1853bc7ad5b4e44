/**
 * Reads a CloudFormation/SAM template (YAML or JSON) into plain data, with every short-form tag
 * (`!Ref`, `!Sub`, `!GetAtt`, …) rewritten to its long form (`{ Ref: … }`, `{ 'Fn::Sub': … }`), the
 * shape of a JSON template. Scalars become strings here, as CloudFormation hands every scalar of a
 * custom resource to the function as a string: a number keeps the text written in the template
 * (`30` → `"30"`, `1.0` → `"1.0"`), a boolean becomes `"true"`/`"false"`. `null` is kept as `null`
 * so that resolution can refuse it with CloudFormation's own message when it reaches a resource.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, visit } from 'yaml';
import { TemplateError } from './errors.ts';

/** A template value after parsing: JSON-shaped, every scalar a string. */
export type TemplateValue = string | null | TemplateValue[] | { [key: string]: TemplateValue };
/** A JSON object of the template. */
export type TemplateMap = { [key: string]: TemplateValue };

/** Short-form tag → long-form key. Everything CloudFormation defines, resolvable or not. */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Sub': 'Fn::Sub',
  '!GetAtt': 'Fn::GetAtt',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!If': 'Fn::If',
  '!Equals': 'Fn::Equals',
  '!And': 'Fn::And',
  '!Or': 'Fn::Or',
  '!Not': 'Fn::Not',
  '!FindInMap': 'Fn::FindInMap',
  '!Base64': 'Fn::Base64',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Cidr': 'Fn::Cidr',
  '!Transform': 'Fn::Transform',
  '!ToJsonString': 'Fn::ToJsonString',
  '!Length': 'Fn::Length',
};

/**
 * Parses template text (YAML or JSON). Throws `TemplateError` on syntax errors (with the line of the
 * first, and the key for a duplicate key) and unknown tags.
 */
export function parseTemplateText(text: string): TemplateMap {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const [start, end] = first.pos;
    const line = lineAt(text, start);
    const problem =
      first.code === 'DUPLICATE_KEY'
        ? `the key ${JSON.stringify(keyAt(doc, start) ?? text.slice(start, end))} is given twice in the same map (YAML map keys must be unique)`
        : `not valid YAML/JSON: ${first.message}`;
    const more = doc.errors.length > 1 ? ` (and ${doc.errors.length - 1} more problem(s) after it)` : '';
    throw new TemplateError('', `${problem}${more}`, { line });
  }
  const root = toValue(doc.contents as Node | null, doc, '');
  if (root === null || typeof root !== 'object' || Array.isArray(root)) {
    throw new TemplateError('', 'a template must be a map (with a Resources section)');
  }
  return root;
}

function toValue(node: Node | null, doc: Document, path: string): TemplateValue {
  if (node === null) return null;
  if (isAlias(node)) return toValue((node.resolve(doc) as Node | undefined) ?? null, doc, path);
  const plain = toPlain(node, doc, path);
  const tag = node.tag;
  if (tag === undefined || tag.startsWith('tag:yaml.org,2002:')) return plain;
  const longForm = SHORT_FORMS[tag];
  if (longForm === undefined) throw new TemplateError(path, `unknown tag ${tag}`);
  if (longForm === 'Fn::GetAtt' && typeof plain === 'string') return { [longForm]: splitGetAtt(plain, path) };
  return { [longForm]: plain };
}

function toPlain(node: Node, doc: Document, path: string): TemplateValue {
  if (isScalar(node)) return scalarText(node.value, node.source);
  if (isSeq(node)) return node.items.map((item, i) => toValue(item as Node | null, doc, `${path}/${i}`));
  if (isMap(node)) {
    const out: TemplateMap = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyNode !== null && isScalar(keyNode) ? scalarText(keyNode.value, keyNode.source) : null;
      if (typeof key !== 'string') throw new TemplateError(path, 'map keys must be plain scalars');
      out[key] = toValue(pair.value as Node | null, doc, `${path}/${key}`);
    }
    return out;
  }
  throw new TemplateError(path, 'unsupported YAML node');
}

/** A scalar as CloudFormation passes it on: strings as written, numbers as written, booleans lower-case. */
function scalarText(value: unknown, source: string | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return source ?? String(value);
  return String(value);
}

/** The text of the map key that starts at `offset` (the parser's errors point at its first character). */
function keyAt(doc: Document, offset: number): string | undefined {
  let found: string | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (key !== null && isScalar(key) && key.range?.[0] === offset) {
        found = String(key.value);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of the deepest node of `text` on the JSON pointer `path` (`/Resources/Keys/Properties/Tags`);
 * segments that are not in the text (an intrinsic function's long form) are skipped. Undefined when
 * the text does not parse or not even the first segment is found.
 */
export function lineOfPath(text: string, path: string): number | undefined {
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  let node: unknown = doc.contents;
  let found: number | undefined;
  for (const segment of path.split('/').filter((s) => s !== '')) {
    let next: unknown;
    let at: number | undefined;
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      next = pair?.value;
      at = pair !== undefined && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      next = node.items[Number(segment)];
      at = (next as Node | undefined)?.range?.[0];
    }
    if (at === undefined) break;
    found = lineAt(text, at);
    node = next;
  }
  return found;
}

/** `!GetAtt Keys.KeyArns.us-east-1.cmk`: the logical ID ends at the first dot; the attribute may hold dots. */
export function splitGetAtt(text: string, path: string): TemplateValue[] {
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) throw new TemplateError(path, `Fn::GetAtt expects LogicalId.Attribute, got "${text}"`);
  return [text.slice(0, dot), text.slice(dot + 1)];
}
