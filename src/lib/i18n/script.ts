/**
 * The language of a name written in a local script, for the `lang` attribute that lets browsers pick
 * the right font and line breaking (I18N.md "Free text keeps the language it was written in"). A name
 * carries no language tag of its own, so its script decides; a script several languages share (Latin)
 * falls back to the first language the child speaks.
 */
const SCRIPTS: readonly [RegExp, string][] = [
  [/\p{Script=Thai}/u, 'th'],
  [/\p{Script=Khmer}/u, 'km'],
  [/\p{Script=Lao}/u, 'lo'],
  [/\p{Script=Myanmar}/u, 'my'],
  [/\p{Script=Han}/u, 'zh'],
];

export function scriptLanguage(text: string, fallback?: string): string | undefined {
  for (const [script, lang] of SCRIPTS) if (script.test(text)) return lang;
  return fallback || undefined;
}
