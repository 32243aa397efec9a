import { readFileSync } from 'node:fs';

/**
 * Reads what a page of the docs tells a reader to type, so a test can do exactly that and the page cannot drift
 * from what works: one section's text, its fenced blocks, and the `export` lines of a shell block.
 */
export function docSection(path: string, heading: string): string {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${path} has no "${heading}" section`);
  const end = text.slice(start + heading.length + 2).search(/^#{1,6} /m);
  return text.slice(start, end < 0 ? undefined : start + heading.length + 2 + end);
}

/** The fenced blocks in that language (```yaml … ```), in order, without their fences. */
export function fencedBlocks(section: string, language: string): string[] {
  const blocks = [...section.matchAll(new RegExp(`^\`\`\`${language}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]);
  if (blocks.length === 0) throw new Error(`no \`\`\`${language} block in the section`);
  return blocks;
}

/** `export NAME=value` and `export NAME='value, over lines'`, as a shell would set them. */
export function exportedVariables(script: string): Record<string, string> {
  const matches = script.matchAll(/^export (\w+)=(?:'([^']*)'|(\S*))$/gm);
  return Object.fromEntries([...matches].map((m) => [m[1], m[2] ?? m[3]]));
}
