/**
 * Names an application may not take (ADR 0039): ours, and the names on our sign-in page, so that no partner's
 * consent page reads "nest-social-auth wants to access your account" or "Google wants…". Compared as a person
 * reads them: NFKC (full-width and styled letters to plain), lower case, the usual Cyrillic and Greek look-alikes and
 * digit-for-letter swaps folded to one Latin letter, and everything but letters and digits dropped (spaces, dots,
 * zero-width characters), so "G00gle", "ＧＯＯＧＬＥ", "Gооgle" (Cyrillic о) and "nest social-auth" all match; a name with
 * a reserved one among its words ("Google Drive Sync", "GoogleDrive") is refused too, not one that merely contains
 * its letters ("Pineapple Notes").
 */

/** Per Latin letter, its look-alikes (Unicode's confusables.txt, the common ones) and the digits read as it. */
const LOOKALIKES_OF: Record<string, string> = {
  a: 'аα4',
  b: 'вβ8',
  c: 'сϲ',
  d: 'ԁ',
  e: 'еёε3',
  g: 'ɡ9',
  h: 'һн',
  j: 'ј',
  k: 'кκ',
  l: 'іїɩıι1i|',
  m: 'м',
  n: 'η',
  o: 'оο0',
  p: 'рρ',
  q: 'ԛ',
  s: 'ѕ5',
  t: 'тτ7',
  u: 'υ',
  v: 'ν',
  w: 'ԝω',
  x: 'хχ',
  y: 'уү',
};
const LOOKALIKES: Record<string, string> = Object.fromEntries(
  Object.entries(LOOKALIKES_OF).flatMap(([latin, alikes]) => [...alikes].map((c) => [c, latin])),
);

/** The skeleton of one word: what two words are compared by. */
export function nameSkeleton(name: string): string {
  const folded = [...name.normalize('NFKC').toLowerCase()].map((c) => LOOKALIKES[c] ?? c).join('');
  // Letters run together read as another ("rn" as "m", "vv" as "w"); then only letters and digits count.
  return folded
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The words of a name, as skeletons: split at spaces and punctuation and at camelCase, invisible characters
 * (zero-width, joiners) dropped first, so they neither split nor hide a word.
 */
function words(name: string): string[] {
  const visible = name.normalize('NFKC').replace(/[\p{Cf}\p{M}]/gu, '');
  return visible
    .split(/[^\p{L}\p{N}|]+|(?<=\p{Ll})(?=\p{Lu})/u)
    .map(nameSkeleton)
    .filter(Boolean);
}

/** The reserved name `name` passes for, if any: one of its runs of whole words reads as a reserved name. */
export function impersonatedName(name: string, reserved: readonly string[]): string | undefined {
  const parts = words(name);
  const runs = new Set<string>();
  for (let i = 0; i < parts.length; i++) for (let j = i + 1; j <= parts.length; j++) runs.add(parts.slice(i, j).join(''));
  return reserved.find((r) => {
    const target = nameSkeleton(r);
    return target !== '' && runs.has(target);
  });
}
