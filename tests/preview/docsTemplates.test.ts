/**
 * Every template a reader can copy — the yaml blocks of README.md and docs/*.md, and the files of
 * examples/ — previews as it stands: resolved as `npm start` resolves it (an unresolvable
 * ServiceToken stand-in, `!ImportValue`), then Create and Delete through the driver, the bundle
 * and the emulator, each answer SUCCESS and carrying every attribute the template reads. A block
 * that holds a bare resource (`Keys: {Type: Custom::MultiRegionKmsKeys, Properties: …}`) is
 * previewed inside a `Resources` section; blocks without such a resource are not templates. A block
 * meant to fail (a refusal shown on purpose) is marked `<!-- not previewed: why -->` on the line
 * before its fence.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CUSTOM_RESOURCE_TYPE, createDriver, DEFAULT_BUNDLE_PATH, type Driver, parseTemplate, Stack, type TemplateMap } from '../../local/driver/index.ts';
import { emulatorControl } from '../../local/emulator/client.ts';
import { DEFAULT_ENABLED_REGIONS, startEmulator } from '../../local/emulator/index.ts';
import { checkAttributes } from '../../local/preview/attributeCheck.ts';
import { contextOf } from '../../local/preview/context.ts';
import { attributeReadsOf } from '../../local/preview/getAttReads.ts';
import { makeKeyMaterialSecrets, parseKeyMaterialSecretOption } from '../../local/preview/keyMaterialSecrets.ts';
import { principalsIn, resolveTemplate } from '../../local/preview/templates.ts';
import { ROOT } from './run.ts';

interface Example {
  name: string;
  text: string;
}

/** The yaml blocks of a Markdown file, named by file and line. */
function yamlBlocks(file: string): Example[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Example[] = [];
  let start = -1;
  let skipped = false;
  lines.forEach((line, i) => {
    if (start < 0 && /^```ya?ml\s*$/.test(line)) {
      start = i;
      skipped = /^<!-- not previewed: .+ -->$/.test(lines[i - 1] ?? '');
    } else if (start >= 0 && /^```\s*$/.test(line)) {
      if (!skipped) blocks.push({ name: `${file}:${start + 1}`, text: lines.slice(start + 1, i).join('\n') });
      start = -1;
    }
  });
  return blocks;
}

const isMap = (value: unknown): value is TemplateMap => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The block as a template, or undefined when it holds no previewable resource. */
function asTemplate(text: string): TemplateMap | undefined {
  const parsed = parseTemplate(text);
  const isResource = (value: unknown) => isMap(value) && value.Type === CUSTOM_RESOURCE_TYPE && isMap(value.Properties);
  if (isMap(parsed.Resources)) return Object.values(parsed.Resources).some(isResource) ? parsed : undefined;
  return Object.values(parsed).some(isResource) ? { Resources: parsed } : undefined;
}

const markdown = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter((f) => f.endsWith('.md'));
const examples: Example[] = [
  ...markdown.flatMap(yamlBlocks),
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => ({ name: `examples/${f}`, text: readFileSync(join(ROOT, 'examples', f), 'utf8') })),
].filter((example) => asTemplate(example.text) !== undefined);

describe('Every template of README.md, docs/ and examples/ previews', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let driver: Driver;
  let stacks = 0;

  beforeAll(async () => {
    if (!existsSync(DEFAULT_BUNDLE_PATH)) throw new Error('dist/handler/index.mjs is missing: run npm run build first');
    emulator = await startEmulator({ port: 0, replicaCreatingMs: 20 });
    driver = await createDriver({ endpointUrl: emulator.url });
  });
  afterAll(async () => {
    await driver?.close();
    await emulator?.close();
  });

  it('finds the templates of the README and of examples/', () => {
    expect(examples.filter((e) => e.name.startsWith('README.md')).length).toBeGreaterThanOrEqual(1);
    expect(examples.filter((e) => e.name.startsWith('examples/')).length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s: Create and Delete answer SUCCESS with every Fn::GetAtt read answered', async (_name, example) => {
    // Prepare: the template as `npm start` resolves it, in a stack of its own.
    const template = asTemplate(example.text)!;
    const version = { file: example.name, text: example.text, template };
    // A template whose preview command names `--key-material-secret NAME` gets that secret, as npm start makes it.
    const secrets = [...example.text.matchAll(/--key-material-secret (\S+)/g)].map((m) => parseKeyMaterialSecretOption(m[1]!)!);
    const parameters = await makeKeyMaterialSecrets(emulatorControl(emulator.url), secrets);
    const resolved = resolveTemplate(version, { parameters, imports: {} });
    const own = { ...resolved, stackId: resolved.stackId.replace(/\/[^/]+$/, `/docs-${++stacks}`) };
    await fetch(`${emulator.url}/__emulator/principals`, {
      method: 'POST',
      body: JSON.stringify({ arns: [...principalsIn(own.properties)], propagationMs: 0 }),
    });
    const stack = Stack.fromResolved(driver, own);

    // Act
    const created = await stack.create(own.properties);
    const check = checkAttributes(own.logicalResourceId, attributeReadsOf(template, own.logicalResourceId), created, {
      properties: created.event.ResourceProperties,
      context: contextOf(own),
      enabledRegions: [...DEFAULT_ENABLED_REGIONS],
      requestId: created.event.RequestId,
    });
    const deleted = await stack.delete();

    // Assess
    expect({ status: created.status, reason: created.reason, violations: created.violations }).toEqual({ status: 'SUCCESS', reason: null, violations: [] });
    expect(check).toEqual({ ok: true, lines: [expect.stringContaining('Fn::GetAtt:')] });
    expect({ status: deleted.status, violations: deleted.violations }).toEqual({ status: 'SUCCESS', violations: [] });
  });
});
