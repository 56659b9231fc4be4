import { expect } from 'chai';
import fc from 'fast-check';
import {
  CLOSE_REASONS,
  CLOSE_REASONS_FROM,
  LEGAL_STATUSES,
  STARTING_STATUSES,
  VERDICTS,
  closeReasonsFrom,
  holdsVerdict,
  legalStateProblems,
  mayMoveLegal,
  moveProblems,
  nextLegalStatuses,
  type LegalStatus,
} from '../../src/domain/legal.js';

const TODAY = '2026-06-15';

describe('the legal case status machine (domain/legal.ts)', () => {
  const ALLOWED: [LegalStatus, LegalStatus][] = [
    ['investigation', 'filed'],
    ['investigation', 'closed'],
    ['filed', 'trial'],
    ['filed', 'verdict'],
    ['filed', 'investigation'],
    ['filed', 'closed'],
    ['trial', 'verdict'],
    ['trial', 'closed'],
    ['verdict', 'appeal'],
    ['verdict', 'closed'],
    ['appeal', 'verdict'],
    ['appeal', 'trial'],
    ['appeal', 'closed'],
  ];

  it('allows exactly the moves a criminal case takes, and nothing out of closed', () => {
    for (const from of LEGAL_STATUSES) {
      for (const to of LEGAL_STATUSES) {
        const expected = ALLOWED.some(([f, t]) => f === from && t === to);
        expect(mayMoveLegal(from, to), `${from} -> ${to}`).to.equal(expected);
      }
    }
    expect(nextLegalStatuses('closed')).to.deep.equal([]);
  });

  it('lets every open stage close, each with its own reasons, all of them known codes', () => {
    for (const from of LEGAL_STATUSES.filter((s) => s !== 'closed')) {
      expect(mayMoveLegal(from, 'closed'), from).to.equal(true);
      expect(closeReasonsFrom(from).length, from).to.be.greaterThan(0);
      for (const r of closeReasonsFrom(from)) expect(CLOSE_REASONS).to.include(r);
    }
    expect(closeReasonsFrom('closed')).to.deep.equal([]);
    // A judgment becomes final only once there is one; a complaint is withdrawn only before it.
    expect(CLOSE_REASONS_FROM.investigation).to.not.include('final_judgment');
    expect(CLOSE_REASONS_FROM.verdict).to.include('final_judgment').and.not.include('withdrawn');
  });

  it('records a legal case first at investigation, filed or trial only', () => {
    expect([...STARTING_STATUSES]).to.deep.equal(['investigation', 'filed', 'trial']);
  });

  describe('moveProblems', () => {
    it('refuses a move the machine does not allow, naming the move', () => {
      expect(moveProblems('investigation', { to: 'verdict', date: TODAY, verdict: 'convicted', reason: '' }, TODAY)).to.deep.equal({ to: 'legal:errors.transition' });
      expect(moveProblems('closed', { to: 'investigation', date: TODAY, verdict: '', reason: '' }, TODAY)).to.deep.equal({ to: 'legal:errors.transition' });
      expect(moveProblems('trial', { to: 'nowhere', date: TODAY, verdict: '', reason: '' }, TODAY)).to.deep.equal({ to: 'legal:errors.transition' });
    });

    it('needs a verdict to reach a verdict, and refuses one with any other move', () => {
      expect(moveProblems('trial', { to: 'verdict', date: TODAY, verdict: '', reason: '' }, TODAY)).to.deep.equal({ verdict: 'legal:errors.verdictRequired' });
      expect(moveProblems('trial', { to: 'verdict', date: TODAY, verdict: 'guilty-ish', reason: '' }, TODAY)).to.deep.equal({ verdict: 'legal:errors.verdictRequired' });
      expect(moveProblems('trial', { to: 'verdict', date: TODAY, verdict: 'acquitted', reason: '' }, TODAY)).to.deep.equal({});
      expect(moveProblems('verdict', { to: 'appeal', date: TODAY, verdict: 'acquitted', reason: '' }, TODAY)).to.deep.equal({ verdict: 'legal:errors.verdictOnlyAtVerdict' });
    });

    it('needs a closing reason that applies at the stage, and a day that is not in the future', () => {
      expect(moveProblems('trial', { to: 'closed', date: TODAY, verdict: '', reason: '' }, TODAY)).to.deep.equal({ reason: 'common:form.required' });
      expect(moveProblems('trial', { to: 'closed', date: TODAY, verdict: '', reason: 'final_judgment' }, TODAY)).to.deep.equal({ reason: 'legal:errors.reasonNotNow' });
      expect(moveProblems('verdict', { to: 'closed', date: TODAY, verdict: '', reason: 'final_judgment' }, TODAY)).to.deep.equal({});
      expect(moveProblems('filed', { to: 'trial', date: '2026-06-16', verdict: '', reason: '' }, TODAY)).to.deep.equal({ date: 'legal:errors.pastDate' });
      expect(moveProblems('filed', { to: 'trial', date: '2026-02-30', verdict: '', reason: '' }, TODAY)).to.deep.equal({ date: 'legal:errors.pastDate' });
      expect(moveProblems('filed', { to: 'trial', date: TODAY, verdict: '', reason: 'withdrawn' }, TODAY)).to.deep.equal({ reason: 'legal:errors.reasonOnlyClosing' });
    });
  });

  describe('legalStateProblems', () => {
    it('accepts the states the machine produces and finds each kind of broken state', () => {
      expect(legalStateProblems({ status: 'trial', charges: ['child_abuse'] })).to.deep.equal([]);
      expect(legalStateProblems({ status: 'appeal', verdict: 'convicted' })).to.deep.equal([]);
      expect(legalStateProblems({ status: 'closed', closedFrom: 'verdict', closeReason: 'final_judgment', verdict: 'plea' })).to.deep.equal([]);
      expect(legalStateProblems({ status: 'closed', closedFrom: 'investigation', closeReason: 'withdrawn' })).to.deep.equal([]);
      expect(legalStateProblems({ status: 'trial', verdict: 'convicted' })).to.have.length(1);
      expect(legalStateProblems({ status: 'verdict' })).to.have.length(1);
      expect(legalStateProblems({ status: 'closed', closedFrom: 'trial', closeReason: 'final_judgment' })).to.have.length(1);
      expect(legalStateProblems({ status: 'closed' })).to.not.be.empty;
      expect(legalStateProblems({ status: 'filed', closeReason: 'withdrawn' })).to.have.length(1);
      expect(legalStateProblems({ status: 'sentenced' })).to.have.length(1);
      expect(legalStateProblems({ status: 'filed', charges: ['jaywalking'] })).to.have.length(1);
    });

    it('holds for every sequence of allowed moves, whatever the moves ask (property)', () => {
      const moveArb = fc.record({
        to: fc.constantFrom(...LEGAL_STATUSES, 'bogus'),
        verdict: fc.constantFrom('', ...VERDICTS),
        reason: fc.constantFrom('', ...CLOSE_REASONS),
      });
      fc.assert(
        fc.property(fc.constantFrom(...STARTING_STATUSES), fc.array(moveArb, { maxLength: 12 }), (start, moves) => {
          // A reference model of a stored legal case, moved only when moveProblems finds nothing.
          let s: { status: LegalStatus; verdict?: string; closedFrom?: LegalStatus; closeReason?: string } = { status: start };
          for (const m of moves) {
            const problems = moveProblems(s.status, { ...m, date: TODAY }, TODAY);
            if (Object.keys(problems).length > 0) {
              expect(mayMoveLegal(s.status, m.to as LegalStatus) && problems.to).to.not.equal('legal:errors.transition');
              continue;
            }
            const to = m.to as LegalStatus;
            if (to === 'verdict') s = { status: to, verdict: m.verdict };
            else if (to === 'trial' || to === 'investigation') s = { status: to };
            else if (to === 'closed') s = { ...s, status: to, closedFrom: s.status, closeReason: m.reason };
            else s = { ...s, status: to };
            expect(legalStateProblems(s), JSON.stringify(s)).to.deep.equal([]);
            expect(holdsVerdict(s.status, s.closedFrom)).to.equal(Boolean(s.verdict));
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
