import { expect } from 'chai';
import { normalizeInput } from '../../src/lib/i18n/normalize.js';
import { parseQuery } from '../../src/middleware/body.js';

describe('input normalisation', () => {
  it('turns decomposed Vietnamese into NFC, in keys and nested values', () => {
    const decomposed = 'Nguye\u0302\u0303n'; // Nguyễn, decomposed
    const out = normalizeInput({ name: decomposed, list: [decomposed] }) as { name: string; list: string[] };
    expect(out.name).to.equal('Nguyễn');
    expect(out.name).to.equal(out.name.normalize('NFC'));
    expect(out.list[0]).to.equal('Nguyễn');
  });

  it('drops __proto__, constructor and prototype keys and pollutes nothing', () => {
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"a":1}') as object;
    const out = normalizeInput(hostile) as Record<string, unknown>;
    expect(Object.keys(out)).to.deep.equal(['a']);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    expect(Object.getPrototypeOf(out)).to.equal(null);
  });

  it('parses query strings flat: brackets stay part of the key, repeats become arrays', () => {
    const q = parseQuery('email[$regex]=.*&lng=th&lng=km&__proto__=x');
    expect(q['email[$regex]']).to.equal('.*');
    expect(q.lng).to.deep.equal(['th', 'km']);
    expect(Object.keys(q)).to.not.include('__proto__');
  });
});
