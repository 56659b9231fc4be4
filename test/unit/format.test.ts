import { expect } from 'chai';
import { formatDate, formatNumber, intlLocale, toLatinDigits } from '../../src/lib/i18n/format.js';

describe('dates and numbers', () => {
  const date = new Date('2026-03-15T12:00:00Z');

  it('shows Thai dates in the Buddhist era by default and Gregorian on request', () => {
    expect(formatDate(date, 'th')).to.include('2569');
    expect(formatDate(date, 'th', { calendar: 'gregory' })).to.include('2026');
  });

  it('uses pt-TL for Tetum, which has no CLDR data of its own', () => {
    expect(intlLocale('tet')).to.equal('pt-TL');
    expect(formatDate(date, 'tet')).to.equal(new Intl.DateTimeFormat('pt-TL', { dateStyle: 'medium', timeZone: 'UTC' }).format(date));
  });

  it('formats numbers in the reader’s locale', () => {
    expect(formatNumber(1234.5, 'fr')).to.equal(new Intl.NumberFormat('fr').format(1234.5));
    expect(formatNumber(12, 'my')).to.equal('၁၂');
  });

  it('returns nothing for an invalid date rather than "Invalid Date"', () => {
    expect(formatDate('not a date', 'en')).to.equal('');
  });

  it('reads Thai, Khmer, Lao and Burmese digits as numbers', () => {
    expect(toLatinDigits('๒๕๖๙')).to.equal('2569');
    expect(toLatinDigits('១២៣')).to.equal('123');
    expect(toLatinDigits('໔໕')).to.equal('45');
    expect(toLatinDigits('၀၉')).to.equal('09');
    expect(toLatinDigits('PH-2026-00042')).to.equal('PH-2026-00042');
  });
});
