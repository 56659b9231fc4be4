/**
 * The referral form as a PDF, in the reader's language and calendar (I18N.md; SECURITY.md C2, C3):
 * what a partner organisation without Haven accounts receives on paper, and what a partner's staff
 * may download. It is built from the referral document alone: its codes, its note and the snapshot of
 * the sections shared at sending; never from the case, so nothing the caseworker did not share can
 * appear in it.
 *
 * A draft has no form: its sections are not yet chosen and copied, and the consent check (C4) runs
 * at sending. Asking for a draft's form answers 404 (audited as a failed download).
 *
 * Three entry points: `downloadReferralForm` for the routes (loads inside the caller's filter,
 * audits), `referralFormPdf` for a referral already loaded, and `renderReferralForm` for a form's
 * data already resolved, which needs no database (the benchmark times it).
 */
import type { Types } from 'mongoose';
import { NotFound } from '../../domain/errors.js';
import { LOCALES, type Locale } from '../../domain/locales.js';
import type { Caller } from '../../domain/permissions.js';
import { DECLINE_REASONS, REFERRAL_SECTIONS, type ReferralStatus } from '../../domain/referrals.js';
import { plainLabels, type PlainLabels } from '../../lib/i18n/index.js';
import { formatDate, languageDisplayName, regionName, type Calendar } from '../../lib/i18n/format.js';
import { scriptLanguage } from '../../lib/i18n/script.js';
import { PdfWriter } from '../../lib/pdf/document.js';
import { OrganisationModel } from '../../models/organisation.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { noteOf, openSnapshot, referralForPartner, referralForSender, type LeanReferral, type ReferralSnapshot, type Text } from './referrals.js';
import { organisationName } from '../partner/view.js';

export interface Reader {
  locale: string;
  calendar: Calendar;
}

/** An organisation's names by locale, and its code for when none is given. */
export interface OrganisationNames {
  code: string;
  name: Partial<Record<string, string>>;
}

/** Everything a form shows, resolved from the referral, in no particular language. */
export interface FormData {
  reference: string;
  status: ReferralStatus;
  offline: boolean;
  from: OrganisationNames;
  to: OrganisationNames;
  service: string;
  urgency: string;
  reasons: string[];
  dueDate: Date;
  sentAt?: Date | undefined;
  declineReason?: string | undefined;
  note?: Text | undefined;
  /** The shared sections only; an absent key was not shared. */
  snapshot: ReferralSnapshot;
}


async function organisations(ids: Types.ObjectId[]): Promise<Map<string, OrganisationNames>> {
  const found = await OrganisationModel.find(trusted({ _id: { $in: ids } })).select({ name: 1, code: 1 }).lean();
  return new Map(found.map((o) => [String(o._id), { code: o.code, name: { ...(o.name as Record<string, string | undefined> | undefined) } }]));
}

/** The form's data for a referral: the organisations' names, the note and the snapshot opened. */
export async function referralFormData(r: LeanReferral): Promise<FormData> {
  const orgs = await organisations([r.fromOrganisationId, r.toOrganisationId]);
  const none = { code: '', name: {} };
  return {
    reference: r.reference,
    status: r.status as ReferralStatus,
    offline: r.offline === true,
    from: orgs.get(String(r.fromOrganisationId)) ?? none,
    to: orgs.get(String(r.toOrganisationId)) ?? none,
    service: r.service,
    urgency: r.urgency,
    reasons: [...(r.reasons ?? [])],
    dueDate: r.dueDate,
    sentAt: r.sentAt ?? undefined,
    declineReason: r.status === 'declined' ? (r.declineReason ?? undefined) : undefined,
    note: noteOf(r),
    snapshot: openSnapshot(r),
  };
}

/** The referral form of a referral already loaded in the caller's scope. */
export async function referralFormPdf(r: LeanReferral, reader: Reader): Promise<Buffer> {
  return renderReferralForm(await referralFormData(r), reader);
}

export interface FormFile {
  name: string;
  data: Buffer;
}

/**
 * The form for a route: the sending side (any language, `locale` defaulting to the partner's, the
 * referral's own) or the partner side (the reader's language), loaded inside the caller's filter.
 */
export async function downloadReferralForm(caller: Caller, id: string, side: 'sender' | 'partner', reader: { locale?: string | undefined; calendar: Calendar }): Promise<FormFile> {
  const r = side === 'sender' ? await referralForSender(caller, id, 'referral.send') : await referralForPartner(caller, id);
  if (r.status === 'draft') {
    await audit(caller, { action: 'referral_download', outcome: 'failure', recordType: 'referral', recordId: String(r._id) });
    throw new NotFound();
  }
  const locale = reader.locale && (LOCALES as readonly string[]).includes(reader.locale) ? reader.locale : r.locale;
  const data = await referralFormPdf(r, { locale, calendar: reader.calendar });
  await audit(caller, { action: 'referral_download', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
  return { name: `${r.reference}.pdf`, data };
}

type Labels = PlainLabels;

const LABEL_WIDTH = 150;
const GAP = 10;
const MUTED = '#555555';

/** The form's page, written into a PdfWriter in one language. */
class FormWriter {
  readonly pdf: PdfWriter;
  constructor(
    readonly t: Labels,
    readonly reader: Reader,
    title: string,
  ) {
    this.pdf = new PdfWriter({ lang: reader.locale, title });
  }

  get lang(): string {
    return this.reader.locale;
  }

  date(value: Date | string | undefined): string {
    return value ? formatDate(value, this.lang, { calendar: this.reader.calendar, style: 'long' }) : this.t('cases:notRecorded');
  }

  heading(text: string, size = 13): void {
    this.pdf.space(size * 0.8);
    this.pdf.ensure(size * 4);
    this.pdf.text(text, { lang: this.lang, size, weight: 700 });
    this.pdf.space(3);
  }

  /** A label and its value; the value may be another language's text (a name, a place). */
  field(label: string, value: string, valueLang = this.lang): void {
    this.pdf.columns([
      { text: label, lang: this.lang, weight: 700, width: LABEL_WIDTH },
      { text: value || this.t('cases:notRecorded'), lang: value ? valueLang : this.lang, indent: LABEL_WIDTH + GAP, width: this.pdf.width - LABEL_WIDTH - GAP },
    ]);
    this.pdf.space(3);
  }

  /** Free text, with the language it was written in named above it (when it is known). */
  freeText(text: Text, indent = 0): void {
    const known = Boolean(text.language) && text.language !== 'und';
    const lang = known ? text.language : this.lang;
    if (known) {
      this.pdf.text(this.t('referral-form:writtenIn', { language: this.languageName(lang) }), { lang: this.lang, size: 8, color: MUTED, indent });
      this.pdf.space(2);
    }
    this.pdf.text(text.text, { lang, indent });
    this.pdf.space(4);
  }

  /** A language's name in the reader's language: Haven's label where it has one, else Intl's. */
  languageName(tag: string): string {
    const key = `lookups:spokenLanguage.${tag}`;
    if (this.t.has(key)) return this.t(key);
    return languageDisplayName(tag, this.lang) ?? tag;
  }

  nationality(code: string): string {
    if (!code) return '';
    if (code === 'XX') return this.t('cases:nationalityUnknown');
    if (code === 'XS') return this.t('cases:stateless');
    return regionName(code, this.lang) ?? code;
  }

  organisation(o: OrganisationNames): string {
    return organisationName(o, this.lang);
  }

  code(key: string, value: string | undefined): string {
    return value ? this.t(`${key}.${value}`) : '';
  }
}

function writeHeader(w: FormWriter, f: FormData): void {
  const { t, pdf } = w;
  pdf.text(t('referral-form:title'), { lang: w.lang, size: 20, weight: 700 });
  pdf.text(f.reference, { lang: w.lang, size: 12, color: MUTED });
  pdf.space(6);
  pdf.text(t('referral-form:confidential'), { lang: w.lang, size: 9, color: MUTED });
  pdf.rule();
  w.field(t('referral-form:reference'), f.reference);
  w.field(t('referral-form:from'), w.organisation(f.from));
  w.field(t('referral-form:to'), w.organisation(f.to));
  w.field(t('referral-form:sentOn'), f.sentAt ? w.date(f.sentAt) : '');
  w.field(t('referral-form:service'), w.code('lookups:serviceType', f.service));
  w.field(t('referral-form:urgency'), w.code('referrals:urgency', f.urgency));
  w.field(t('referral-form:reasons'), f.reasons.map((r) => t(`referrals:reason.${r}`)).join('\n'));
  w.field(t('referral-form:dueDate'), w.date(f.dueDate));
  w.field(t('referral-form:state'), t(`referrals:status.${f.status}`));
  if (f.declineReason) w.field(t('referral-form:declineReason'), t(`referrals:declineReason.${f.declineReason}`));
  if (f.note) {
    w.heading(t('referral-form:request'));
    w.freeText(f.note);
  }
}

function writeSections(w: FormWriter, s: ReferralSnapshot): void {
  const { t, pdf } = w;
  w.heading(t('referral-form:shared'), 15);
  const shared = REFERRAL_SECTIONS.filter((name) => s[name] !== undefined);
  if (shared.length === 0) {
    pdf.text(t('referral-form:nothingShared'), { lang: w.lang });
    return;
  }
  for (const name of shared) {
    w.heading(t(`referrals:sectionName.${name}`), 12);
    writeSection[name](w, s);
  }
}

const writeSection: Record<(typeof REFERRAL_SECTIONS)[number], (w: FormWriter, s: ReferralSnapshot) => void> = {
  identification(w, s) {
    const { t } = w;
    const d = s.identification!;
    const latin = [d.givenName, d.familyName].filter(Boolean).join(' ');
    const local = [d.givenNameLocal, d.familyNameLocal].filter(Boolean).join(' ');
    w.field(t('referral-form:name'), latin);
    if (local) w.field(t('referral-form:localName'), local, scriptLanguage(local, d.languages[0]) ?? w.lang);
    if (d.nickname) w.field(t('cases:fields.nickname'), d.nickname);
    w.field(t('cases:fields.sex'), w.code('lookups:sex', d.sex));
    if (d.dateOfBirth || !d.estimatedAge) w.field(t('cases:fields.dateOfBirth'), d.dateOfBirth ? w.date(d.dateOfBirth) : '');
    else w.field(t('referral-form:estimatedAge'), t('referral-form:years', { age: d.estimatedAge }));
    w.field(t('cases:fields.nationality'), w.nationality(d.nationality));
    w.field(t('cases:fields.languages'), d.languages.map((l) => w.languageName(l)).join(', '));
    w.field(t('cases:fields.disability'), w.code('lookups:disability', d.disability));
  },
  contact(w, s) {
    const { t } = w;
    const c = s.contact!;
    w.field(t('cases:fields.placement'), w.code('lookups:placement', c.placement));
    w.field(t('cases:fields.location'), c.location);
    w.field(t('cases:fields.school'), c.school);
  },
  family(w, s) {
    const { t, pdf } = w;
    const members = s.family!.members;
    if (members.length === 0) pdf.text(t('cases:family.none'), { lang: w.lang });
    members.forEach((m, i) => {
      pdf.text(t('referral-form:member', { number: i + 1 }), { lang: w.lang, weight: 700, size: 10 });
      pdf.space(2);
      w.field(t('cases:family.relationship'), w.code('lookups:relationship', m.relationship));
      w.field(t('cases:family.livesWithChild'), t(m.livesWithChild ? 'cases:yes' : 'cases:no'));
      w.field(t('cases:family.guardian'), t(m.guardian ? 'cases:yes' : 'cases:no'));
      w.field(t('cases:family.exploitationRole'), w.code('lookups:exploitationRole', m.exploitationRole));
      pdf.space(4);
    });
  },
  assessment(w, s) {
    const { t } = w;
    const a = s.assessment!;
    w.field(t('assessments:list.type'), w.code('assessments:types', a.type));
    w.field(t('assessments:show.date'), w.date(a.date));
    for (const score of a.scores) w.field(t(`assessments:domains.${score.domain}`), t('referral-form:scoreOf', { score: score.score }));
    if (a.summary) {
      w.pdf.text(t('referral-form:summary'), { lang: w.lang, weight: 700 });
      w.freeText(a.summary);
    }
  },
  goals(w, s) {
    const { t, pdf } = w;
    s.goals!.forEach((g, i) => {
      pdf.text(`${t('referral-form:goal', { number: i + 1 })} · ${t(`assessments:domains.${g.domain}`)}`, { lang: w.lang, weight: 700 });
      pdf.space(2);
      w.freeText(g.text);
      w.field(t('referral-form:targetDate'), g.targetDate ? w.date(g.targetDate) : '');
      pdf.space(4);
    });
  },
  notes(w, s) {
    const { t, pdf } = w;
    s.notes!.forEach((n, i) => {
      pdf.text(`${t('referral-form:note', { number: i + 1 })} · ${w.code('lookups:noteType', n.type)} · ${w.date(n.date)}`, { lang: w.lang, weight: 700 });
      pdf.space(2);
      w.freeText(n.text);
    });
  },
  attachments(w, s) {
    const { t, pdf } = w;
    pdf.text(t('referral-form:attachmentsApart'), { lang: w.lang, color: MUTED });
    pdf.space(4);
    s.attachments!.forEach((a, i) => {
      w.field(t('referral-form:attachment', { number: i + 1 }), `${w.code('lookups:attachmentKind', a.kind)}\n${a.name}`);
    });
  },
};

/** The part an offline partner fills in by hand and sends back. */
function writeAnswer(w: FormWriter, f: FormData): void {
  const { t, pdf } = w;
  pdf.newPage();
  pdf.text(t('referral-form:answer.heading'), { lang: w.lang, size: 15, weight: 700 });
  pdf.text(f.reference, { lang: w.lang, size: 11, color: MUTED });
  pdf.space(6);
  pdf.text(t('referral-form:answer.intro', { organisation: w.organisation(f.from) }), { lang: w.lang });
  pdf.space(10);
  pdf.blank(t('referral-form:answer.receivedOn'), w.lang);
  pdf.text(t('referral-form:answer.decision'), { lang: w.lang, weight: 700 });
  pdf.space(4);
  pdf.checkbox(t('referral-form:answer.accepted'), w.lang);
  pdf.checkbox(t('referral-form:answer.declined'), w.lang);
  pdf.space(4);
  pdf.text(t('referral-form:answer.declineReason'), { lang: w.lang });
  pdf.space(4);
  for (const reason of DECLINE_REASONS) {
    pdf.checkbox(t(`referrals:declineReason.${reason}`), w.lang, 18);
  }
  pdf.space(6);
  pdf.blank(t('referral-form:answer.details'), w.lang, { lines: 3 });
  pdf.blank(t('referral-form:answer.name'), w.lang);
  pdf.blank(t('referral-form:answer.signature'), w.lang);
  pdf.blank(t('referral-form:answer.date'), w.lang);
}

/**
 * Renders a form from its resolved data, in the reader's language and calendar: needs no database,
 * so a benchmark can time one form in any language (`renderReferralForm(data, { locale: 'th',
 * calendar: 'default' })`). The document's title is the reference only, never the child's name.
 */
export async function renderReferralForm(f: FormData, reader: Reader): Promise<Buffer> {
  const locale = (LOCALES as readonly string[]).includes(reader.locale) ? (reader.locale as Locale) : 'en';
  const t = await plainLabels(locale);
  const w = new FormWriter(t, { locale, calendar: reader.calendar }, f.reference);
  writeHeader(w, f);
  writeSections(w, f.snapshot);
  if (f.offline) writeAnswer(w, f);
  return w.pdf.finish((page, count) => t('referral-form:footer', { page, count }));
}
