import { expect } from 'chai';
import { fromAcceptLanguage, toLocale } from '../../src/domain/locales.js';

describe('language tags', () => {
  it('map regional and old codes to the supported locale', () => {
    expect(toLocale('th-TH')).to.equal('th');
    expect(toLocale('tl')).to.equal('fil');
    expect(toLocale('tl-PH')).to.equal('fil');
    expect(toLocale('in')).to.equal('id');
    expect(toLocale('FIL_ph')).to.equal('fil');
    expect(toLocale('km')).to.equal('km');
  });

  it('ignore unsupported, malformed and hostile values', () => {
    for (const bad of ['de', '', 'x', '<script>', 'th;drop', { $ne: null }, ['th'], 42, null, undefined, 'a'.repeat(100)]) {
      expect(toLocale(bad), String(bad)).to.equal(undefined);
    }
  });

  it('read Accept-Language by quality, skipping what is not supported', () => {
    expect(fromAcceptLanguage('de-DE,de;q=0.9,km;q=0.8,en;q=0.7')).to.equal('km');
    expect(fromAcceptLanguage('en;q=0.1, lo;q=0.9')).to.equal('lo');
    expect(fromAcceptLanguage('*')).to.equal(undefined);
    expect(fromAcceptLanguage('th;q=0')).to.equal(undefined);
    expect(fromAcceptLanguage('my;q=abc, vi')).to.equal('vi');
  });

  it('accept an extra (pseudo) locale only when asked to', () => {
    expect(toLocale('en-XA')).to.equal('en');
    expect(toLocale('en-XA', ['en-XA'])).to.equal('en-XA');
  });
});
