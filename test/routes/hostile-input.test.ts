/**
 * Hostile input on every form (SECURITY.md I1-I3, O4), generated with fast-check: operator objects
 * (`{"$ne": null}`, `email[$regex]=.*`), `__proto__` and `constructor.prototype` keys, repeated keys,
 * huge and malformed Unicode (lone surrogates, NUL, direction marks, Zalgo, emoji), raw bytes and odd
 * content types. Every request carries its session's CSRF token, so that the parsing is what answers.
 * Never a 500, never signed in, nothing polluted, and nothing in the database changed by an operator.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import fc from 'fast-check';
import { Types } from 'mongoose';
import request from 'supertest';
import { LOCALES } from '../../src/domain/locales.js';
import { LOOKUPS, type LookupList } from '../../src/domain/lookups.js';
import { ROLES } from '../../src/domain/permissions.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { AuthTokenModel } from '../../src/models/auth-token.js';
import { CaseModel } from '../../src/models/case.js';
import { CaseNoteModel } from '../../src/models/case-note.js';
import { CaseTaskModel } from '../../src/models/case-task.js';
import { OrganisationModel } from '../../src/models/organisation.js';
import { UserModel } from '../../src/models/user.js';
import { issueToken } from '../../src/services/auth/tokens.js';
import { testApp } from '../helpers/app.js';
import { buildCase, caseDetails } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { csrfFrom, signIn, signInWithPassword, tokenOf, type Agent } from '../helpers/session.js';
import { plant } from '../helpers/secrets.js';

// ---------------------------------------------------------------------------------------------------
// What a generated field holds, and how it goes on the wire.

/** JSON text sent as it is (in a form: sent as that text). Lets a body hold an own `__proto__` key. */
class Raw {
  constructor(readonly text: string) {}
}
/** Form bytes sent as they are, without percent-encoding (in JSON: sent as that string). */
class Wire {
  constructor(readonly text: string) {}
}
/** Filled in when the request is sent: the account's current password, or another field's value. */
class Ref {
  constructor(readonly name: string) {}
}
type Value = string | number | boolean | null | Raw | Wire | Ref | Value[] | { [key: string]: Value };
type Entry = [key: string, value: Value];
type Shot = { kind: 'form' | 'json'; entries: Entry[] } | { kind: 'raw'; contentType: string; bytes: Uint8Array };

/** Percent-encoding that also carries lone surrogates (as the WTF-8 bytes a broken client would send). */
function encode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(s[i]!);
    }
  }
  return out;
}

const encodeKey = (key: string) => encode(key).replace(/%5B/g, '[').replace(/%5D/g, ']').replace(/%24/g, '$');

/** A value as form fields: arrays as repeated keys (one element as `key[]`), objects as `key[op]`. */
function pairs(key: string, v: Value, out: [string, string | Wire][]): void {
  if (v instanceof Wire) out.push([key, v]);
  else if (v instanceof Raw) out.push([key, v.text]);
  else if (v instanceof Ref) throw new Error(`unresolved reference ${v.name}`);
  else if (Array.isArray(v)) {
    if (v.length === 1) pairs(`${key}[]`, v[0]!, out);
    else for (const x of v) pairs(key, x, out);
  } else if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) out.push([`${key}[]`, '']);
    for (const k of keys) pairs(`${key}[${k}]`, v[k]!, out);
  } else out.push([key, v === null ? '' : String(v)]);
}

function formText(entries: Entry[]): string {
  const out: [string, string | Wire][] = [];
  for (const [k, v] of entries) pairs(k, v, out);
  return out.map(([k, v]) => `${encodeKey(k)}=${v instanceof Wire ? v.text : encode(v)}`).join('&');
}

/** JSON text, written by hand so that duplicate keys and `__proto__` keys reach the server. */
function jsonText(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (v instanceof Wire) return JSON.stringify(v.text);
  if (v instanceof Ref) throw new Error(`unresolved reference ${v.name}`);
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${jsonText(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

function resolve(entries: Entry[], refs: Record<string, Value>): Entry[] {
  const plain = (v: Value): Value => (v instanceof Ref ? (refs[v.name] ?? entries.find(([k, x]) => k === v.name && !(x instanceof Ref))?.[1] ?? null) : v);
  return entries.map(([k, v]) => [k, plain(v)]);
}

function describeShot(shot: Shot): string {
  const entries = shot.kind === 'raw' ? [] : shot.entries.map(([k, v]): Entry => [k, v instanceof Ref ? `‹${v.name}›` : v]);
  const text =
    shot.kind === 'raw'
      ? `${shot.contentType} ${Buffer.from(shot.bytes).toString('latin1')}`
      : shot.kind === 'json'
        ? `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`
        : formText(entries);
  return text.length > 300 ? `${shot.kind} ${text.slice(0, 300)}… (${text.length} chars)` : `${shot.kind} ${text}`;
}

/** Keys the body parser refuses outright, at any depth (SECURITY.md I3): such a body answers 422. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether a parsed body holds a prototype key anywhere (walked with a list: bodies nest thousands deep). */
function holdsPrototypeKey(body: unknown): boolean {
  const pending: unknown[] = [body];
  while (pending.length > 0) {
    const v = pending.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) for (const x of v) pending.push(x);
    else
      for (const [k, x] of Object.entries(v)) {
        if (PROTOTYPE_KEYS.has(k.normalize('NFC'))) return true;
        pending.push(x);
      }
  }
  return false;
}

/**
 * Whether the server will find a prototype key in what was sent: for a form, a field named so; for
 * JSON, a key at any depth; for raw bytes, perhaps (they may or may not parse).
 */
function carriesPrototypeKey(kind: Shot['kind'], text: string | Uint8Array): boolean | 'maybe' {
  if (kind === 'raw') return /__proto__|constructor|prototype/.test(Buffer.from(text as Uint8Array).toString('latin1')) ? 'maybe' : false;
  if (kind === 'form') return [...new URLSearchParams(text as string).keys()].some((k) => PROTOTYPE_KEYS.has(k.normalize('NFC')));
  try {
    return holdsPrototypeKey(JSON.parse(text as string));
  } catch {
    return false;
  }
}

const prototypeKeysSent = new WeakMap<request.Response, boolean | 'maybe'>();

/** Sends a generated body with the session's CSRF token: in the body, or in the header for raw bodies. */
async function send(agent: Agent, path: string, token: string, shot: Shot, refs: Record<string, Value> = {}): Promise<request.Response> {
  if (shot.kind === 'raw') {
    const res = await agent
      .post(path)
      .set('Content-Type', shot.contentType)
      .set('X-CSRF-Token', token)
      .serialize((b: unknown) => b as string)
      .send(Buffer.from(shot.bytes));
    prototypeKeysSent.set(res, carriesPrototypeKey('raw', shot.bytes));
    return res;
  }
  const entries: Entry[] = [['_csrf', token], ...resolve(shot.entries, refs)];
  if (shot.kind === 'json') {
    const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
    const res = await agent.post(path).set('Content-Type', 'application/json').send(text);
    prototypeKeysSent.set(res, carriesPrototypeKey('json', text));
    return res;
  }
  const text = formText(entries);
  const res = await agent.post(path).type('form').send(text);
  prototypeKeysSent.set(res, carriesPrototypeKey('form', text));
  return res;
}

// ---------------------------------------------------------------------------------------------------
// The generators.

/** Strings people do not type. */
const NASTY = [
  '\uD800',
  '\uDFFF',
  'a\uDC00b',
  '\uDBFF\uD800',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '\u200F\u200E\u2066\u2069\u061C',
  'e\u0301',
  '\u0301\u0301\u0301',
  'Z\u0337\u0322\u031B\u0317\u034E\u0344a\u0336\u0355\u0313l\u0338\u0321\u031Bg\u0337o\u0335',
  '\u{1F469}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}',
  '\u{1F3F3}\uFE0F\u200D\u{1F308}',
  '\uFEFF',
  '\uFFFE\uFFFF',
  '\u{10FFFF}',
  '\u212A',
  '\uFB00',
  '\u0130',
  '\u00DF',
  '\u01C5',
  '\r\n\t\u000B\u000C',
  '\u2028\u2029\u0085',
  '\u0E51\u0E52\u0E53\u0E54\u0E55\u0E56',
  '\u1000\u103B\u102C',
  '.*',
  '^',
  '$ne',
  '$where',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '{{constructor.constructor}}',
  '${7*7}',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e309',
  '0x10',
  '',
  ' ',
];

const unit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u0000', '\u202E', '\u200F', '\u0301', '\uFEFF', '\u{1F600}', '\u0E51', '$', '.', '[', ']', '%', '&', '=', '+'),
);

const zalgo = fc
  .tuple(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), fc.array(fc.integer({ min: 0x300, max: 0x36f }), { minLength: 1, maxLength: 60 }))
  .map(([base, marks]) => [...base].map((ch) => ch + String.fromCharCode(...marks)).join(''));

/** Bytes one character takes on the wire, in the larger of the two encodings. */
const wireCost = (c: string) => Math.max(encode(c).length, JSON.stringify(c).length - 2);

/** Up to ~90 kB on the wire, under the 100 kB body limit; and now and then over it (413). */
const huge = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.constantFrom('a', ' ', '\u00E9', 'e\u0301', '\u0301', '\u{1F9D1}\u200D\u{1F91D}\u200D\u{1F9D1}', '\u0E01', '\uD800', '\u0000', '\u202E'), fc.integer({ min: 2_000, max: 90_000 }))
      .map(([c, bytes]) => c.repeat(Math.max(1, Math.floor(bytes / wireCost(c))))),
    weight: 6,
  },
  { arbitrary: fc.constant('x'.repeat(110_000)), weight: 1 },
);

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY), weight: 4 },
  { arbitrary: fc.string({ unit, maxLength: 40 }), weight: 4 },
  { arbitrary: zalgo, weight: 1 },
  { arbitrary: huge, weight: 1 },
);

const OPERATORS = ['$ne', '$eq', '$gt', '$gte', '$lt', '$regex', '$options', '$where', '$in', '$nin', '$exists', '$expr', '$or', '$not', '$elemMatch', '$type', '$size'];

const leaf: fc.Arbitrary<Value> = fc.oneof(hostileString, fc.constantFrom<Value>(null, true, false, 0, 1, -1, '', '.*', '^', 'ADMIN', ' admin', 'admin\u0000', '\uFF41\uFF44\uFF4D\uFF49\uFF4E'));

const operator: fc.Arbitrary<Value> = fc.oneof(
  fc.tuple(fc.constantFrom(...OPERATORS), leaf).map(([op, v]): Value => ({ [op]: v })),
  fc.constantFrom<Value>({ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $regex: '^', $options: 'i' }, { $where: 'return true' }, { $exists: true }, { $in: [...ROLES] }, { $nin: [] }, { $expr: { $eq: [1, 1] } }, { $or: [{}, { a: 1 }] }),
);

/** JSON that pollutes a naive merge, and values JSON.parse turns into odd numbers or strings. */
const RAW_JSON = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"}}]',
  '{"$ne":null,"__proto__":{"polluted":"yes"}}',
  '{"toString":null,"valueOf":null}',
  '{"length":1e9}',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"a\\u0000b"',
  '1e309',
  '-0',
  '12345678901234567890123',
];

const deep = fc.oneof(
  fc.integer({ min: 2, max: 4_000 }).map((n) => new Raw(`${'['.repeat(n)}{"__proto__":{"polluted":"deep"}}${']'.repeat(n)}`)),
  fc.integer({ min: 2, max: 2_000 }).map((n) => new Raw(`${'{"a":'.repeat(n)}{"__proto__":{"polluted":"deep"}}${'}'.repeat(n)}`)),
);

/** Malformed percent-encoding (sent unencoded in a form). */
const malformed = fc.constantFrom('%', '%%', '%G0', '%E0%A4', '%ED%A0%80', '%C0%AE', '%FF%FE', '%00', '%2', '%u0041', '+%2B+', '%F4%90%80%80').map((t) => new Wire(t));

/** Any hostile field value. */
const value: fc.Arbitrary<Value> = fc.oneof(
  { arbitrary: hostileString, weight: 5 },
  { arbitrary: operator, weight: 3 },
  { arbitrary: fc.array(leaf, { maxLength: 4 }), weight: 1 },
  { arbitrary: fc.constantFrom(...RAW_JSON).map((t) => new Raw(t)), weight: 1 },
  { arbitrary: deep, weight: 1 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => v as Value), weight: 1 },
  { arbitrary: malformed, weight: 1 },
);

const KEYS = ['__proto__', '__proto__[polluted]', 'constructor', 'constructor[prototype][polluted]', 'prototype', 'prototype[polluted]', '$where', '$ne', 'toString', 'hasOwnProperty', 'valueOf', '_csrf[$ne]', '', ' ', 'polluted'];
const SUFFIXES = ['[$ne]', '[$regex]', '[$gt]', '[$where]', '[$in][]', '[$exists]', '[]', '[0]', '[__proto__][polluted]', '[constructor][prototype][polluted]', '.$ne', '.__proto__.polluted'];

function hostileKey(fields: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...fields),
    fc.constantFrom(...KEYS),
    fc.tuple(fc.constantFrom(...fields), fc.constantFrom(...SUFFIXES)).map(([f, s]) => f + s),
    fc.string({ unit, maxLength: 12 }),
  );
}

const RAW_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'application/x-www-form-urlencoded; charset=utf-7',
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
];
const RAW_BODIES = [
  Buffer.from('{"email":{"$ne":null}'),
  Buffer.from('{"__proto__":{"polluted":"raw"}}'),
  Buffer.from('[{"$ne":null}]'),
  Buffer.from(' null '),
  Buffer.from('"just a string"'),
  Buffer.from('123'),
  Buffer.from('{"a":1,"a":{"$gt":""}}'),
  Buffer.from('\uFEFF{"email":"x"}'),
  Buffer.from('email[$regex]=.*&password[$ne]=x&__proto__[polluted]=1'),
  Buffer.from('email=%&password=%ED%A0%80'),
  Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0xc0, 0xaf, 0x26, 0x3d, 0xed, 0xa0, 0x80]),
  Buffer.from('&&&===&&&'),
];
const rawShot: fc.Arbitrary<Shot> = fc.record({
  kind: fc.constant('raw' as const),
  contentType: fc.constantFrom(...RAW_TYPES),
  bytes: fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(...RAW_BODIES).map((b) => new Uint8Array(b))),
});

type Fields = Record<string, fc.Arbitrary<Value>>;

/** Bodies for a form: its fields (some always there, some now and then), plus hostile extra keys. */
function shots(required: Fields, optional: Fields = {}): fc.Arbitrary<Shot> {
  const names = [...Object.keys(required), ...Object.keys(optional)];
  const fieldArbs: fc.Arbitrary<Entry | undefined>[] = [
    ...Object.entries(required).map(([k, a]) => a.map((v): Entry | undefined => [k, v])),
    ...Object.entries(optional).map(([k, a]) => fc.option(a.map((v): Entry => [k, v]), { nil: undefined, freq: 4 })),
  ];
  const structured: fc.Arbitrary<Shot> = fc
    .record({
      kind: fc.constantFrom('form' as const, 'json' as const),
      fields: fc.tuple(...fieldArbs),
      extra: fc.array(fc.tuple(hostileKey(names), value), { maxLength: 4 }),
      extraFirst: fc.boolean(),
    })
    .map(({ kind, fields, extra, extraFirst }) => {
      const own = fields.filter((e): e is Entry => e !== undefined);
      return { kind, entries: extraFirst ? [...extra, ...own] : [...own, ...extra] };
    });
  return fc.oneof({ arbitrary: structured, weight: 6 }, { arbitrary: rawShot, weight: 1 });
}

/** A query string from the same kind of fields (forms' rendering: objects as `key[op]`). */
function queries(fields: Fields): fc.Arbitrary<Entry[]> {
  const names = Object.keys(fields);
  return fc
    .tuple(
      fc.tuple(...Object.entries(fields).map(([k, a]) => fc.option(a.map((v): Entry => [k, v]), { nil: undefined, freq: 3 }))),
      fc.array(fc.tuple(hostileKey(names), value), { maxLength: 3 }),
    )
    .map(([own, extra]) => [...own.filter((e): e is Entry => e !== undefined), ...extra]);
}

/**
 * A real value wrapped so that it is no longer a plain string: must never match anything. In a form,
 * `[real, {$ne: null}]` becomes `key=real&key[$ne]=`, which only a strict schema refuses: not for queries.
 */
function wrapped(real: string, options: { strict: boolean } = { strict: true }): fc.Arbitrary<Value> {
  const mixed: Value[] = options.strict ? [[real, { $ne: null }]] : [];
  return fc.constantFrom<Value>({ $eq: real }, [real, real], [real], { $in: [real] }, { $regex: `^${real.slice(0, 4)}` }, { $ne: null }, { $gt: '' }, { $regex: '.*' }, { $where: 'true' }, ...mixed);
}

const returnTo = fc.oneof(value, fc.constantFrom<Value>('//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example', '/\u202E/evil', '/account'));

const locale = fc.oneof(value, fc.constantFrom<Value>({ $ne: null }, ['en', 'fr'], { $in: [...LOCALES] }, 'EN', 'en ', ' en', 'en\u0000', 'e\u0301n', 'zz', 'en-US', '__proto__', 'constructor', 'toString'));

const roles = fc.oneof(
  value,
  fc.constantFrom<Value>({ $in: ['admin', 'auditor'] }, ['admin', { $ne: null }], 'admin,auditor', 'ADMIN', ' admin', 'admin\u0000', '\uFF41\uFF44\uFF4D\uFF49\uFF4E', ['auditor ', 'x'], { 0: 'admin' }, Array(ROLES.length + 1).fill('auditor'), ['__proto__'], ['constructor'], ['toString'], { $gt: '' }),
);

const version = fc.oneof(value, fc.constantFrom<Value>('-1', '1e10', '0.5', 'Infinity', 'NaN', { $gte: 0 }, ['0', '0'], { $ne: -1 }, -1, 1e10, true));

const hostileIds = ['ffffffffffffffffffffffff', '__proto__', 'constructor', 'prototype', 'toString', '%24ne', '%00', '%ED%A0%80', '%', '..%2F..%2F', 'x'.repeat(300), '1', '%7B%22%24ne%22%3Anull%7D', '%5B%5D'];

// ---------------------------------------------------------------------------------------------------
// What every answer must satisfy.

const GENERIC = [400, 413, 415, 431];

function expectAnswer(res: request.Response, allowed: number[], what: string): void {
  expect(res.status, `${what} answered ${res.status}`).to.be.below(500);
  // A body with a prototype key is refused by the body parser, before any route: 422, whatever the form.
  const prototypeKey = prototypeKeysSent.get(res);
  const expected = prototypeKey === true ? [422] : prototypeKey === 'maybe' ? [...allowed, 422] : allowed;
  expect([...expected, ...GENERIC], `${what} answered ${res.status}`).to.include(res.status);
}

const PROTOTYPES = { Object: Object.prototype, Array: Array.prototype, Function: Function.prototype, String: String.prototype } as const;
const ORIGINAL_KEYS = Object.fromEntries(Object.entries(PROTOTYPES).map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));

function expectNothingPolluted(): void {
  expect(({} as Record<string, unknown>).polluted, '({}).polluted').to.equal(undefined);
  expect(Object.create(null) as object).to.not.have.property('polluted');
  for (const [name, proto] of Object.entries(PROTOTYPES)) {
    expect(Reflect.ownKeys(proto).map(String).sort(), `${name}.prototype keys`).to.deep.equal(ORIGINAL_KEYS[name]);
  }
}

/** No document anywhere got a `polluted` field (read through the driver, without sanitizeFilter). */
async function expectNoPollutedDocuments(): Promise<void> {
  for (const model of [UserModel, OrganisationModel, AuthTokenModel, CaseModel, CaseNoteModel, CaseTaskModel]) {
    expect(await model.collection.countDocuments({ polluted: { $exists: true } }), model.modelName).to.equal(0);
  }
}

async function expectAnonymous(agent: Agent, what: string): Promise<void> {
  const res = await agent.get('/account');
  expect(res.status, `${what}: GET /account`).to.equal(303);
  expect(res.headers.location, `${what}: GET /account`).to.match(/^\/login/);
}

function tryDecode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/** The text the server gets for a field (after NFC), or undefined when it gets no single string. */
function serverText(v: Value | undefined, kind: Shot['kind']): string | undefined {
  if (v === undefined || v instanceof Ref || Array.isArray(v)) return undefined;
  let text: unknown;
  if (kind === 'form') {
    if (v instanceof Wire) text = tryDecode(v.text);
    else if (v instanceof Raw) text = tryDecode(encode(v.text));
    else if (v !== null && typeof v === 'object') return undefined;
    else text = tryDecode(encode(v === null ? '' : String(v)));
  } else if (kind === 'json') {
    text = v instanceof Wire ? v.text : v instanceof Raw ? (JSON.parse(v.text) as unknown) : v;
  }
  return typeof text === 'string' ? text.normalize('NFC') : undefined;
}

/** What the server took as a field: the last entry of that name (JSON keeps the last duplicate). */
function sentText(shot: Shot, field: string, refs: Record<string, Value>): string | undefined {
  if (shot.kind === 'raw') return undefined;
  return serverText(resolve(shot.entries, refs).filter(([k]) => k === field).at(-1)?.[1], shot.kind);
}

/** An accepted password is a secret now: planted for the log scan when it is distinctive enough. */
function plantIfDistinctive(password: string): void {
  if (password.length >= 12 && new Set(password).size >= 4) plant(password);
}

async function usersSnapshot() {
  const users = await UserModel.find({}).sort({ email: 1 }).lean();
  return users.map((u) => ({ id: String(u._id), email: u.email, name: u.name, roles: [...u.roles], team: u.team, locale: u.locale, status: u.status, v: u.__v, hash: u.passwordHash }));
}

async function organisationsSnapshot() {
  const orgs = await OrganisationModel.find({}).sort({ code: 1 }).lean();
  return orgs.map((o) => ({ id: String(o._id), code: o.code, kind: o.kind, country: o.country, name: JSON.stringify(o.name), services: [...(o.services ?? [])], preferredLocale: o.preferredLocale, v: o.__v }));
}

// ---------------------------------------------------------------------------------------------------
// The case forms (issue 4).

/** A valid value as a browser sends it: a list of one is the single field, not `key[]`. */
const asSent = (v: string | string[]): Value => (Array.isArray(v) && v.length === 1 ? v[0]! : v);

/** A case form's field: anything hostile, the valid value wrapped or repeated, or a near miss (some of them valid). */
function caseField(valid: string, near: Value[] = []): fc.Arbitrary<Value> {
  return fc.oneof({ arbitrary: value, weight: 3 }, { arbitrary: wrapped(valid), weight: 1 }, ...(near.length > 0 ? [{ arbitrary: fc.constantFrom(...near), weight: 2 }] : []));
}

/** A code field: other codes of the list (valid), and codes as nobody should type them. */
function codeField(list: LookupList, valid: string): fc.Arbitrary<Value> {
  const others = (LOOKUPS[list] as readonly string[]).filter((c) => c !== valid);
  return caseField(valid, [...others.slice(0, 2), valid.toUpperCase(), ` ${valid}`, `${valid}\u0000`, `${valid}\u200B`, '__proto__', 'toString', 'constructor', '']);
}

/** Dates: the valid one in Thai digits, impossible days, the edges of the date of birth, other shapes. */
const DATE_NEAR: Value[] = [
  '2026-03-01',
  '\u0E52\u0E50\u0E52\u0E56-\u0E50\u0E53-\u0E50\u0E52',
  '1990-01-01',
  '1989-12-31',
  '2024-02-29',
  '2023-02-29',
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '9999-12-31',
  '2026-3-2',
  ' 2026-03-02 ',
  '2026-03-02T00',
  '+02026-03-02',
  '2026\u201103\u201102',
  '',
];

/** Free text: the valid value, empty, at and over the cap, Thai, Burmese (Unicode and Zawgyi). */
function textField(valid: string, max: number): fc.Arbitrary<Value> {
  return caseField(valid, ['', ' ', 'D'.repeat(max), 'D'.repeat(max + 1), '\u0E2A\u0E21\u0E0A\u0E32\u0E22', '\u1019\u1004\u103A\u1038', '\u1019\u1004\u1039\u1038', `${valid}\u0000`]);
}

/** The details of the registration and edit forms: a valid body, and hostile values for every field. */
function detailsForm(givenName: string): { valid: Record<string, Value>; hostile: Fields } {
  const details = caseDetails({ givenName });
  const valid = Object.fromEntries(Object.entries(details).map(([k, v]) => [k, asSent(v)]));
  const types = LOOKUPS.exploitationType;
  const hostile: Fields = {
    riskLevel: codeField('riskLevel', details.riskLevel),
    exploitationTypes: fc.oneof(codeField('exploitationType', 'livestream_abuse'), fc.constantFrom<Value>([types[0], types[1]], [...types], [...types, types[0]], [], [types[0], types[0]], [types[0], { $ne: null }])),
    intakeDate: caseField(details.intakeDate, DATE_NEAR),
    identifiedBy: codeField('identifiedBy', details.identifiedBy),
    source: codeField('intakeSource', details.source),
    givenName: textField(givenName, 100),
    familyName: textField(details.familyName, 100),
    givenNameLocal: textField('', 100),
    familyNameLocal: textField('', 100),
    nickname: textField('', 100),
    sex: codeField('sex', details.sex),
    dateOfBirth: caseField(details.dateOfBirth, DATE_NEAR),
    estimatedAge: caseField('', ['7', '\u0E51\u0E52', '\u0661\u0662', '123', '-1', '1.5', ' 9 ', '1e1']),
    nationality: caseField(details.nationality, ['ph', 'TH', 'XX', '\u00DF', 'PHL', 'P1', '\u01C6', ' ph ', 'p\u0307h', '\u0131d']),
    languages: fc.oneof(caseField('ceb'), fc.constantFrom<Value>('th', ['ceb', 'th'], ['ceb', 'ceb'], Array<Value>(11).fill('th'), 'xx', ['__proto__'], 'toString', 'CEB', '', 'ceb\u0000')),
    disability: codeField('disability', details.disability),
    placement: codeField('placement', details.placement),
    location: caseField(details.location, ['ph-07-072217', 'PH', 'PH-', 'PH--07', 'PH-07-072217-1-2-3', `PH-${'A'.repeat(13)}`, '../PH', 'PH-07\u0000', 'ph-\u0131', 'P'.repeat(61)]),
    school: textField('', 200),
  };
  return { valid, hostile };
}

/** What a case, a note or a task has that no form sets. */
const RECORD_KEYS = ['status', 'organisationId', 'caseNumber', 'caseworkerIds', 'supervisorId', 'team', 'riskRank', 'searchTokens', 'child', 'child[secret]', 'child.secret', 'closure', 'consents', 'family', '__v', '_id', 'demo', 'attachmentBytes', 'caseId', 'authorId', 'createdBy', 'doneAt', 'recordedBy'];

/**
 * A case form's fields as a browser nearly sent them: every field valid but up to two, which take a
 * hostile value, now and then a field left out (or, for a query, any of them), and now and then a field
 * of the record that the form does not have, or a hostile key.
 */
function nearly(valid: Record<string, Value>, hostile: Fields, tempting: fc.Arbitrary<Value>, options: { subset?: boolean } = {}): fc.Arbitrary<Entry[]> {
  const names = Object.keys(valid);
  const extra: fc.Arbitrary<Entry> = fc.oneof(fc.tuple(fc.constantFrom(...RECORD_KEYS), fc.oneof(value, tempting)), fc.tuple(hostileKey(names), value));
  const changed = fc.uniqueArray(fc.constantFrom(...Object.keys(hostile)), { minLength: 1, maxLength: 2 }).chain((keys) => fc.tuple(...keys.map((k) => hostile[k]!.map((v): Entry => [k, v]))));
  const allButOne = fc.constantFrom(...names).map((left) => names.filter((k) => k !== left));
  return fc
    .record({
      changed: fc.oneof({ arbitrary: fc.constant<Entry[]>([]), weight: 2 }, { arbitrary: changed, weight: 3 }),
      kept: options.subset ? fc.subarray(names) : fc.oneof({ arbitrary: fc.constant(names), weight: 5 }, { arbitrary: allButOne, weight: 1 }),
      extra: fc.oneof({ arbitrary: fc.constant<Entry[]>([]), weight: 3 }, { arbitrary: extra.map((e) => [e]), weight: 1 }),
    })
    .map(({ changed: replaced, kept, extra: more }) => {
      const by = new Map<string, Value>(replaced);
      const own = names.filter((k) => by.has(k) || kept.includes(k)).map((k): Entry => [k, by.has(k) ? by.get(k)! : valid[k]!]);
      return [...own, ...replaced.filter(([k]) => !names.includes(k)), ...more];
    });
}

/** Bodies for a case form: nearly valid ones, and `shots()`, hostile throughout, with the same values. */
function caseShots(valid: Record<string, Value>, hostile: Fields, required: string[], tempting: fc.Arbitrary<Value>): fc.Arbitrary<Shot> {
  const pick = (keep: (k: string) => boolean) => Object.fromEntries(Object.entries(hostile).filter(([k]) => keep(k)));
  const near = fc.tuple(fc.constantFrom('form' as const, 'json' as const), nearly(valid, hostile, tempting)).map(([kind, entries]): Shot => ({ kind, entries }));
  return fc.oneof({ arbitrary: near, weight: 3 }, { arbitrary: shots(pick((k) => required.includes(k)), pick((k) => !required.includes(k))), weight: 1 });
}

/** The valid body itself, as a browser sends it: each property meets it first. */
const plainForm = (valid: Record<string, Value>): Shot => ({ kind: 'form', entries: Object.entries(valid) });

const CASE_KEYS = ['_id', 'organisationId', 'caseNumber', 'status', 'riskLevel', 'riskRank', 'exploitationTypes', 'intake', 'caseworkerIds', 'supervisorId', 'team', 'child', 'family', 'familyAssessment', 'consents', 'closure', 'searchTokens', 'attachmentBytes', 'demo', 'createdAt', 'updatedAt', '__v'];
const CHILD_KEYS = ['sex', 'nationality', 'languages', 'disability', 'placement', 'secret'];
const INTAKE_KEYS = ['date', 'identifiedBy', 'source'];
const MEMBER_KEYS = ['_id', 'relationship', 'exploitationRole', 'livesWithChild', 'guardian', 'secret'];
const CONSENT_KEYS = ['_id', 'purpose', 'organisationId', 'givenBy', 'date', 'formVersion', 'recordedBy', 'withdrawnAt', 'withdrawnBy'];
const NOTE_KEYS = ['_id', 'caseId', 'organisationId', 'type', 'date', 'language', 'secret', 'authorId', 'demo', 'createdAt', 'updatedAt', '__v'];
const TASK_KEYS = ['_id', 'caseId', 'organisationId', 'secret', 'dueDate', 'createdBy', 'assigneeId', 'doneAt', 'doneBy', 'demo', 'createdAt', 'updatedAt', '__v'];

const unknownKeys = (doc: unknown, allowed: string[]) => Object.keys((doc ?? {}) as object).filter((k) => !allowed.includes(k));

/**
 * Every case, read through the driver: only the schema's fields (at every level), still `open`, in
 * one of the organisations of the test, with codes from the lookups.
 */
async function expectCasesInShape(organisations: string[], what: string): Promise<void> {
  for (const doc of await CaseModel.collection.find({}).toArray()) {
    const label = `${what}: case ${String(doc._id)}`;
    expect(unknownKeys(doc, CASE_KEYS), `${label} fields`).to.deep.equal([]);
    expect(unknownKeys(doc.child, CHILD_KEYS), `${label} child fields`).to.deep.equal([]);
    expect(unknownKeys(doc.intake, INTAKE_KEYS), `${label} intake fields`).to.deep.equal([]);
    for (const m of (doc.family ?? []) as unknown[]) expect(unknownKeys(m, MEMBER_KEYS), `${label} family member fields`).to.deep.equal([]);
    for (const c of (doc.consents ?? []) as unknown[]) expect(unknownKeys(c, CONSENT_KEYS), `${label} consent fields`).to.deep.equal([]);
    expect(doc.status, `${label} status`).to.equal('open');
    expect(organisations, `${label} organisation`).to.include(String(doc.organisationId));
    expect(LOOKUPS.riskLevel as readonly string[], `${label} risk level`).to.include(doc.riskLevel);
    expect(LOOKUPS.exploitationType as readonly string[], `${label} exploitation types`).to.include.members(doc.exploitationTypes as string[]);
    expect(doc.caseNumber, `${label} case number`).to.be.a('string');
  }
}

/** The cases with these ids, as stored (to compare before and after). */
async function casesSnapshot(ids: string[]): Promise<string[]> {
  const docs = await CaseModel.collection.find({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } }).sort({ _id: 1 }).toArray();
  return docs.map((d) => JSON.stringify(d));
}

/** One case as stored, without the fields a form is allowed to change. */
async function caseWithout(id: string, changing: string[]): Promise<string> {
  const doc = await CaseModel.collection.findOne({ _id: new Types.ObjectId(id) });
  return JSON.stringify(Object.fromEntries(Object.entries(doc ?? {}).filter(([k]) => !changing.includes(k))));
}

/** The ids of the cases a list page shows in its rows, and the rows' text. */
function listRows(html: string): { ids: string[]; text: string } {
  const text = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
  return { ids: [...text.matchAll(/\/cases\/([0-9a-f]{24})/g)].map((m) => m[1]!), text };
}

/** The case an answer redirects to, if any. */
const caseIdIn = (location: unknown) => /^\/cases\/([0-9a-f]{24})\?/.exec(String(location))?.[1];

/** Runs per form: enough to meet every kind of value a few times, within the suite's time budget. */
const RUNS = 20;
const FEW_RUNS = 12;

describe('hostile input on every form (SECURITY.md I1-I3, O4)', function () {
  // Room for fast-check to shrink a failure on a busy machine; a passing run takes well under that.
  this.timeout(60_000);
  useDatabase('hostile');

  let app: Express;
  before(async () => {
    app = await testApp({ ipLimit: { limit: 100_000, windowMs: 60_000 } });
  });

  afterEach(() => expectNothingPolluted());

  it('the sign-in form answers 401 or 429 to anything hostile and never signs anyone in', async () => {
    const caseworker = await buildUser({ roles: ['caseworker'] });
    // No second factor for an account without roles: an injection that worked would give a full session.
    const bare = await buildUser({ roles: [] });
    // The check can see a sign-in: the plain form with the right address and password gives a session.
    const control = request.agent(app);
    const controlToken = csrfFrom((await control.get('/login')).text);
    const signedIn = await control.post('/login').type('form').send({ _csrf: controlToken, email: bare.email, password: bare.password });
    expect(signedIn.status).to.equal(303);
    expect((await control.get('/account')).status).to.equal(200);
    const signIns = await AuditEntryModel.countDocuments({ action: 'sign_in', outcome: 'success' });
    const before = await usersSnapshot();
    const email = fc.oneof(fc.constantFrom(caseworker.email, bare.email).chain(wrapped), value);
    const password = fc.oneof(fc.constantFrom<Value>(caseworker.password, [caseworker.password, caseworker.password], { $ne: null }, { $gt: '' }), value);
    await fc.assert(
      fc.asyncProperty(shots({ email, password }, { next: returnTo }), async (shot) => {
        const agent = request.agent(app);
        const token = csrfFrom((await agent.get('/login')).text);
        const res = await send(agent, '/login', token, shot);
        const what = `POST /login ${describeShot(shot)}`;
        expectAnswer(res, [401, 429], what);
        await expectAnonymous(agent, what);
      }),
      { numRuns: RUNS },
    );
    expect(await AuditEntryModel.countDocuments({ action: 'sign_in', outcome: 'success' })).to.equal(signIns);
    expect(await usersSnapshot()).to.deep.equal(before);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the reset request shows the same page for anything hostile and mails no link', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const email = fc.oneof(wrapped(user.email), value);
    await fc.assert(
      fc.asyncProperty(shots({ email }), async (shot) => {
        const agent = request.agent(app);
        const token = csrfFrom((await agent.get('/reset')).text);
        const res = await send(agent, '/reset', token, shot);
        const what = `POST /reset ${describeShot(shot)}`;
        expectAnswer(res, [200], what);
        await expectAnonymous(agent, what);
      }),
      { numRuns: RUNS },
    );
    expect(await AuthTokenModel.countDocuments({})).to.equal(0);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the reset and invitation links never open, nor set a password, with a hostile token while live tokens exist', async () => {
    const active = await buildUser({ roles: ['caseworker'] });
    const invited = await buildUser({ roles: ['caseworker'], status: 'invited' });
    const tokens = {
      reset: plant(await issueToken(new Types.ObjectId(active.id), 'reset')),
      invite: plant(await issueToken(new Types.ObjectId(invited.id), 'invite')),
    };
    const before = await usersSnapshot();
    const good = plant('Lanterns drift above the harbour at dusk');
    const password = fc.oneof(fc.constant<Value>(good), value);
    const form = (kind: 'reset' | 'invite') =>
      shots({ token: fc.oneof(wrapped(tokens[kind]), value), password, confirm: fc.oneof(fc.constant<Value>(new Ref('password')), password) });
    const paths = { reset: '/reset/password', invite: '/invite' } as const;

    await fc.assert(
      fc.asyncProperty(fc.constantFrom('reset' as const, 'invite' as const), queries({ token: fc.oneof(wrapped(tokens.reset, { strict: false }), wrapped(tokens.invite, { strict: false }), value), lng: locale }), async (kind, query) => {
        const res = await request(app).get(`${paths[kind]}?${formText(query)}`);
        expectAnswer(res, [404], `GET ${paths[kind]}?${formText(query).slice(0, 300)}`);
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('reset' as const, 'invite' as const).chain((k) => form(k).map((shot) => [k, shot] as const)), async ([kind, shot]) => {
        const agent = request.agent(app);
        const token = csrfFrom((await agent.get(kind === 'reset' ? '/reset' : '/login')).text);
        const res = await send(agent, paths[kind], token, shot);
        const what = `POST ${paths[kind]} ${describeShot(shot)}`;
        expectAnswer(res, [404, 422], what);
        await expectAnonymous(agent, what);
      }),
      { numRuns: RUNS },
    );
    expect(await usersSnapshot(), 'no password set, no invitation accepted').to.deep.equal(before);
    expect(await AuthTokenModel.countDocuments({ usedAt: null }), 'both tokens still unused').to.equal(2);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('a live reset token with a hostile password either sets that very string or shows the form again', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const password = fc.oneof(value, fc.string({ unit: 'grapheme', minLength: 12, maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(shots({ token: fc.constant<Value>(new Ref('token')), password, confirm: fc.oneof(fc.constant<Value>(new Ref('password')), password) }), async (shot) => {
        const live = plant(await issueToken(new Types.ObjectId(user.id), 'reset'));
        const agent = request.agent(app);
        const token = csrfFrom((await agent.get(`/reset/password?token=${live}`)).text);
        const res = await send(agent, '/reset/password', token, shot, { token: live });
        const what = `POST /reset/password ${describeShot(shot)}`;
        expectAnswer(res, [303, 404, 422], what);
        if (res.status === 303) {
          const chosen = sentText(shot, 'password', { token: live });
          expect(chosen, `${what}: only a single text becomes a password`).to.be.a('string');
          plantIfDistinctive(chosen!);
        }
        await expectAnonymous(agent, what);
      }),
      { numRuns: RUNS },
    );
    const after = await UserModel.findById(user.id).lean();
    expect(after!.roles).to.deep.equal(['caseworker']);
    expect(after!.status).to.equal('active');
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the second-factor form refuses any hostile code and the session stays half signed in', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const { agent, res: signedIn } = await signInWithPassword(app, user);
    expect(signedIn.headers.location).to.match(/^\/mfa/);
    const before = await UserModel.findById(user.id).lean();
    const code = fc.oneof(value, fc.constantFrom<Value>({ $ne: null }, ['000000', '111111'], { $regex: '.*' }, '0'.repeat(7), '\u0E51'.repeat(7), ' ', { $gt: '' }));
    await fc.assert(
      fc.asyncProperty(shots({ code }, { next: returnTo }), async (shot) => {
        const token = csrfFrom((await agent.get('/mfa')).text);
        const res = await send(agent, '/mfa', token, shot);
        const what = `POST /mfa ${describeShot(shot)}`;
        expectAnswer(res, [401, 422], what);
        const account = await agent.get('/account');
        expect(account.status, what).to.equal(303);
        expect(account.headers.location, what).to.equal('/mfa');
      }),
      { numRuns: RUNS },
    );
    const after = await UserModel.findById(user.id).lean();
    expect(after!.mfa?.lastStep).to.equal(before!.mfa?.lastStep);
    expect(after!.mfa?.recoveryCodes).to.deep.equal(before!.mfa?.recoveryCodes);
    expect(await AuditEntryModel.collection.countDocuments({ action: { $in: ['mfa_verify', 'mfa_recovery_used'] }, outcome: 'success' })).to.equal(0);
    expectNothingPolluted();
  });

  it('second-factor enrolment refuses any hostile code and enrols nothing', async () => {
    const user = await buildUser({ roles: ['caseworker'], mfa: false });
    const { agent, res: signedIn } = await signInWithPassword(app, user);
    expect(signedIn.headers.location).to.equal('/mfa/setup');
    const code = fc.oneof(value, fc.constantFrom<Value>({ $ne: null }, ['000000', '111111'], '\u0E51'.repeat(7), { $exists: true }));
    await fc.assert(
      fc.asyncProperty(shots({ code }, { next: returnTo }), async (shot) => {
        const token = csrfFrom((await agent.get('/mfa/setup')).text);
        const res = await send(agent, '/mfa/setup', token, shot);
        const what = `POST /mfa/setup ${describeShot(shot)}`;
        expectAnswer(res, [422], what);
        const account = await agent.get('/account');
        expect(account.status, what).to.equal(303);
        expect(account.headers.location, what).to.equal('/mfa/setup');
      }),
      { numRuns: RUNS },
    );
    const after = await UserModel.findById(user.id).lean();
    expect(after!.mfa?.secret).to.equal(undefined);
    expect(await AuditEntryModel.countDocuments({ action: 'mfa_enrol', outcome: 'success' })).to.equal(0);
    expectNothingPolluted();
  });

  it('a signed-in user’s own forms (preferences, language, password) take only what they should', async () => {
    const user = await buildUser({ roles: ['caseworker'] });
    const agent = await signIn(app, user);
    const others = await buildUser({ roles: ['caseworker'] });
    const count = await UserModel.countDocuments({});
    const check = async (what: string) => {
      const me = await UserModel.findById(user.id).lean();
      expect(me!.roles, what).to.deep.equal(['caseworker']);
      expect(LOCALES as readonly string[], what).to.include(me!.locale);
      expect(['default', 'gregory', undefined, null], what).to.include(me!.calendar);
      expect(await UserModel.countDocuments({}), what).to.equal(count);
      const other = await UserModel.findById(others.id).lean();
      expect([other!.locale, other!.calendar ?? 'default', other!.__v], what).to.deep.equal(['en', 'default', 0]);
    };

    await fc.assert(
      fc.asyncProperty(shots({ locale, calendar: fc.oneof(value, fc.constantFrom<Value>('GREGORY', 'gregorian', { $ne: null }, ['default', 'gregory'])) }), async (shot) => {
        const res = await send(agent, '/account/preferences', await tokenOf(agent), shot);
        const what = `POST /account/preferences ${describeShot(shot)}`;
        expectAnswer(res, [303, 422], what);
        await check(what);
      }),
      { numRuns: FEW_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(shots({ locale }, { returnTo }), async (shot) => {
        const res = await send(agent, '/account/language', await tokenOf(agent), shot);
        const what = `POST /account/language ${describeShot(shot)}`;
        expectAnswer(res, [303, 422], what);
        if (res.status === 303) expect(res.headers.location, `${what}: a local path only`).to.match(/^\/(?![/\\])/);
        await check(what);
      }),
      { numRuns: FEW_RUNS },
    );

    let current: string = user.password;
    const next = fc.oneof(value, fc.string({ unit: 'grapheme', minLength: 12, maxLength: 40 }));
    await fc.assert(
      fc.asyncProperty(shots({ current: fc.oneof(fc.constant<Value>(new Ref('current')), value), next, confirm: fc.oneof(fc.constant<Value>(new Ref('next')), next) }), async (shot) => {
        const res = await send(agent, '/account/password', await tokenOf(agent), shot, { current });
        const what = `POST /account/password ${describeShot(shot)}`;
        expectAnswer(res, [303, 422], what);
        if (res.status === 303) {
          const chosen = sentText(shot, 'next', { current });
          expect(chosen, `${what}: only a single text becomes a password`).to.be.a('string');
          current = chosen!;
          plantIfDistinctive(current);
        }
        expect((await agent.get('/account')).status, `${what}: still signed in`).to.equal(200);
        await check(what);
      }),
      { numRuns: RUNS },
    );
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  /** An admin with a colleague in the same organisation and a stranger in another. */
  async function adminScene() {
    const admin = await buildUser({ roles: ['admin'] });
    const colleague = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const stranger = await buildUser({ roles: ['caseworker'] });
    return { admin, colleague, stranger, agent: await signIn(app, admin), before: await usersSnapshot() };
  }

  it('the invitation form creates no user, whatever operator or key is sent', async () => {
    const { admin, colleague, agent, before } = await adminScene();
    const email = fc.oneof(value, wrapped(colleague.email), fc.constantFrom<Value>(colleague.email.toUpperCase(), ` ${colleague.email} `, `${colleague.email}\u0000`, 'a@b', '@test.haven.example'));
    // The issue's own example first: an operator object where the address goes, in JSON.
    const example: Shot = { kind: 'json', entries: [['email', { $ne: null }], ['name', 'Someone (fictional)'], ['roles', 'caseworker'], ['locale', 'en']] };
    await fc.assert(
      fc.asyncProperty(shots({ email, roles }, { name: value, team: value, locale }), async (shot) => {
        const res = await send(agent, '/admin/users', await tokenOf(agent, '/admin/users/new'), shot);
        const what = `POST /admin/users ${describeShot(shot)}`;
        expectAnswer(res, [422], what);
        expect(await usersSnapshot(), what).to.deep.equal(before);
      }),
      { numRuns: RUNS, examples: [[example]] },
    );
    expect((await UserModel.findById(admin.id).lean())!.roles).to.deep.equal(['admin']);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the user edit form changes no user and no role, the admin’s own included, whatever operator or key is sent', async () => {
    const { admin, colleague, stranger, agent, before } = await adminScene();
    const target = fc.oneof({ arbitrary: fc.constantFrom(admin.id, colleague.id, stranger.id, admin.organisationId), weight: 3 }, { arbitrary: fc.constantFrom(...hostileIds), weight: 1 });
    await fc.assert(
      fc.asyncProperty(target, shots({ roles, locale }, { name: value, team: value, version }), async (id, shot) => {
        const res = await send(agent, `/admin/users/${id}`, await tokenOf(agent, '/admin/users/new'), shot);
        const what = `POST /admin/users/${id.slice(0, 40)} ${describeShot(shot)}`;
        expectAnswer(res, [404, 422], what);
        expect(await usersSnapshot(), what).to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
    expect((await UserModel.findById(admin.id).lean())!.roles).to.deep.equal(['admin']);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the organisation forms create and change nothing, whatever operator or key is sent', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const other = await buildOrganisation();
    const agent = await signIn(app, admin);
    const own = await OrganisationModel.findById(admin.organisationId).lean();
    const before = await organisationsSnapshot();
    const names = Object.fromEntries(['name_en', 'name_th', 'name_my', 'name_zz', 'name___proto__'].map((k) => [k, value]));
    const country = fc.oneof(value, fc.constantFrom<Value>({ $ne: null }, ['PH', 'TH'], 'PHL', 'P1', '\u00DF'));
    const code = fc.oneof(value, fc.constantFrom<Value>(own!.code, { $ne: null }, [own!.code, own!.code], { $regex: '.*' }));

    await fc.assert(
      fc.asyncProperty(shots({ code, preferredLocale: locale }, { country, services: value, ...names }), async (shot) => {
        const res = await send(agent, '/admin/organisations', await tokenOf(agent, '/admin/organisations/new'), shot);
        const what = `POST /admin/organisations ${describeShot(shot)}`;
        expectAnswer(res, [422], what);
        expect(await organisationsSnapshot(), what).to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
    const target = fc.oneof({ arbitrary: fc.constantFrom(admin.organisationId, other.id, admin.id), weight: 3 }, { arbitrary: fc.constantFrom(...hostileIds), weight: 1 });
    await fc.assert(
      fc.asyncProperty(target, shots({ preferredLocale: locale }, { country, services: value, version, ...names }), async (id, shot) => {
        const res = await send(agent, `/admin/organisations/${id}`, await tokenOf(agent, '/admin/organisations/new'), shot);
        const what = `POST /admin/organisations/${id.slice(0, 40)} ${describeShot(shot)}`;
        expectAnswer(res, [404, 422], what);
        expect(await organisationsSnapshot(), what).to.deep.equal(before);
      }),
      { numRuns: RUNS },
    );
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('hostile Unicode in free-text fields is stored or refused, and every admin page still renders', async () => {
    const admin = await buildUser({ roles: ['admin'] });
    const colleague = await buildUser({ roles: ['caseworker'], organisationId: admin.organisationId });
    const agent = await signIn(app, admin);
    const kind = fc.constantFrom('form' as const, 'json' as const);

    await fc.assert(
      fc.asyncProperty(kind, hostileString, fc.option(hostileString, { nil: undefined }), async (k, name, team) => {
        const version = (await UserModel.findById(colleague.id).lean())!.__v ?? 0;
        const entries: Entry[] = [['name', name], ['roles', 'caseworker'], ['locale', 'en'], ['version', String(version)], ...(team === undefined ? [] : [['team', team] as Entry])];
        const shot: Shot = { kind: k, entries };
        const res = await send(agent, `/admin/users/${colleague.id}`, await tokenOf(agent, `/admin/users/${colleague.id}`), shot);
        const what = `POST /admin/users/:id ${describeShot(shot)}`;
        expectAnswer(res, [303, 422], what);
        const stored = (await UserModel.findById(colleague.id).lean())!;
        expect(stored.roles, what).to.deep.equal(['caseworker']);
        expect(stored.name, `${what}: stored in NFC`).to.equal(stored.name.normalize('NFC'));
        expect((await agent.get('/admin/users')).status, `${what}: the list`).to.equal(200);
        expect((await agent.get(`/admin/users/${colleague.id}`)).status, `${what}: the user's page`).to.equal(200);
      }),
      { numRuns: FEW_RUNS },
    );
    await fc.assert(
      fc.asyncProperty(kind, hostileString, hostileString, fc.constantFrom('en', 'th', 'my', 'km'), async (k, name, services, lng) => {
        const version = (await OrganisationModel.findById(admin.organisationId).lean())!.__v ?? 0;
        const entries: Entry[] = [['country', 'PH'], ['preferredLocale', 'en'], ['version', String(version)], ['name_en', name], [`name_${lng}`, name], ['services', services]];
        const shot: Shot = { kind: k, entries };
        const res = await send(agent, `/admin/organisations/${admin.organisationId}`, await tokenOf(agent, '/admin/organisations/new'), shot);
        const what = `POST /admin/organisations/:id ${describeShot(shot)}`;
        expectAnswer(res, [303, 422], what);
        expect((await agent.get('/admin/organisations')).status, `${what}: the list`).to.equal(200);
        expect((await agent.get(`/admin/organisations/${admin.organisationId}`)).status, `${what}: the form`).to.equal(200);
      }),
      { numRuns: FEW_RUNS },
    );
    expect((await UserModel.findById(admin.id).lean())!.roles).to.deep.equal(['admin']);
    expectNothingPolluted();
  });

  it('the audit search and breach report answer 200 or 422 to any hostile query', async () => {
    const auditor = await buildUser({ roles: ['auditor'] });
    const agent = await signIn(app, auditor);
    const user = fc.oneof(value, fc.constantFrom<Value>(auditor.email, { $ne: null }, { $regex: '.*' }, '.*', '', [auditor.email, auditor.email]));
    const when = fc.oneof(value, fc.constantFrom<Value>('2024-01-01', '2024-02-30', '0000-01-01', '9999-12-31T23:59:59', '2024-13-01', '2024-01-01T25:00', '+275760-09-13', '2024-01-01T00:00:00.000Z', '\u0661\u0669\u0667\u0660-01-01', { $gt: '' }));
    const page = fc.oneof(value, fc.constantFrom<Value>('0', '-1', '1e3', '10001', '0x10', 'Infinity', 'NaN', '1.5', ' 2 ', '9'.repeat(400)));
    const action = fc.oneof(value, fc.constantFrom<Value>('sign_in', 'SIGN_IN', { $ne: null }, ['sign_in', 'sign_out'], '__proto__', 'toString'));
    const query = queries({ user, action, record: value, from: when, to: when, page, lng: locale });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/audit', '/audit/report'), query, async (path, q) => {
        const res = await agent.get(`${path}?${formText(q)}`);
        const what = `GET ${path}?${formText(q).slice(0, 300)}`;
        expectAnswer(res, [200, 422], what);
      }),
      { numRuns: RUNS * 2 },
    );
    expect((await agent.get('/audit')).status, 'the auditor is still signed in').to.equal(200);
    expectNothingPolluted();
  });

  /**
   * A caseworker of team north with a case of their own and a signed-in session, a colleague of team
   * south with theirs, a supervisor of team north, and a caseworker of another organisation with a case
   * there. The CSRF token is the session's, read once from a page with a form.
   */
  async function caseScene() {
    const worker = await buildUser({ roles: ['caseworker'], team: 'north' });
    const colleague = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'south' });
    const supervisor = await buildUser({ roles: ['supervisor'], organisationId: worker.organisationId, team: 'north' });
    const stranger = await buildUser({ roles: ['caseworker'] });
    const mine = await buildCase(worker, { givenName: 'Demomine' }, { team: 'north' });
    const theirs = await buildCase(colleague, { givenName: 'Demotheirs' }, { team: 'south' });
    const elsewhere = await buildCase(stranger, { givenName: 'Demoelsewhere' });
    const agent = await signIn(app, worker);
    const token = await tokenOf(agent, `/cases/${mine}`);
    const tempting = fc.constantFrom<Value>('closed', 'active', stranger.organisationId, colleague.id, stranger.id, theirs, elsewhere, 'PH-2026-99999', true, 1e9, { $set: { status: 'closed' } }, [colleague.id, worker.id]);
    const target = fc.oneof({ arbitrary: fc.constant(mine), weight: 6 }, { arbitrary: fc.constantFrom(theirs, elsewhere), weight: 1 }, { arbitrary: fc.constantFrom(...hostileIds), weight: 1 });
    return { worker, colleague, supervisor, stranger, mine, theirs, elsewhere, agent, token, tempting, target, organisations: [worker.organisationId, stranger.organisationId] };
  }

  it('the registration form registers only open cases of the caller’s organisation, assigned as the rules say, whatever operator or key is sent', async () => {
    const s = await caseScene();
    const supervisorAgent = await signIn(app, s.supervisor);
    const supervisorToken = await tokenOf(supervisorAgent, '/cases/new');
    const existing = [s.mine, s.theirs, s.elsewhere];
    const before = await casesSnapshot(existing);
    const { valid, hostile } = detailsForm('Demoregistered');
    const required = ['riskLevel', 'intakeDate', 'identifiedBy', 'source'];
    const people = [s.worker.id, s.colleague.id, s.supervisor.id, s.stranger.id, [s.worker.id, s.colleague.id], [s.worker.id, s.stranger.id], [], '', 'ffffffffffffffffffffffff', s.worker.organisationId];
    const person = (real: string) => caseField(real, [...people, real.toUpperCase(), ` ${real}`, `${real}\u0000`]);
    const assignment: Fields = { caseworkerIds: person(s.colleague.id), supervisorId: person(s.supervisor.id) };

    let registered = 0;
    const register = async (registrar: TestUser, agent: Agent, token: string, shot: Shot) => {
      const count = await CaseModel.countDocuments({});
      const res = await send(agent, '/cases', token, shot);
      const what = `POST /cases as ${registrar.roles.join()} ${describeShot(shot)}`;
      expectAnswer(res, [303, 422], what);
      expect(await CaseModel.countDocuments({}), `${what}: cases registered`).to.equal(count + (res.status === 303 ? 1 : 0));
      expect(await casesSnapshot(existing), `${what}: the cases already there`).to.deep.equal(before);
      await expectCasesInShape(s.organisations, what);
      if (res.status !== 303) return;
      registered += 1;
      const id = caseIdIn(res.headers.location);
      expect(id, `${what}: redirects to the new case`).to.be.a('string');
      const stored = (await CaseModel.findById(id).lean())!;
      expect(String(stored.organisationId), `${what}: organisation`).to.equal(s.worker.organisationId);
      expect(stored.riskLevel, `${what}: the risk level sent`).to.equal(sentText(shot, 'riskLevel', {}));
      expect(stored.team, `${what}: the registrar's team`).to.equal('north');
      const workers = stored.caseworkerIds.map(String);
      if (registrar === s.worker) {
        expect(workers, `${what}: assigned to the caseworker who registered it`).to.deep.equal([s.worker.id]);
        expect(stored.supervisorId, `${what}: no supervisor`).to.equal(undefined);
      } else {
        expect([s.worker.id, s.colleague.id], `${what}: caseworkers of the organisation only`).to.include.members(workers);
        expect(String(stored.supervisorId), `${what}: the organisation's supervisor`).to.equal(s.supervisor.id);
      }
      expect((await agent.get(`/cases/${id}`)).status, `${what}: the new case's page`).to.equal(200);
    };

    await fc.assert(
      fc.asyncProperty(caseShots(valid, { ...hostile, ...assignment }, required, s.tempting), (shot) => register(s.worker, s.agent, s.token, shot)),
      { numRuns: RUNS, examples: [[plainForm(valid)]] },
    );
    expect(registered, 'the caseworker registered cases').to.be.above(0);
    registered = 0;
    const supervised = { ...valid, caseworkerIds: s.colleague.id, supervisorId: s.supervisor.id };
    await fc.assert(
      fc.asyncProperty(caseShots(supervised, { ...hostile, ...assignment }, required, s.tempting), (shot) => register(s.supervisor, supervisorAgent, supervisorToken, shot)),
      { numRuns: FEW_RUNS, examples: [[plainForm(supervised)]] },
    );
    expect(registered, 'the supervisor registered cases').to.be.above(0);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the details form changes only the caller’s own case, and only its details, whatever operator or key is sent', async () => {
    const s = await caseScene();
    const others = await casesSnapshot([s.theirs, s.elsewhere]);
    const details = ['riskLevel', 'riskRank', 'exploitationTypes', 'intake', 'child', 'searchTokens', '__v', 'updatedAt'];
    const fixed = await caseWithout(s.mine, details);
    const { valid, hostile } = detailsForm('Demomine');
    const stale = fc.oneof(fc.constantFrom<Value>(new Ref('version'), '0', '1', '\u0E50'), version);
    const body = { ...valid, version: new Ref('version') };
    // A first save, so that a form read at version 0 is stale (V3): the details changed since.
    const first = await send(s.agent, `/cases/${s.mine}`, s.token, plainForm({ ...body, riskLevel: 'critical' }), { version: '0' });
    expect(first.status, first.text.slice(0, 500)).to.equal(303);
    const form = caseShots(body, { ...hostile, version: stale }, ['riskLevel', 'intakeDate', 'identifiedBy', 'source', 'version'], s.tempting);
    let saved = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(s.target, form, async (id, shot) => {
        const before = await casesSnapshot([s.mine]);
        const refs = { version: String((await CaseModel.findById(s.mine).lean())!.__v) };
        const res = await send(s.agent, `/cases/${id}`, s.token, shot, refs);
        const what = `POST /cases/${id.slice(0, 40)} ${describeShot(shot)}`;
        expectAnswer(res, id === s.mine ? [303, 409, 422] : [404], what);
        if (res.status === 409) refused += 1;
        if (res.status !== 303) expect(await casesSnapshot([s.mine]), `${what}: the case`).to.deep.equal(before);
        expect(await casesSnapshot([s.theirs, s.elsewhere]), `${what}: the other cases`).to.deep.equal(others);
        expect(await caseWithout(s.mine, details), `${what}: the case beyond its details`).to.equal(fixed);
        await expectCasesInShape(s.organisations, what);
        if (res.status === 303) {
          saved += 1;
          expect(res.headers.location, what).to.equal(`/cases/${s.mine}?done=saved`);
          expect((await CaseModel.findById(s.mine).lean())!.riskLevel, `${what}: the risk level sent`).to.equal(sentText(shot, 'riskLevel', refs));
          expect((await s.agent.get(`/cases/${s.mine}`)).status, `${what}: the case page`).to.equal(200);
        }
      }),
      { numRuns: RUNS, examples: [[s.mine, plainForm(body)], [s.mine, plainForm({ ...body, riskLevel: 'low', version: '0' })]] },
    );
    expect(saved, 'details saved').to.be.above(0);
    expect(refused, 'stale saves refused').to.be.above(0);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the family and consent forms add only to the caller’s own case, whatever operator or key is sent', async () => {
    const s = await caseScene();
    const partner = await buildOrganisation({ kind: 'partner' });
    const others = await casesSnapshot([s.theirs, s.elsewhere]);
    const added = async (field: 'family' | 'consents') => ((await CaseModel.findById(s.mine).lean())![field] as unknown[]).length;

    const member: Record<string, Value> = { relationship: 'mother', exploitationRole: 'none', livesWithChild: 'on', guardian: 'on', givenName: 'Demomother', familyName: 'Fictional', localName: '', age: '38', contact: 'Barangay hall (fictional)', protectiveFactors: 'Comes to every meeting (demo)' };
    const checkbox = caseField('on', ['ON', 'true', 'off', '1', '', ['on', 'on'], true]);
    const memberFields: Fields = {
      relationship: codeField('relationship', 'mother'),
      exploitationRole: codeField('exploitationRole', 'none'),
      livesWithChild: checkbox,
      guardian: checkbox,
      givenName: textField('Demomother', 100),
      familyName: textField('Fictional', 100),
      localName: textField('', 100),
      age: caseField('38', ['\u0E53\u0E58', '1000', '-1', '3.5', ' 38 ', '']),
      contact: textField('Barangay hall (fictional)', 200),
      protectiveFactors: textField('Comes to every meeting (demo)', 2000),
    };
    let fixed = await caseWithout(s.mine, ['family', '__v', 'updatedAt']);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(s.target, caseShots(member, memberFields, ['relationship', 'exploitationRole'], s.tempting), async (id, shot) => {
        const count = await added('family');
        const before = await casesSnapshot([s.mine]);
        const res = await send(s.agent, `/cases/${id}/family`, s.token, shot);
        const what = `POST /cases/${id.slice(0, 40)}/family ${describeShot(shot)}`;
        expectAnswer(res, id === s.mine ? [303, 422] : [404], what);
        expect(await casesSnapshot([s.theirs, s.elsewhere]), `${what}: the other cases`).to.deep.equal(others);
        expect(await caseWithout(s.mine, ['family', '__v', 'updatedAt']), `${what}: the case beyond its family`).to.equal(fixed);
        expect(await added('family'), `${what}: family members`).to.equal(count + (res.status === 303 ? 1 : 0));
        if (res.status !== 303) expect(await casesSnapshot([s.mine]), `${what}: the case`).to.deep.equal(before);
        await expectCasesInShape(s.organisations, what);
        if (res.status === 303) {
          accepted += 1;
          const last = (await CaseModel.findById(s.mine).lean())!.family.at(-1)!;
          expect(last.relationship, `${what}: the relationship sent`).to.equal(sentText(shot, 'relationship', {}));
        }
      }),
      { numRuns: FEW_RUNS, examples: [[s.mine, plainForm(member)]] },
    );
    expect(accepted, 'family members added').to.be.above(0);
    accepted = 0;

    const consent: Record<string, Value> = { purpose: 'services', organisationId: '', givenBy: 'guardian', date: '2026-03-02', formVersion: 'Consent form v2 (demo)' };
    const consentFields: Fields = {
      purpose: codeField('consentPurpose', 'services'),
      organisationId: fc.oneof(caseField('', [partner.id, s.worker.organisationId, s.stranger.organisationId, partner.id.toUpperCase(), [partner.id, partner.id], 'ffffffffffffffffffffffff']), wrapped(partner.id)),
      givenBy: codeField('consentGivenBy', 'guardian'),
      date: caseField('2026-03-02', DATE_NEAR),
      formVersion: textField('Consent form v2 (demo)', 40),
    };
    fixed = await caseWithout(s.mine, ['consents', '__v', 'updatedAt']);
    await fc.assert(
      fc.asyncProperty(s.target, caseShots(consent, consentFields, ['purpose', 'givenBy', 'date', 'formVersion'], s.tempting), async (id, shot) => {
        const count = await added('consents');
        const before = await casesSnapshot([s.mine]);
        const res = await send(s.agent, `/cases/${id}/consents`, s.token, shot);
        const what = `POST /cases/${id.slice(0, 40)}/consents ${describeShot(shot)}`;
        expectAnswer(res, id === s.mine ? [303, 422] : [404], what);
        expect(await casesSnapshot([s.theirs, s.elsewhere]), `${what}: the other cases`).to.deep.equal(others);
        expect(await caseWithout(s.mine, ['consents', '__v', 'updatedAt']), `${what}: the case beyond its consents`).to.equal(fixed);
        expect(await added('consents'), `${what}: consents`).to.equal(count + (res.status === 303 ? 1 : 0));
        if (res.status !== 303) expect(await casesSnapshot([s.mine]), `${what}: the case`).to.deep.equal(before);
        await expectCasesInShape(s.organisations, what);
        if (res.status === 303) {
          accepted += 1;
          const last = (await CaseModel.findById(s.mine).lean())!.consents.at(-1)!;
          expect(last.purpose, `${what}: the purpose sent`).to.equal(sentText(shot, 'purpose', {}));
          expect(last.organisationId ? String(last.organisationId) : undefined, `${what}: only a referral names an organisation, a partner`).to.equal(last.purpose === 'referral' ? partner.id : undefined);
          expect(String(last.recordedBy), `${what}: recorded by the caller`).to.equal(s.worker.id);
        }
      }),
      { numRuns: FEW_RUNS, examples: [[s.mine, plainForm(consent)]] },
    );
    expect(accepted, 'consents added').to.be.above(0);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the note and task forms add only to the caller’s own case and change no case, whatever operator or key is sent', async () => {
    const s = await caseScene();
    const all = [s.mine, s.theirs, s.elsewhere];
    const cases = await casesSnapshot(all);
    const forms = [
      {
        path: 'notes',
        model: CaseNoteModel,
        keys: NOTE_KEYS,
        author: 'authorId',
        valid: { type: 'home_visit', date: '2026-03-02', language: 'en', text: 'Visited the family; all well (fictional note).' } as Record<string, Value>,
        fields: { type: codeField('noteType', 'home_visit'), date: caseField('2026-03-02', [...DATE_NEAR, '2099-01-01']), language: locale, text: textField('Visited the family (fictional note).', 20_000) } as Fields,
        required: ['type', 'date', 'language', 'text'],
      },
      {
        path: 'tasks',
        model: CaseTaskModel,
        keys: TASK_KEYS,
        author: 'createdBy',
        valid: { title: 'Call the school (demo task)', dueDate: '2026-12-15' } as Record<string, Value>,
        fields: { title: textField('Call the school (demo task)', 300), dueDate: caseField('2026-12-15', DATE_NEAR) } as Fields,
        required: ['title', 'dueDate'],
      },
    ] as const;
    for (const f of forms) {
      const collection = f.model.collection;
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(s.target, caseShots(f.valid, f.fields, [...f.required], s.tempting), async (id, shot) => {
          const count = await collection.countDocuments({});
          const res = await send(s.agent, `/cases/${id}/${f.path}`, s.token, shot);
          const what = `POST /cases/${id.slice(0, 40)}/${f.path} ${describeShot(shot)}`;
          expectAnswer(res, id === s.mine ? [303, 422] : [404], what);
          expect(await casesSnapshot(all), `${what}: the cases`).to.deep.equal(cases);
          await expectCasesInShape(s.organisations, what);
          expect(await collection.countDocuments({}), `${what}: ${f.path} added`).to.equal(count + (res.status === 303 ? 1 : 0));
          if (res.status === 303) accepted += 1;
          for (const doc of await collection.find({}).toArray()) {
            expect(unknownKeys(doc, [...f.keys]), `${what}: fields`).to.deep.equal([]);
            expect([String(doc.caseId), String(doc.organisationId), String(doc[f.author])], `${what}: on the caller's case, by the caller`).to.deep.equal([s.mine, s.worker.organisationId, s.worker.id]);
          }
        }),
        { numRuns: FEW_RUNS, examples: [[s.mine, plainForm(f.valid)]] },
      );
      expect(accepted, `${f.path} added`).to.be.above(0);
    }
    const notes = await CaseNoteModel.find({}).lean();
    expect(LOOKUPS.noteType as readonly string[]).to.include.members(notes.map((n) => n.type));
    expect(LOCALES as readonly string[]).to.include.members(notes.map((n) => n.language));
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('the case list answers 200 or 422 to any hostile query and shows only the caller’s own cases', async () => {
    const s = await caseScene();
    // A case of team south that the supervisor supervises: theirs to see, not the caseworker's.
    const supervised = await buildCase(s.supervisor, { givenName: 'Demosupervised' }, { team: 'south', assignment: { caseworkerIds: [s.colleague.id] } });
    const callers = { caseworker: { agent: s.agent, sees: [s.mine] }, supervisor: { agent: await signIn(app, s.supervisor), sees: [s.mine, supervised] } };
    const names: Record<string, string> = { [s.mine]: 'Demomine', [s.theirs]: 'Demotheirs', [s.elsewhere]: 'Demoelsewhere', [supervised]: 'Demosupervised' };
    // The check can see a row: the plain list shows each caller's own cases, by link and by name.
    for (const { agent, sees } of Object.values(callers)) {
      const rows = listRows((await agent.get('/cases')).text);
      expect([...rows.ids].sort()).to.deep.equal([...sees].sort());
      for (const id of sees) expect(rows.text).to.include(names[id]);
    }
    const numbers = (await CaseModel.find({}).select({ caseNumber: 1 }).lean()).map((c) => c.caseNumber);
    const cursor = ([key, id]: [unknown, unknown]) => Buffer.from(JSON.stringify([key, id])).toString('base64url');
    const after = fc.oneof(
      value,
      fc.tuple(fc.constantFrom<unknown>(null, 0, 3, -1, 1e308, '2026-03-02T00:00:00.000Z', 'not a date', '+275760-09-13T00:00:00.000Z', { $gt: '' }, [1], true), fc.constantFrom<unknown>(s.mine, s.theirs, s.elsewhere, 'aaaaaaaaaaaa', 'ffffffffffffffffffffffff', '__proto__', '', { $ne: null })).map(cursor),
      fc.constantFrom<Value>('e30', 'W10', 'bnVsbA', '!!!', Buffer.from('{"__proto__":{"polluted":1}}').toString('base64url'), Buffer.from('[1,"ffffffffffffffffffffffff",3]').toString('base64url')),
    );
    const fields: Fields = {
      status: caseField('open', ['active', 'closed', '', 'OPEN', ['open', 'closed']]),
      risk: codeField('riskLevel', 'high'),
      type: codeField('exploitationType', 'livestream_abuse'),
      caseworker: fc.oneof(caseField(s.colleague.id, [s.worker.id, s.stranger.id, s.supervisor.id, '', s.colleague.id.toUpperCase()]), wrapped(s.colleague.id, { strict: false })),
      team: caseField('south', ['north', 'SOUTH', ' south', '', 't'.repeat(61)]),
      q: caseField('Demotheirs', [...numbers, ...numbers.map((n) => ` ${n.toLowerCase()} `), 'Fictional', 'demotheirs', 'Demo', '*', 'PH-2026-0000*', 'Demoelsewhere Fictional']),
      sort: caseField('risk', ['newest', 'oldest', 'intake', 'RISK', '']),
      after,
      lng: locale,
    };
    const plain: Record<string, Value> = { status: 'open', risk: 'high', type: 'livestream_abuse', caseworker: s.worker.id, team: 'north', q: 'Fictional', sort: 'risk', lng: 'en' };
    const query = fc.oneof({ arbitrary: nearly(plain, fields, s.tempting, { subset: true }), weight: 3 }, { arbitrary: queries(fields), weight: 1 });
    let shown = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('caseworker' as const, 'supervisor' as const), query, async (who, q) => {
        const { agent, sees } = callers[who];
        const res = await agent.get(`/cases?${formText(q)}`);
        const what = `GET /cases?${formText(q).slice(0, 300)} as the ${who}`;
        expectAnswer(res, [200, 422], what);
        const rows = listRows(res.text);
        shown += rows.ids.length;
        expect(sees, `${what}: the rows' cases`).to.include.members(rows.ids);
        for (const id of Object.keys(names).filter((i) => !sees.includes(i))) expect(rows.text, `${what}: the rows`).to.not.include(names[id]);
      }),
      { numRuns: RUNS * 2, examples: [['caseworker', Object.entries(plain)], ['supervisor', []]] },
    );
    expect(shown, 'rows shown').to.be.above(0);
    expect((await s.agent.get('/cases')).status, 'the caseworker is still signed in').to.equal(200);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('refuses a body with a `__proto__`, `constructor` or `prototype` key at any depth with 422, and changes nothing (I3)', async () => {
    const s = await caseScene();
    const anonymous = request.agent(app);
    const anonymousToken = csrfFrom((await anonymous.get('/login')).text);
    const details = Object.entries(caseDetails({ givenName: 'Demoproto' })).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',');
    const bodies = (token: string, fields: string) => [
      `{"_csrf":${JSON.stringify(token)},${fields},"__proto__":{"polluted":"yes"}}`,
      `{"_csrf":${JSON.stringify(token)},${fields},"constructor":{"prototype":{"polluted":"yes"}}}`,
      `{"_csrf":${JSON.stringify(token)},${fields},"extra":[{"a":{"b":{"__proto__":{"polluted":"deep"}}}}]}`,
      `{"_csrf":${JSON.stringify(token)},${fields},"nested":${'['.repeat(3000)}{"constructor":1}${']'.repeat(3000)}}`,
      `{"__proto__":null,"_csrf":${JSON.stringify(token)},${fields}}`,
    ];
    const targets = [
      { agent: anonymous, path: '/login', token: anonymousToken, fields: `"email":${JSON.stringify(s.worker.email)},"password":"whatever it may be"` },
      { agent: s.agent, path: '/account/language', token: s.token, fields: '"locale":"fr","returnTo":"/"' },
      { agent: s.agent, path: '/cases', token: s.token, fields: details },
      { agent: s.agent, path: `/cases/${s.mine}/notes`, token: s.token, fields: '"type":"phone","date":"2026-03-02","language":"en","text":"Demo"' },
    ];
    const cases = await casesSnapshot([s.mine, s.theirs, s.elsewhere]);
    const users = await usersSnapshot();
    const counts = async () => [await CaseModel.countDocuments({}), await CaseNoteModel.countDocuments({}), await AuditEntryModel.countDocuments({ action: 'sign_in' })];
    const before = await counts();
    for (const t of targets) {
      for (const body of bodies(t.token, t.fields)) {
        const res = await t.agent.post(t.path).set('Content-Type', 'application/json').set('Accept', 'text/html').send(body);
        const what = `POST ${t.path} ${body.slice(0, 160)}`;
        expect(res.status, what).to.equal(422);
        expect(res.text, what).to.include('This could not be saved');
      }
      // The same key as a form field is refused the same way.
      const form = await t.agent.post(t.path).type('form').send(`_csrf=${t.token}&__proto__=x`);
      expect(form.status, `form to ${t.path}`).to.equal(422);
    }
    // The check can tell a refusal from an answer: the same bodies without the key go through.
    const plain = await s.agent.post('/account/language').set('Content-Type', 'application/json').send(`{"_csrf":${JSON.stringify(s.token)},"locale":"en","returnTo":"/"}`);
    expect(plain.status).to.equal(303);
    expect(await counts()).to.deep.equal(before);
    expect(await casesSnapshot([s.mine, s.theirs, s.elsewhere])).to.deep.equal(cases);
    expect(await usersSnapshot()).to.deep.equal(users);
    await expectNoPollutedDocuments();
    expectNothingPolluted();
  });

  it('leaves Object.prototype and its relatives exactly as they were', () => {
    expectNothingPolluted();
  });
});
