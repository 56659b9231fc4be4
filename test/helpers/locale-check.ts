/**
 * The rules every locale file follows (I18N.md), as a function that lists what is wrong, so that the
 * locale test can run it on the real files and on a broken fixture.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { intlLocale } from '../../src/lib/i18n/format.js';
import { LOCALES_DIR } from '../../src/lib/paths.js';

export type Tree = { [key: string]: string | Tree };

const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/;

export function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const full = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(full, value);
    else for (const [k, v] of flatten(value, full)) out.set(k, v);
  }
  return out;
}

function variables(value: string): string[] {
  return [...value.matchAll(/\{\{\s*-?\s*([^},\s]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

function pluralGroups(keys: Iterable<string>): Map<string, Set<string>> {
  const groups = new Map<string, Set<string>>();
  for (const key of keys) {
    const m = PLURAL.exec(key);
    if (!m) continue;
    if (!groups.has(m[1]!)) groups.set(m[1]!, new Set());
    groups.get(m[1]!)!.add(m[2]!);
  }
  return groups;
}

export function checkLocale(lng: string, source: Tree, target: Tree): string[] {
  const problems: string[] = [];
  const en = flatten(source);
  const mine = flatten(target);
  const categories = new Set(new Intl.PluralRules(intlLocale(lng)).resolvedOptions().pluralCategories);
  const enPlurals = pluralGroups(en.keys());
  const myPlurals = pluralGroups(mine.keys());

  for (const [key, value] of mine) {
    if (value.trim() === '') problems.push(`${lng}: ${key} is empty`);
    if (value !== value.normalize('NFC')) problems.push(`${lng}: ${key} is not NFC`);
    if (/\{\{-/.test(value)) problems.push(`${lng}: ${key} uses unescaped {{- }}`);
    if (/[<>"]/.test(value)) problems.push(`${lng}: ${key} holds < > or a straight double quote`);
  }
  for (const [key, value] of en) {
    const plural = PLURAL.exec(key);
    if (plural) continue; // checked per group below
    if (!mine.has(key)) {
      problems.push(`${lng}: ${key} is missing`);
      continue;
    }
    if (variables(value).join() !== variables(mine.get(key)!).join()) {
      problems.push(`${lng}: ${key} has variables ${variables(mine.get(key)!).join()} not ${variables(value).join()}`);
    }
  }
  for (const key of mine.keys()) {
    if (!en.has(key) && !(PLURAL.exec(key) && enPlurals.has(PLURAL.exec(key)![1]!))) {
      problems.push(`${lng}: ${key} is not in en`);
    }
  }
  for (const [base, enForms] of enPlurals) {
    const forms = myPlurals.get(base) ?? new Set<string>();
    const expected = [...categories].sort().join();
    if ([...forms].sort().join() !== expected) {
      problems.push(`${lng}: ${base} has plural forms ${[...forms].sort().join()} not ${expected}`);
    }
    const enVars = variables(en.get(`${base}_other`) ?? en.get(`${base}_${[...enForms][0]}`) ?? '').join();
    for (const form of forms) {
      if (variables(mine.get(`${base}_${form}`) ?? '').join() !== enVars) {
        problems.push(`${lng}: ${base}_${form} has other variables than en`);
      }
    }
  }
  return problems;
}

/** A string from the real locale files, with {{variables}} filled in (no interface text typed into a test). */
export function localeText(lng: string, key: string, vars: Record<string, string> = {}): string {
  const [ns, dotted] = key.split(':') as [string, string];
  let node: string | Tree = JSON.parse(readFileSync(path.join(LOCALES_DIR, lng, `${ns}.json`), 'utf8')) as Tree;
  for (const part of dotted.split('.')) {
    if (typeof node === 'string' || !(part in node)) throw new Error(`no ${key} in ${lng}`);
    node = node[part]!;
  }
  if (typeof node !== 'string') throw new Error(`${key} in ${lng} is not a string`);
  return node.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => vars[name] ?? `{{${name}}}`);
}
