/**
 * Teams (DOMAIN.md "User ... team"): each organisation keeps its own list, managed by its admin. Users
 * and cases hold a team's code, which never changes, so a team can be renamed without touching them;
 * supervisors see their team's cases by that code (permissions.ts). Names are unique within an
 * organisation once NFC, spacing and case are set aside: "Team A", " team  a " and "TEAM A" are one
 * name. Pure rules: no imports.
 */
export const TEAM_NAME_MAX = 60;
const CODE_MAX = 40;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;

/** A name as it is kept: NFC, trimmed, each run of spaces made one. */
export function cleanTeamName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** What two names must not share: the clean name in lower case. */
export function teamNameKey(name: string): string {
  return cleanTeamName(name).toLowerCase().normalize('NFC');
}

/** A name an admin may give: one line, no control characters, 1 to 60 characters once clean. */
export function isTeamName(name: string): boolean {
  const clean = cleanTeamName(name);
  return clean.length > 0 && clean.length <= TEAM_NAME_MAX && !CONTROL.test(name);
}

/**
 * A new team's code: its name in lower case, letters and digits of any script joined by hyphens
 * ("Team A" -> `team-a`, "ทีมเหนือ" -> `ทีมเหนือ`), cut at a whole letter, with `-2`, `-3` ... when an
 * earlier team (perhaps since renamed) holds it already.
 */
export function teamCodeFor(name: string, taken: ReadonlySet<string>): string {
  const words = teamNameKey(name).replace(/[^\p{L}\p{M}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '');
  const letters = [...new Intl.Segmenter('und', { granularity: 'grapheme' }).segment(words)].map((s) => s.segment);
  let base = '';
  for (const letter of letters) {
    if (base.length + letter.length > CODE_MAX) break;
    base += letter;
  }
  base = base.replace(/-+$/g, '') || 'team';
  let code = base;
  for (let n = 2; taken.has(code); n += 1) code = `${base}-${n}`;
  return code;
}
