import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import Handlebars from 'handlebars';
import { createI18n } from '../../src/lib/i18n/index.js';
import { VIEWS_DIR } from '../../src/lib/paths.js';
import { t } from '../../src/views/helpers/t.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

describe('views (SECURITY.md O1)', () => {
  it('use no triple-stash output except the layout body', () => {
    for (const file of files(VIEWS_DIR).filter((f) => f.endsWith('.hbs'))) {
      const triples = readFileSync(file, 'utf8').match(/\{\{\{[^}]*\}\}\}/g) ?? [];
      const allowed = file.endsWith(path.join('layouts', 'main.hbs')) ? ['{{{body}}}'] : [];
      expect(triples, path.relative(VIEWS_DIR, file)).to.deep.equal(allowed);
    }
  });

  it('make SafeStrings only in the t helper', () => {
    const helpers = files(path.join(VIEWS_DIR, 'helpers')).filter((f) => f.endsWith('.ts'));
    const unsafe = helpers.filter((f) => readFileSync(f, 'utf8').includes('SafeString') && !f.endsWith(`${path.sep}t.ts`));
    expect(unsafe).to.deep.equal([]);
  });

  it('the t helper escapes interpolated values exactly once, in the request’s language', async () => {
    const i18n = await createI18n();
    const hbs = Handlebars.create();
    hbs.registerHelper('t', t);
    const template = hbs.compile('<p>{{t "common:errors.reference" requestId=id}}</p>');
    const html = template({ t: i18n.getFixedT('fr'), id: '<b>"x" & y</b>' });
    expect(html).to.include('&lt;b&gt;&quot;x&quot; &amp; y&lt;&#x2F;b&gt;');
    expect(html).to.not.include('&amp;lt;');
    expect(html).to.match(/^<p>Référence/);
  });

  it('the t helper refuses to run without a request t, rather than fall back to another language', () => {
    const hbs = Handlebars.create();
    hbs.registerHelper('t', t);
    expect(() => hbs.compile('{{t "common:appName"}}')({})).to.throw(/request t/);
  });
});
