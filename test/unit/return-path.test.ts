import { expect } from 'chai';
import { returnPath } from '../../src/middleware/permit.js';

describe('the page to go back to after signing in', () => {
  it('is a path on this site', () => {
    for (const ok of ['/', '/account', '/audit?user=maria%40x.example&page=2', '/audit?user=maria@x.example', '/admin/users/6b0a00b346229fb7b6e3d45c']) {
      expect(returnPath(ok), ok).to.equal(ok);
    }
  });

  it('is never another site, a scheme, or anything that is not a plain string', () => {
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/a\nb', ' /x', '', `/${'a'.repeat(400)}`, ['/'], { a: '/' }, undefined]) {
      expect(returnPath(bad), JSON.stringify(bad)).to.equal(undefined);
    }
  });
});
