/**
 * The sample outputs of README.md are real: each follows a marker
 * `<!-- output of: ARGS; sections: PREFIX, PREFIX, … -->` and is the listed sections of the output of
 * `npm start -- ARGS` (a section: a line that starts a paragraph at the left margin, with every line
 * up to the next such line; progress lines left out). `tests/preview/` checks them against a run;
 * `npm run readme:samples` (after a change to the output) writes them anew from real runs.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ReadmeSample {
  /** `npm start` arguments. */
  args: string[];
  /** Prefixes of the sections shown, in order (each picks the next section starting with it). */
  sections: string[];
  /** The block as the README holds it. */
  lines: string[];
}

const MARKER = /<!-- output of: (.+?); sections: (.+?) -->\n```text\n([\s\S]*?)```\n/g;

/** Every marked sample of a README text. */
export function readmeSamples(readme: string): ReadmeSample[] {
  return [...readme.matchAll(MARKER)].map((m) => ({
    args: m[1]!.trim().split(/\s+/),
    sections: m[2]!.split(',').map((s) => s.trim()),
    lines: m[3]!.replace(/\n$/, '').split('\n'),
  }));
}

/** The listed sections of a run's output, blank lines between them as printed. */
export function selectSections(output: string, prefixes: string[]): string[] {
  const lines = output.split('\n').filter((line) => !line.startsWith('   … '));
  const starts = lines.flatMap((line, i) => (line !== '' && !line.startsWith(' ') && (i === 0 || lines[i - 1] === '') ? [i] : []));
  const picked: string[][] = [];
  let from = 0;
  for (const prefix of prefixes) {
    const at = starts.findIndex((start, n) => n >= from && lines[start]!.startsWith(prefix));
    if (at < 0) throw new Error(`no section starting with "${prefix}" in the output`);
    const end = starts[at + 1] ?? lines.length;
    const section = lines.slice(starts[at], end);
    while (section.at(-1) === '') section.pop();
    picked.push(section);
    from = at + 1;
  }
  return picked.flatMap((section, i) => (i === 0 ? section : ['', ...section]));
}

/** What varies from run to run (key ids, durations, ports, dates), made equal. */
export function normalise(line: string): string {
  return line
    .replace(/mrk-[0-9a-f]{32}/g, 'mrk-…')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\d+ ms\)/g, '… ms)')
    .replace(/\d{4}-\d{2}-\d{2}/g, '<date>')
    .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:…')
    .trimEnd();
}

/** `npm start -- ARGS` without the build (`npm run readme:samples` builds first). */
export function runPreview(args: string[], root: string): string {
  const run = spawnSync(process.execPath, ['local/start.ts', ...args], { cwd: root, encoding: 'utf8' });
  return run.stdout;
}

/** Rewrites every marked sample of `readmePath` from a real run. */
export function writeSamples(readmePath: string, root: string): number {
  const text = readFileSync(readmePath, 'utf8');
  let count = 0;
  const updated = text.replace(MARKER, (whole, args: string, sections: string) => {
    const sample = readmeSamples(whole)[0]!;
    count++;
    const lines = selectSections(runPreview(sample.args, root), sample.sections);
    return `<!-- output of: ${args}; sections: ${sections} -->\n\`\`\`text\n${lines.join('\n')}\n\`\`\`\n`;
  });
  writeFileSync(readmePath, updated);
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  console.log(`README.md: ${writeSamples(`${root}/README.md`, root)} sample output(s) written from real runs`);
}
