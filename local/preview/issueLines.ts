/**
 * Where in the template a property problem is: the product's validation names property paths
 * (`CustomerMasterKeys.cmk-prod.CmkUserIamArns[0].Name`, always PascalCase); the preview turns each into
 * the line of the template that holds it, in either spelling, so a failed answer reads like a
 * compiler's errors (`my-keys.yaml:14: CustomerMasterKeys.cmk-prod.DeletionWindowInDays: …`).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { snakeCaseOf } from '../../lib/properties/synonyms.ts';

/** The path's segments: names and list indexes. */
function segmentsOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? m[1]! : Number(m[2])));
}

/**
 * The 1-based line of the deepest part of `issuePath` found under `/Resources/<logicalId>/Properties`
 * of `text`; undefined when not even the resource's Properties are found.
 */
export function lineOfProperty(text: string, logicalId: string, issuePath: string): number | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false, lineCounter: lines });
  let node: unknown = doc.contents;
  let line: number | undefined;
  const segments: (string | number)[] = ['Resources', logicalId, 'Properties', ...segmentsOf(issuePath)];
  for (const [i, segment] of segments.entries()) {
    let next: unknown;
    let offset: number | undefined;
    if (typeof segment === 'number' && isSeq(node)) {
      next = node.items[segment];
      offset = (next as { range?: [number] } | undefined)?.range?.[0];
    } else if (typeof segment === 'string' && isMap(node)) {
      const names = new Set([segment, snakeCaseOf(segment)]);
      const pair = node.items.find((item) => isScalar(item.key) && names.has(String(item.key.value)));
      next = pair?.value;
      offset = pair !== undefined && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    }
    if (offset === undefined) break;
    if (i >= 2) line = lines.linePos(offset).line;
    node = next;
  }
  return line;
}
