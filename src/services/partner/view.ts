/**
 * A referral as a page shows it to one reader (I18N.md; SECURITY.md C3): the partner in their portal,
 * and the caseworker previewing it in the partner's language or reading it on the sending side. It
 * is built from the referral document and its snapshot alone, never from the case.
 *
 * Structured values stay codes, each with what the template needs to label it in the reader's
 * language: an i18n key (`lookups:*`, `referrals:*`, `assessments:*`) or, for countries and spoken
 * languages, the name Intl gives in the reader's language. Dates stay Dates for the formatDate helper
 * (the reader's calendar). Free text keeps the language it was written in, with the translations
 * readers of both languages added beside it: who, when, and in which language.
 */
import type { Types } from 'mongoose';
import { languageDisplayName, regionName } from '../../lib/i18n/format.js';
import { NATIONALITY } from '../../domain/lookups.js';
import { REFERRAL_SECTIONS, isFinal, type ReferralSection, type ReferralStatus } from '../../domain/referrals.js';
import { OrganisationModel } from '../../models/organisation.js';
import type { Referral } from '../../models/referral.js';
import { trusted } from '../auth/trusted.js';
import { unseal, userNames } from '../cases/records.js';
import { noteOf, type ReferralSnapshot, type Text } from '../referrals/referrals.js';
import { textFieldsOf } from '../referrals/translations.js';

/** Who reads the page: the language (one of Haven's locales) its labels and names are in. */
export interface Reader {
  locale: string;
}

export interface ViewOptions {
  /** Where the shared attachments download from (`<filesAt><fileId>`); without it they are listed, not linked. */
  filesAt?: string | undefined;
}

/** A code and the i18n key of its label. */
export interface Coded {
  code: string;
  key: string;
}

/** A code and its name in the reader's language from Intl, or the key of Haven's own label where Intl has none. */
export interface Named {
  code: string;
  name?: string | undefined;
  key?: string | undefined;
}

export interface ViewTranslation {
  text: string;
  language: string;
  languageName: Named;
  dir: 'ltr' | 'rtl';
  by: string;
  organisation: string;
  at: Date;
  /** Made for an older snapshot: the text it translates may have changed since. */
  outdated: boolean;
}

/** A free text with its language, and the translations of it. */
export interface ViewText {
  field: string;
  text: string;
  language: string;
  languageName: Named;
  dir: 'ltr' | 'rtl';
  translations: ViewTranslation[];
}

/** Scripts written right to left, by the language tags that use them (none of Haven's own locales). */
const RTL = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

/** The writing direction of a language tag, for `dir=`. */
export function textDir(tag: string): 'ltr' | 'rtl' {
  const primary = tag.toLowerCase().split(/[-_]/)[0] ?? '';
  return RTL.has(primary) || /-(arab|hebr|thaa|syrc|adlm|rohg)\b/i.test(tag) ? 'rtl' : 'ltr';
}

/** A language's name in the reader's language; where Intl has none, Haven's own label of a spoken language. */
export function languageName(code: string, locale: string): Named {
  const name = languageDisplayName(code, locale);
  if (name) return { code, name };
  return /^[a-z]{2,3}$/.test(code) ? { code, key: `lookups:spokenLanguage.${code}` } : { code, name: code };
}

/** A country's name in the reader's language (XX unknown and XS stateless have labels of their own). */
export function countryName(code: string, locale: string): Named {
  if (code === 'XX') return { code, key: 'cases:nationalityUnknown' };
  if (code === 'XS') return { code, key: 'cases:stateless' };
  if (!NATIONALITY.test(code)) return { code, name: code };
  return { code, name: regionName(code, locale) ?? code };
}

const coded = (prefix: string, code: string | undefined | null): Coded | undefined => (code ? { code, key: `${prefix}.${code}` } : undefined);
const dateOf = (iso: string | undefined | null): Date | undefined => {
  if (!iso) return undefined;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** An organisation's name in the reader's language, else in English, else its code. */
export function organisationName(o: { name?: unknown; code?: string }, locale: string): string {
  const names = (o.name ?? {}) as Record<string, string | undefined>;
  return names[locale] || names.en || o.code || '';
}

/** Organisation names by id, for a list of referrals or messages, as pages show them. */
export async function organisationNamesFor(ids: readonly Types.ObjectId[], locale: string): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean).map(String))];
  if (unique.length === 0) return new Map();
  const orgs = await OrganisationModel.find(trusted({ _id: { $in: unique } })).select({ name: 1, code: 1 }).lean();
  return new Map(orgs.map((o) => [String(o._id), organisationName(o, locale)]));
}

/**
 * The page's picture of a referral for one reader. `snapshot` is the opened snapshot (the caller has
 * already loaded the referral inside its own filter); only the sections present in it are shown.
 */
export async function partnerView(r: Referral, snapshot: ReferralSnapshot, reader: Reader, options: ViewOptions = {}) {
  const locale = reader.locale;
  const translations = r.translations ?? [];
  const steps = r.steps ?? [];
  const [people, orgs] = await Promise.all([
    userNames([...steps.map((s) => s.by), ...translations.map((t) => t.by)]),
    organisationNamesFor([r.fromOrganisationId, r.toOrganisationId, ...steps.map((s) => s.byOrganisationId), ...translations.map((t) => t.byOrganisationId)], locale),
  ]);
  const version = r.snapshot?.version ?? 0;

  /** A free text of the referral with the translations made of it. */
  const textOf = (field: string, t: Text | undefined): ViewText | undefined => {
    if (!t || !t.text) return undefined;
    return {
      field,
      text: t.text,
      language: t.language,
      languageName: languageName(t.language, locale),
      dir: textDir(t.language),
      translations: translations
        .filter((tr) => tr.field === field)
        .map((tr) => ({
          text: unseal<{ text: string }>(tr.secret, { text: '' }).text,
          language: tr.language,
          languageName: languageName(tr.language, locale),
          dir: textDir(tr.language),
          by: people.get(String(tr.by)) ?? '',
          organisation: orgs.get(String(tr.byOrganisationId)) ?? '',
          at: tr.at,
          outdated: tr.snapshotVersion !== version,
        }))
        .filter((tr) => tr.text),
    };
  };

  const id = snapshot.identification;
  const contact = snapshot.contact;
  const sections = {
    identification: id && {
      givenName: id.givenName,
      familyName: id.familyName,
      givenNameLocal: id.givenNameLocal,
      familyNameLocal: id.familyNameLocal,
      nickname: id.nickname,
      sex: coded('lookups:sex', id.sex),
      dateOfBirth: dateOf(id.dateOfBirth),
      estimatedAge: id.estimatedAge,
      nationality: id.nationality ? countryName(id.nationality, locale) : undefined,
      languages: (id.languages ?? []).map((l) => languageName(l, locale)),
      disability: coded('lookups:disability', id.disability),
    },
    contact: contact && {
      placement: coded('lookups:placement', contact.placement),
      // An area code names its country in the reader's language; a place's name stays as typed.
      location: contact.location,
      locationCountry: /^[A-Z]{2}-/.test(contact.location ?? '') ? countryName(contact.location.slice(0, 2), locale) : undefined,
      school: contact.school,
    },
    family: snapshot.family && {
      members: snapshot.family.members.map((m) => ({
        relationship: coded('lookups:relationship', m.relationship),
        livesWithChild: m.livesWithChild,
        guardian: m.guardian,
        exploitationRole: coded('lookups:exploitationRole', m.exploitationRole),
      })),
    },
    assessment: snapshot.assessment && {
      type: coded('assessments:types', snapshot.assessment.type),
      date: dateOf(snapshot.assessment.date),
      scores: snapshot.assessment.scores.map((s) => ({ domain: coded('assessments:domains', s.domain), score: s.score })),
      summary: textOf('assessment.summary', snapshot.assessment.summary),
    },
    goals: snapshot.goals?.map((g, i) => ({ domain: coded('assessments:domains', g.domain), text: textOf(`goals.${i}`, g.text), targetDate: dateOf(g.targetDate) })),
    notes: snapshot.notes?.map((n, i) => ({ date: dateOf(n.date), type: coded('lookups:noteType', n.type), text: textOf(`notes.${i}`, n.text) })),
    attachments: snapshot.attachments?.map((a) => ({
      kind: coded('lookups:attachmentKind', a.kind),
      type: a.type,
      sizeKb: Math.max(1, Math.round(a.size / 1024)),
      name: a.name,
      url: options.filesAt && a.fileId ? `${options.filesAt}${encodeURIComponent(a.fileId)}` : undefined,
    })),
  };
  const shown = REFERRAL_SECTIONS.filter((s: ReferralSection) => sections[s] !== undefined);
  const note = noteOf(r);
  const status = r.status as ReferralStatus;

  return {
    id: String(r._id),
    reference: r.reference,
    from: orgs.get(String(r.fromOrganisationId)) ?? '',
    to: orgs.get(String(r.toOrganisationId)) ?? '',
    service: coded('lookups:serviceType', r.service)!,
    urgency: coded('referrals:urgency', r.urgency)!,
    reasons: (r.reasons ?? []).map((c) => coded('referrals:reason', c)!),
    dueDate: r.dueDate,
    sentAt: r.sentAt ?? undefined,
    status: coded('referrals:status', status)!,
    final: isFinal(status),
    declineReason: coded('referrals:declineReason', r.declineReason),
    steps: steps.map((s) => ({
      from: coded('referrals:status', s.from),
      to: coded('referrals:status', s.to)!,
      at: s.at,
      by: people.get(String(s.by)) ?? '',
      organisation: orgs.get(String(s.byOrganisationId)) ?? '',
      reason: coded('referrals:declineReason', s.reason),
      note: s.secret ? textOf('', { text: unseal<{ text: string }>(s.secret, { text: '' }).text, language: s.language ?? 'und' }) : undefined,
    })),
    /** What the caseworker asks of the partner. */
    note: textOf('note', note),
    /** The sections present, in the order the form offers them, and each one's content. */
    shown,
    sections,
    /** The free texts a reader may translate: the field name and the key of its label. */
    textFields: textFieldsOf(snapshot, note).map((field) => ({ field, ...fieldLabel(field) })),
    snapshotVersion: version,
    takenAt: r.snapshot?.takenAt ?? undefined,
  };
}

/** The label of a translatable field: the key, and for the n-th goal or note its number. */
function fieldLabel(field: string): { key: string; number?: number } {
  const [base, index] = field.split('.');
  if (base === 'goals' || base === 'notes') return { key: `partner:field.${base}`, number: Number(index) + 1 };
  return { key: field === 'note' ? 'partner:field.note' : 'partner:field.assessmentSummary' };
}

export type PartnerView = Awaited<ReturnType<typeof partnerView>>;
