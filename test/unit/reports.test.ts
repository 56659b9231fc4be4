/**
 * The rules that keep a report from pointing at a child (domain/reports.ts): small counts, counts that
 * subtraction would give away, rates and medians of too few values; and CSV cells a spreadsheet would
 * run as formulas.
 */
import { expect } from 'chai';
import { csvCell, periodRange, suppress, type Column, type RawTable } from '../../src/domain/reports.js';

const count: Column[] = [{ key: 'n', kind: 'count' }];
const rows = (values: number[]) => values.map((n, i) => ({ key: `r${i}`, values: { n } }));
const hidden = (t: ReturnType<typeof suppress>, key = 'n') => t.rows.map((r) => r.cells[key]!.hidden ?? null);

describe('report suppression (SECURITY.md P4)', () => {
  it('shows zero and counts of 5 or more, and hides 1 to 4 as small', () => {
    const t = suppress({ columns: count, rows: rows([0, 1, 4, 5, 12]) });
    expect(hidden(t)).to.deep.equal([null, 'small', 'small', null, null]);
    expect(t.rows.map((r) => r.cells.n!.value)).to.deep.equal([0, 1, 4, 5, 12]);
  });

  it('hides the smallest other count when the total would give a single small one away', () => {
    // 3 is small; with 20 and 6 shown and the total 29, 3 would follow by subtraction: 6 goes too.
    const t = suppress({ columns: count, rows: rows([20, 3, 6]), totals: { n: 29 } });
    expect(hidden(t)).to.deep.equal([null, 'small', 'derived']);
    expect(t.totals!.n!.hidden).to.equal(undefined);
  });

  it('hides more until the hidden cells add up to 5 or more', () => {
    // Two small cells of 1 and 2 add up to 3: a reader would know both are tiny; the 7 goes as well.
    const t = suppress({ columns: count, rows: rows([1, 2, 7, 30]), totals: { n: 40 } });
    expect(hidden(t)).to.deep.equal(['small', 'small', 'derived', null]);
  });

  it('hides the total itself when nothing else is left to hide, and a small total hides its column', () => {
    const alone = suppress({ columns: count, rows: rows([3, 0]), totals: { n: 3 } });
    expect(alone.totals!.n!.hidden).to.equal('small');
    const only = suppress({ columns: count, rows: rows([2, 0, 0]), totals: { n: 2 } });
    expect(hidden(only)).to.deep.equal(['small', null, null]);
    const last = suppress({ columns: count, rows: rows([3, 8]), totals: { n: 11 } });
    expect(hidden(last)).to.deep.equal(['small', 'derived']);
    expect(last.totals!.n!.hidden).to.equal(undefined);
    const single = suppress({ columns: count, rows: rows([3]), totals: { n: 3 } });
    expect(single.totals!.n!.hidden).to.equal('small');
  });

  it('leaves a column without a total to the small-count rule alone', () => {
    const t = suppress({ columns: count, rows: rows([3, 6, 9]) });
    expect(hidden(t)).to.deep.equal(['small', null, null]);
  });

  it('hides a part whose whole is only a little more (the rest would be a small count)', () => {
    const table: RawTable = {
      columns: [
        { key: 'due', kind: 'count' },
        { key: 'done', kind: 'count', within: 'due' },
      ],
      rows: [
        { key: 'a', values: { due: 9, done: 7 } },
        { key: 'b', values: { due: 9, done: 9 } },
        { key: 'c', values: { due: 12, done: 5 } },
      ],
    };
    expect(hidden(suppress(table), 'done')).to.deep.equal(['derived', null, null]);
  });

  it('shows a rate only when it is made of 5 values or more and its part and the rest are not small', () => {
    const table: RawTable = {
      columns: [
        { key: 'set', kind: 'count' },
        { key: 'met', kind: 'count' },
        { key: 'share', kind: 'rate', part: 'met', of: 'set' },
      ],
      rows: [
        { key: 'few', values: { set: 4, met: 0, share: 0 } },
        { key: 'rest', values: { set: 10, met: 7, share: 0.7 } },
        { key: 'part', values: { set: 10, met: 2, share: 0.2 } },
        { key: 'ok', values: { set: 10, met: 5, share: 0.5 } },
      ],
    };
    const t = suppress(table);
    // `few`: its whole is hidden; `rest`: 10 − 7 = 3 not met; `part`: the part is hidden.
    expect(hidden(t, 'share')).to.deep.equal(['derived', 'derived', 'derived', null]);
  });

  it('shows a median or mean only when it is made of 5 values or more', () => {
    const t = suppress({
      columns: [{ key: 'days', kind: 'median' }],
      rows: [
        { key: 'a', values: { days: 12 }, n: { days: 4 } },
        { key: 'b', values: { days: 9 }, n: { days: 5 } },
        { key: 'c', values: { days: null }, n: { days: 0 } },
      ],
    });
    expect(hidden(t, 'days')).to.deep.equal(['few', null, null]);
    expect(t.rows[2]!.cells.days!.value).to.equal(null);
  });
});

describe('report suppression, on many random columns', () => {
  it('never shows a count of 1 to 4, and leaves no single small count to work out from the total', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 2000; run++) {
      const values = Array.from({ length: 1 + random(6) }, () => [0, 1, 2, 3, 4, 5, 6, 9, 14, 30][random(10)]!);
      const total = values.reduce((a, b) => a + b, 0);
      const t = suppress({ columns: count, rows: rows(values), totals: { n: total } });
      const cells = t.rows.map((r) => r.cells.n!);
      for (const c of cells) if (!c.hidden) expect(c.value, JSON.stringify(values)).to.satisfy((v: number) => v === 0 || v >= 5);
      const hiddenCells = cells.filter((c) => c.hidden);
      if (hiddenCells.length > 0 && !t.totals!.n!.hidden) {
        // The total less the visible cells is what the hidden ones add up to: never one small count alone.
        expect(hiddenCells.length, JSON.stringify(values)).to.be.at.least(2);
        expect(hiddenCells.reduce((s, c) => s + c.value!, 0), JSON.stringify(values)).to.be.at.least(5);
      }
    }
  });
});

describe('CSV cells (SECURITY.md I5)', () => {
  it('puts an apostrophe before text a spreadsheet would run, and quotes what must be', () => {
    expect(csvCell('=HYPERLINK("http://x.example","y")')).to.equal('"\'=HYPERLINK(""http://x.example"",""y"")"');
    for (const lead of ['+', '-', '@', '\t', '\r']) expect(csvCell(`${lead}1+1`).startsWith(`'${lead}`) || csvCell(`${lead}1+1`).startsWith(`"'${lead}`), JSON.stringify(lead)).to.equal(true);
    expect(csvCell('Counselling, mental health')).to.equal('"Counselling, mental health"');
    expect(csvCell('ការប្រឹក្សា')).to.equal('ការប្រឹក្សា');
    expect(csvCell('12')).to.equal('12');
  });
});

describe('report periods', () => {
  it('are calendar quarters and years, the end being the first day after', () => {
    expect(periodRange('quarter', 2025, 2)).to.deep.equal({ from: new Date('2025-04-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') });
    expect(periodRange('quarter', 2025, 4)!.to).to.deep.equal(new Date('2026-01-01T00:00:00Z'));
    expect(periodRange('year', 2024)).to.deep.equal({ from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') });
    expect(periodRange('quarter', 2025, 5)).to.equal(undefined);
    expect(periodRange('year', 1999)).to.equal(undefined);
  });
});
