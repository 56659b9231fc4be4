import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ESLint } from 'eslint';
import { ROOT } from '../../src/lib/paths.js';

async function lint(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('the import directions of ARCHITECTURE.md', () => {
  it('fail lint when a route imports a model', async () => {
    const messages = await lint(
      'src/routes/example/index.ts',
      "import { OrganisationModel } from '../../models/organisation.js';\nexport const x = OrganisationModel;\n",
    );
    expect(messages.join('\n')).to.include('no-restricted-imports');
  });

  it('let a route import a service', async () => {
    const messages = await lint(
      'src/routes/example/index.ts',
      "import { seedDemo } from '../../services/demo-seed.js';\nexport const x = seedDemo;\n",
    );
    expect(messages).to.deep.equal([]);
  });

  it('fail lint when a model imports a service, domain imports a package, or a service reads process.env', async () => {
    expect(await lint('src/models/x.ts', "import { seedDemo } from '../services/demo-seed.js';\nexport const x = seedDemo;\n")).to.not.be.empty;
    expect(await lint('src/domain/x.ts', "import mongoose from 'mongoose';\nexport const x = mongoose;\n")).to.not.be.empty;
    expect(await lint('src/services/x.ts', 'export const x = process.env.SECRET;\n')).to.not.be.empty;
  });
});

describe('dependencies (SECURITY.md X1)', () => {
  it('include none of the packages we do not allow', () => {
    const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, ''));
    expect(installed.length).to.be.greaterThan(50);
    for (const banned of ['csurf', 'speakeasy', 'crypto-js', 'express-brute', 'express-mongo-sanitize']) {
      expect(installed, banned).to.not.include(banned);
    }
  });
});
