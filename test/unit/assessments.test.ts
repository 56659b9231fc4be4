/**
 * The rules of assessments (domain/assessments.ts), the chart's numbers, and `assessments:adopt-family`,
 * which turns the old family situation ratings into assessments once and only once.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { Types } from 'mongoose';
import { CARE_DOMAINS, SCORES, assessmentProblems, familyRatingScore, firstAndLatest, scoresOf, weakestDomains, type CareDomain, type Score } from '../../src/domain/assessments.js';
import { AssessmentModel } from '../../src/models/assessment.js';
import { AuditEntryModel } from '../../src/models/audit-entry.js';
import { CaseChangeModel } from '../../src/models/case-change.js';
import { CaseFactModel } from '../../src/models/case-fact.js';
import { CaseModel } from '../../src/models/case.js';
import { SystemStateModel } from '../../src/models/system-state.js';
import { adoptFamilyRatings } from '../../src/services/care/assessment-adopt.js';
import { CHART, scoreSeries, yOf } from '../../src/services/care/assessment-chart.js';
import { caseHistory } from '../../src/services/cases/history.js';
import { seal, unseal } from '../../src/services/cases/records.js';
import { computeCaseFacts } from '../../src/services/facts/facts.js';
import { buildCase, callerOf } from '../helpers/cases.js';
import { useDatabase } from '../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../helpers/factories.js';
import { plant } from '../helpers/secrets.js';

describe('assessment rules', () => {
  describe('weakestDomains()', () => {
    it('takes the lowest scores first, only scores of 3 or less, ties in domain order, at most three', () => {
      expect(weakestDomains({ safety: 3, health: 1, education: 2, family: 1, legal: 5 })).to.deep.equal(['health', 'family', 'education']);
      expect(weakestDomains({ livelihood: 2, safety: 2, mental_health: 2, legal: 2 })).to.deep.equal(['safety', 'mental_health', 'livelihood']);
      expect(weakestDomains({ safety: 4, health: 5 })).to.deep.equal([]);
      expect(weakestDomains({})).to.deep.equal([]);
      expect(weakestDomains({ safety: 1, health: 2, family: 3 }, 1)).to.deep.equal(['safety']);
      expect(weakestDomains({ safety: 1, health: 2, family: 3, legal: 3 }, 5)).to.deep.equal(['safety', 'health', 'family', 'legal']);
    });

    it('holds for any scores: sorted by score then domain order, each 3 or less, none missed', () => {
      const arb = fc.record(Object.fromEntries(CARE_DOMAINS.map((d) => [d, fc.constantFrom<Score>(...SCORES)])) as Record<CareDomain, fc.Arbitrary<Score>>, { requiredKeys: [] });
      fc.assert(
        fc.property(arb, fc.integer({ min: 0, max: 7 }), (scores, max) => {
          const out = weakestDomains(scores, max);
          const concerns = CARE_DOMAINS.filter((d) => scores[d] !== undefined && scores[d]! <= 3);
          expect(out.length).to.equal(Math.min(max, concerns.length));
          for (const [i, d] of out.entries()) {
            expect(scores[d]).to.be.at.most(3);
            if (i > 0) {
              const p = out[i - 1]!;
              expect(scores[p]! < scores[d]! || (scores[p] === scores[d] && CARE_DOMAINS.indexOf(p) < CARE_DOMAINS.indexOf(d))).to.equal(true);
            }
          }
          // Nothing left out scores lower than the last one taken.
          const last = out.at(-1);
          if (last) for (const d of concerns.filter((c) => !out.includes(c))) expect(scores[d]!).to.be.at.least(scores[last]!);
        }),
      );
    });
  });

  describe('assessmentProblems()', () => {
    const ok = { type: 'needs', date: '2026-04-01', scores: { safety: 3 } };
    it('accepts a known type, a past date after the intake and one score', () => {
      expect(assessmentProblems(ok, '2026-05-01', '2026-03-01')).to.deep.equal({});
      expect(assessmentProblems({ ...ok, date: '2026-03-01' }, '2026-05-01', '2026-03-01')).to.deep.equal({});
    });
    it('names each problem by its field', () => {
      expect(assessmentProblems({ ...ok, type: 'other' }, '2026-05-01')).to.deep.equal({ type: 'common:form.required' });
      expect(assessmentProblems({ ...ok, date: '2026-05-02' }, '2026-05-01')).to.deep.equal({ date: 'assessments:errors.date' });
      expect(assessmentProblems({ ...ok, date: '2026-02-29' }, '2026-05-01')).to.deep.equal({ date: 'assessments:errors.date' });
      expect(assessmentProblems({ ...ok, date: '2026-02-28' }, '2026-05-01', '2026-03-01')).to.deep.equal({ date: 'assessments:errors.beforeIntake' });
      expect(assessmentProblems({ ...ok, scores: {} }, '2026-05-01')).to.deep.equal({ _form: 'assessments:errors.noScore' });
      expect(assessmentProblems({ ...ok, scores: { safety: 3, health: 6 } }, '2026-05-01')).to.deep.equal({ score_health: 'common:form.invalid' });
      expect(assessmentProblems({ ...ok, scores: { safety: 3, spirit: 2 } }, '2026-05-01')).to.deep.equal({ score_spirit: 'common:form.invalid' });
    });
  });

  it('scoresOf() keeps only the care domains with a score of 1 to 5', () => {
    expect(scoresOf({ safety: 1, health: 0, family: 5, legal: 2.5, other: 3, education: '4' })).to.deep.equal({ safety: 1, family: 5 });
    expect(scoresOf(undefined)).to.deep.equal({});
  });

  it('familyRatingScore() maps the old family ratings: safe 5, with support 4, not yet safe 2, unsafe 1, not assessed none', () => {
    expect(['safe', 'safe_with_support', 'not_yet_safe', 'unsafe', 'not_assessed', '', undefined].map(familyRatingScore)).to.deep.equal([5, 4, 2, 1, undefined, undefined, undefined]);
  });

  it('firstAndLatest() orders by assessment date, then by when each was recorded, per domain', () => {
    const at = (d: string, t = 0) => ({ date: new Date(`${d}T00:00:00Z`), createdAt: new Date(Date.parse(`${d}T00:00:00Z`) + t) });
    const out = firstAndLatest([
      { ...at('2026-05-01', 2), scores: { safety: 4 } },
      { ...at('2026-05-01', 1), scores: { safety: 2, family: 3 } },
      { ...at('2026-01-01'), scores: { family: 1 } },
    ]);
    expect(out.map((w) => [w.domain, w.first, w.firstAt.toISOString().slice(0, 10), w.latest, w.latestAt.toISOString().slice(0, 10)])).to.deep.equal([
      ['safety', 2, '2026-05-01', 4, '2026-05-01'],
      ['family', 1, '2026-01-01', 3, '2026-05-01'],
    ]);
  });

  describe('scoreSeries()', () => {
    it('puts each domain on one shared time axis, oldest first, with 5 at the top and 1 at the bottom', () => {
      const rows = [
        { date: new Date('2026-07-01T00:00:00Z'), createdAt: new Date('2026-07-01T00:00:00Z'), scores: { safety: 5 as Score } },
        { date: new Date('2026-01-01T00:00:00Z'), createdAt: new Date('2026-01-01T00:00:00Z'), scores: { safety: 1 as Score, health: 3 as Score } },
      ];
      const s = scoreSeries(rows);
      expect(s.domains.map((d) => d.domain)).to.deep.equal(['safety', 'health']);
      const safety = s.domains[0]!;
      expect(safety.points.map((p) => [p.day, p.score])).to.deep.equal([['2026-01-01', 1], ['2026-07-01', 5]]);
      expect(safety.points[0]!.x).to.equal(CHART.left);
      expect(safety.points[1]!.x).to.equal(CHART.width - CHART.right);
      expect(safety.points[0]!.y).to.equal(CHART.height - CHART.bottom);
      expect(safety.points[1]!.y).to.equal(CHART.top);
      expect(safety.line).to.equal(`${CHART.left},${yOf(1)} ${CHART.width - CHART.right},${yOf(5)}`);
      expect(safety.trend).to.equal('better');
      expect(s.domains[1]!.trend).to.equal('same');
      expect(s.grid.map((g) => g.score)).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('centres a single assessment and charts nothing for none', () => {
      const one = scoreSeries([{ date: new Date('2026-01-01T00:00:00Z'), createdAt: new Date(), scores: { legal: 2 } }]);
      expect(one.domains[0]!.points[0]!.x).to.equal(CHART.left + (CHART.width - CHART.left - CHART.right) / 2);
      expect(scoreSeries([]).domains).to.deep.equal([]);
    });
  });
});

describe('assessments:adopt-family (adoptFamilyRatings)', () => {
  useDatabase('assessmentadopt');
  let worker: TestUser;

  beforeEach(async () => {
    const org = await buildOrganisation({ country: 'PH', preferredLocale: 'fil' });
    worker = await buildUser({ roles: ['caseworker', 'supervisor'], organisationId: org.id, team: 'north' });
  });

  /** A case as an earlier version of Haven left it: a family rating on the case, and its history entry. */
  async function withOldRating(rating: string, text: string, language = 'en'): Promise<string> {
    const id = await buildCase(worker, {}, { team: 'north' });
    const _id = new Types.ObjectId(id);
    const at = new Date('2026-04-05T09:30:00Z');
    const raw = (await CaseModel.collection.findOne({ _id }))!;
    const version = (raw.__v as number) + 1;
    await CaseModel.collection.updateOne({ _id }, { $set: { familyAssessment: { rating, secret: seal(language ? { text, language } : { text }), at, by: new Types.ObjectId(worker.id) }, __v: version } });
    await CaseChangeModel.create({ caseId: _id, organisationId: raw.organisationId, at, userId: new Types.ObjectId(worker.id), version, kind: 'assessment', fields: ['familyAssessment'] });
    return id;
  }

  async function everything(): Promise<string> {
    const [cases, assessments, changes, facts] = await Promise.all([
      CaseModel.collection.find({}).sort({ _id: 1 }).toArray(),
      AssessmentModel.collection.find({}).sort({ _id: 1 }).toArray(),
      CaseChangeModel.collection.find({}).sort({ _id: 1 }).toArray(),
      CaseFactModel.collection.find({}).sort({ _id: 1 }).project({ updatedAt: 0 }).toArray(),
    ]);
    return JSON.stringify({ cases, assessments, changes, facts });
  }

  it('turns each rating into a needs assessment of the family domain with its notes sealed, removes the field, and a second run changes nothing', async () => {
    const text = plant(`MARKERoldrating${new Types.ObjectId().toHexString()}`);
    const mapping: [string, number | undefined][] = [['safe', 5], ['safe_with_support', 4], ['not_yet_safe', 2], ['unsafe', 1]];
    const ids = [];
    for (const [rating] of mapping) ids.push(await withOldRating(rating, rating === 'unsafe' ? text : `Fictional ${rating}`));
    const notAssessedWithText = await withOldRating('not_assessed', 'Fictional: the family could not be met', '');
    const empty = await withOldRating('not_assessed', '');
    const untouched = await buildCase(worker, {}, { team: 'north' });
    const versions = await Promise.all([...ids, untouched].map(async (id) => (await CaseModel.collection.findOne({ _id: new Types.ObjectId(id) }))!.__v));

    const report = await adoptFamilyRatings();
    expect(report).to.deep.equal({ adopted: 5, cleared: 1, resumedFrom: undefined });
    for (const [i, [rating, score]] of mapping.entries()) {
      const [a, ...more] = await AssessmentModel.find({ caseId: ids[i] }).lean();
      expect(more, rating).to.deep.equal([]);
      expect(a!.type).to.equal('needs');
      expect(a!.adoptedFrom).to.equal('family_rating');
      expect(a!.scores, rating).to.deep.equal({ family: score });
      expect(a!.date.toISOString()).to.equal('2026-04-05T00:00:00.000Z');
      expect(a!.createdAt.toISOString()).to.equal('2026-04-05T09:30:00.000Z');
      expect(String(a!.recordedBy)).to.equal(worker.id);
      expect(a!.language).to.equal('en');
      expect(unseal<{ domains: object }>(a!.secret, { domains: {} }).domains).to.deep.equal({ family: rating === 'unsafe' ? text : `Fictional ${rating}` });
      const c = (await CaseModel.collection.findOne({ _id: new Types.ObjectId(ids[i]) }))!;
      expect(c).to.not.have.property('familyAssessment');
      // Not an edit of the case: its version stays, so a form opened before still saves.
      expect(c.__v).to.equal(versions[i]);
      const facts = (await CaseFactModel.findOne({ caseId: ids[i] }).lean())!;
      expect(facts.wellbeing.map((w) => [w.domain, w.first, w.latest])).to.deep.equal([['family', score, score]]);
      expect(JSON.parse(JSON.stringify(facts.wellbeing))).to.deep.equal(JSON.parse(JSON.stringify((await computeCaseFacts(new Types.ObjectId(ids[i])))!.wellbeing)));
    }
    // "Not assessed" scores nothing; its notes are kept, in the organisation's language when none was given.
    const [kept] = await AssessmentModel.find({ caseId: notAssessedWithText }).lean();
    expect(scoresOf(kept!.scores as Record<string, unknown>)).to.deep.equal({});
    expect(kept!.language).to.equal('fil');
    expect(await AssessmentModel.countDocuments({ caseId: empty })).to.equal(0);
    expect(await CaseModel.collection.countDocuments({ familyAssessment: { $exists: true } })).to.equal(0);
    expect(await AssessmentModel.countDocuments({ caseId: untouched })).to.equal(0);
    expect((await CaseModel.collection.findOne({ _id: new Types.ObjectId(untouched) }))!.__v).to.equal(versions.at(-1));
    expect(await AuditEntryModel.countDocuments({ action: 'assessment_create', outcome: 'success' })).to.equal(5);

    // Sealed in the database, as before.
    const raw = JSON.stringify(await AssessmentModel.collection.find({}).toArray());
    expect(raw).to.not.include(text);

    const before = await everything();
    expect(await adoptFamilyRatings()).to.deep.equal({ adopted: 0, cleared: 0, resumedFrom: undefined });
    expect(await everything()).to.equal(before);
  });

  it('keeps the case history right: the old rating change still shows what it set', async () => {
    const id = await withOldRating('not_yet_safe', 'Fictional history note');
    await adoptFamilyRatings();
    const history = await caseHistory(callerOf(worker, 'north'), id);
    const change = history.changes.find((c) => c.kind === 'assessment')!;
    expect(JSON.stringify(change.next)).to.include('lookups:familyAssessment.not_yet_safe').and.include('Fictional history note');
  });

  it('resumes after the last case a stopped run finished', async () => {
    const first = await withOldRating('safe', 'Fictional first');
    const second = await withOldRating('unsafe', 'Fictional second');
    // A run that stopped after the first case: its adoption done, its position kept.
    await adoptFamilyRatings();
    await AssessmentModel.deleteMany({ caseId: second });
    await CaseModel.collection.updateOne({ _id: new Types.ObjectId(second) }, { $set: { familyAssessment: { rating: 'unsafe', secret: seal({ text: 'Fictional second', language: 'en' }) } } });
    await SystemStateModel.updateOne({ _id: 'assessments-adopt-family' }, { $set: { detail: JSON.stringify({ lastId: first }) } });
    const report = await adoptFamilyRatings();
    expect(report).to.deep.equal({ adopted: 1, cleared: 0, resumedFrom: first });
    expect(await AssessmentModel.countDocuments({ caseId: first })).to.equal(1);
    expect((await AssessmentModel.findOne({ caseId: second }).lean())!.scores).to.deep.equal({ family: 1 });
  });
});
