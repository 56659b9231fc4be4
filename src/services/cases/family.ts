/**
 * The child's family (DOMAIN.md "Family member") and consents (P1). The family's situation is the
 * family domain of the case's assessments (services/care/assessments.ts).
 * Family members and consents are small arrays on the case: an addition is a $push, an edit replaces
 * the array under the case's version, so a concurrent edit is told rather than lost (V3).
 */
import { Types } from 'mongoose';
import { isIsoDate } from '../../domain/cases.js';
import { Invalid, NotFound } from '../../domain/errors.js';
import type { Caller } from '../../domain/permissions.js';
import { clock } from '../../lib/clock.js';
import { CaseModel } from '../../models/case.js';
import { inTransaction } from '../../lib/db/index.js';
import { OrganisationModel } from '../../models/organisation.js';
import { audit } from '../audit/audit.js';
import { StaleVersion, caseInScope, changesSince, recordChange, seal, unseal, userNames, versionOf, type LeanCase } from './records.js';

export interface FamilyMemberInput {
  relationship: string;
  exploitationRole: string;
  livesWithChild: boolean;
  guardian: boolean;
  givenName: string;
  familyName: string;
  localName: string;
  age: string;
  contact: string;
  protectiveFactors: string;
}

type FamilySecret = Pick<FamilyMemberInput, 'givenName' | 'familyName' | 'localName' | 'age' | 'contact' | 'protectiveFactors'>;

function checkMember(m: FamilyMemberInput): void {
  if (![m.givenName, m.familyName, m.localName].some(Boolean)) throw new Invalid({ givenName: 'cases:errors.nameRequired' });
  if (m.age && !/^\d{1,3}$/.test(m.age)) throw new Invalid({ age: 'cases:errors.age' });
}

function memberDocument(m: FamilyMemberInput, _id = new Types.ObjectId()) {
  const secret: FamilySecret = { givenName: m.givenName, familyName: m.familyName, localName: m.localName, age: m.age, contact: m.contact, protectiveFactors: m.protectiveFactors };
  return { _id, relationship: m.relationship, exploitationRole: m.exploitationRole, livesWithChild: m.livesWithChild, guardian: m.guardian, secret: seal(secret) };
}

export function memberOf(doc: LeanCase['family'][number]): FamilyMemberInput & { id: string } {
  const s = unseal<Partial<FamilySecret>>(doc.secret, {});
  return {
    id: String(doc._id),
    relationship: doc.relationship,
    exploitationRole: doc.exploitationRole,
    livesWithChild: Boolean(doc.livesWithChild),
    guardian: Boolean(doc.guardian),
    givenName: s.givenName ?? '',
    familyName: s.familyName ?? '',
    localName: s.localName ?? '',
    age: s.age ?? '',
    contact: s.contact ?? '',
    protectiveFactors: s.protectiveFactors ?? '',
  };
}

const MAX_FAMILY = 40;

/**
 * Appends to one of the case's arrays and records the change, together in one transaction; the
 * history names the version the push produced.
 */
async function pushWithHistory(caller: Caller, c: LeanCase, push: Record<string, unknown>, kind: string, field: string, next?: Record<string, unknown>): Promise<void> {
  const written = await inTransaction(async () => {
    const after = await CaseModel.findOneAndUpdate({ _id: c._id }, { $push: push, $inc: { __v: 1 } }, { returnDocument: 'after', projection: { __v: 1 } }).lean();
    if (!after) return false;
    await recordChange(caller, c, after.__v ?? versionOf(c) + 1, kind, [field], undefined, next);
    return true;
  });
  if (!written) throw new NotFound();
}

export async function addFamilyMember(caller: Caller, caseId: string, input: FamilyMemberInput): Promise<void> {
  checkMember(input);
  const c = await caseInScope(caller, caseId, 'case.update');
  if (c.family.length >= MAX_FAMILY) throw new Invalid({ _form: 'cases:errors.tooMany' });
  const member = memberDocument(input);
  await pushWithHistory(caller, c, { family: member }, 'family_add', 'family', { family: input });
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

export async function familyMemberForEdit(caller: Caller, caseId: string, memberId: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const doc = c.family.find((m) => String(m._id) === memberId);
  if (!doc) throw new NotFound();
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return { caseId, caseNumber: c.caseNumber, version: versionOf(c), member: memberOf(doc) };
}

/** Replaces one member under the version the form was read at; a family changed meanwhile is a conflict. */
export async function updateFamilyMember(caller: Caller, caseId: string, memberId: string, version: number, input: FamilyMemberInput): Promise<void> {
  checkMember(input);
  const c = await caseInScope(caller, caseId, 'case.update');
  const index = c.family.findIndex((m) => String(m._id) === memberId);
  if (index < 0) throw new NotFound();
  const current = versionOf(c);
  if (version > current) throw new Invalid({ version: 'common:form.invalid' });
  if (current !== version) {
    const meanwhile = await changesSince(c._id, version);
    if (meanwhile.some((m) => m.fields.includes('family'))) throw new StaleVersion(meanwhile);
  }
  const previous = memberOf(c.family[index]!);
  const family = c.family.map((m, i) => (i === index ? memberDocument(input, m._id) : m));
  const { id: _ignored, ...earlier } = previous;
  const written = await inTransaction(async () => {
    const res = await CaseModel.updateOne({ _id: c._id, __v: current }, { $set: { family }, $inc: { __v: 1 } });
    if (res.modifiedCount !== 1) return false;
    await recordChange(caller, c, current + 1, 'family_update', ['family'], { family: earlier }, { family: input });
    return true;
  });
  if (!written) throw new StaleVersion(await changesSince(c._id, version));
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface ConsentInput {
  purpose: string;
  organisationId: string;
  givenBy: string;
  date: string;
  formVersion: string;
}

export async function addConsent(caller: Caller, caseId: string, input: ConsentInput): Promise<void> {
  const c = await caseInScope(caller, caseId, 'case.update');
  const today = clock.now().toISOString().slice(0, 10);
  if (!isIsoDate(input.date) || input.date > today) throw new Invalid({ date: 'cases:errors.date' });
  let organisationId: Types.ObjectId | undefined;
  if (input.purpose === 'referral') {
    // A referral consent names the organisation the child or guardian agreed to (P1, C4).
    if (!Types.ObjectId.isValid(input.organisationId)) throw new Invalid({ organisationId: 'common:form.required' });
    organisationId = new Types.ObjectId(input.organisationId);
    if (!(await OrganisationModel.exists({ _id: organisationId, kind: 'partner' }))) throw new Invalid({ organisationId: 'common:form.invalid' });
  } else if (input.organisationId) {
    throw new Invalid({ organisationId: 'cases:errors.organisationOnlyForReferral' });
  }
  const consent = {
    _id: new Types.ObjectId(),
    purpose: input.purpose,
    organisationId,
    givenBy: input.givenBy,
    date: new Date(`${input.date}T00:00:00Z`),
    formVersion: input.formVersion,
    recordedBy: new Types.ObjectId(caller.userId),
  };
  await pushWithHistory(caller, c, { consents: consent }, 'consent_add', 'consents');
  await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
}

export interface WithdrawalInput {
  /** The day the child or guardian withdrew the consent (`YYYY-MM-DD`). */
  date: string;
  /** Why, as they said it: free text, so it is sealed like every other narrative (D1). */
  reason: string;
}

/** A consent of a case, for the page that records its withdrawal (a view of case data, so audited). */
export async function consentForWithdrawal(caller: Caller, caseId: string, consentId: string, locale: string) {
  const c = await caseInScope(caller, caseId, 'case.update');
  const consent = c.consents.find((x) => String(x._id) === consentId);
  if (!consent) throw new NotFound();
  const org = consent.organisationId ? await OrganisationModel.findById(consent.organisationId).select({ name: 1 }).lean() : undefined;
  const names = consent.withdrawnBy ? await userNames([consent.withdrawnBy]) : new Map<string, string>();
  await audit(caller, { action: 'case_view', outcome: 'success', recordType: 'case', recordId: caseId });
  return {
    caseId,
    caseNumber: c.caseNumber,
    consent: {
      id: consentId,
      purpose: consent.purpose,
      organisation: org ? (org.name as Record<string, string | undefined>)[locale] || org.name?.en || '' : '',
      givenBy: consent.givenBy,
      date: consent.date,
      formVersion: consent.formVersion,
      withdrawnAt: consent.withdrawnAt ?? undefined,
      withdrawnBy: consent.withdrawnBy ? (names.get(String(consent.withdrawnBy)) ?? '') : '',
      withdrawalReason: unseal<{ reason?: string }>(consent.withdrawalReason, {}).reason ?? '',
    },
  };
}

/**
 * Records a withdrawal (P1): the day it was given and the reason, on the consent. It takes effect at
 * once; the array is rewritten under the version, retried if it moved meanwhile.
 */
export async function withdrawConsent(caller: Caller, caseId: string, consentId: string, input: WithdrawalInput): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const c = await caseInScope(caller, caseId, 'case.update');
    const consent = c.consents.find((x) => String(x._id) === consentId);
    if (!consent) throw new NotFound();
    if (consent.withdrawnAt) throw new Invalid({ _form: 'cases:errors.alreadyWithdrawn' });
    const today = clock.now().toISOString().slice(0, 10);
    if (!isIsoDate(input.date) || input.date > today) throw new Invalid({ date: 'cases:errors.date' });
    if (input.date < consent.date.toISOString().slice(0, 10)) throw new Invalid({ date: 'cases:errors.withdrawalBeforeConsent' });
    if (!input.reason.trim()) throw new Invalid({ reason: 'common:form.required' });
    const version = versionOf(c);
    const withdrawal = { withdrawnAt: new Date(`${input.date}T00:00:00Z`), withdrawnBy: new Types.ObjectId(caller.userId), withdrawalReason: seal({ reason: input.reason }) };
    const consents = c.consents.map((x) => (String(x._id) === consentId ? { ...x, ...withdrawal } : x));
    const written = await inTransaction(async () => {
      const res = await CaseModel.updateOne({ _id: c._id, __v: version }, { $set: { consents }, $inc: { __v: 1 } });
      if (res.modifiedCount !== 1) return false;
      await recordChange(caller, c, version + 1, 'consent_withdraw', ['consents']);
      return true;
    });
    if (!written) continue;
    await audit(caller, { action: 'case_update', outcome: 'success', recordType: 'case', recordId: caseId });
    return;
  }
  throw new StaleVersion([]);
}
