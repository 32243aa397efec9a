import { SETTINGS } from './index.js';
import type { Setting } from './setting.js';

const HEADER = [
  '# nest-social-auth: every environment variable it reads, generated from src/config/settings/ by',
  '# `npm run env:example` (a test fails when this file and the catalogue differ: do not edit it by hand).',
  '# Uncommented: what NODE_ENV=production requires; fill them in (secrets from your secret store) and check with',
  '#   node dist/cli/config-check.js',
  '# Commented: optional, shown with an example or the value an unset variable means.',
];

/** Wraps a comment at 116 columns, on spaces: `# ` and as many words as fit in 114. */
const comment = (text: string) => text.match(/\S.{0,113}(?=\s|$)/g)!.map((line) => `# ${line}`);

function entry(setting: Setting): string[] {
  const shown = setting.secret ? '' : (setting.example ?? (/\s/.test(setting.default) ? '' : setting.default));
  const described =
    setting.default && (setting.example || setting.secret || /\s/.test(setting.default))
      ? `${setting.description}. Default: ${setting.default}.`
      : `${setting.description}.`;
  return [...comment(described), `${setting.production ? '' : '# '}${setting.name}=${shown}`];
}

/** The text of `.env.example`: the catalogue by group, each variable with its description. */
export function renderEnvExample(): string {
  const out = [...HEADER];
  let group = '';
  for (const setting of SETTINGS) {
    if (setting.group !== group) out.push('', `## ${(group = setting.group)}`);
    out.push(...entry(setting));
  }
  return `${out.join('\n')}\n`;
}
