import { readFileSync } from 'node:fs';

/**
 * Reads what a page of docs/ tells a reader to type, so a test can do exactly that and the page cannot drift from
 * what works: the text of one `## heading` section, its fenced blocks, and the `export` lines of a shell block.
 */
export function docSection(path: string, heading: string): string {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`${path} has no "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The first fenced block in that language (```yaml … ```), without its fences. */
export function fencedBlock(section: string, language: string): string {
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(section)?.[1];
  if (block === undefined) throw new Error(`no \`\`\`${language} block in the section`);
  return block;
}

/** `export NAME=value` and `export NAME='value, over lines'`, as a shell would set them. */
export function exportedVariables(script: string): Record<string, string> {
  const matches = script.matchAll(/^export (\w+)=(?:'([^']*)'|(\S*))$/gm);
  return Object.fromEntries([...matches].map((m) => [m[1]!, m[2] ?? m[3]!]));
}
