import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ConfigError, LOCAL_SECRETS_FILE, loadConfig } from '../../src/config/index.js';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const PRODUCTION = {
  NODE_ENV: 'production',
  BASE_URL: 'https://haven.example.org',
  SESSION_SECRET: key(1),
  DATA_KEYS: `k1:${key(2)},k2:${key(3)}`,
  SEARCH_KEY: key(4),
  SMTP_URL: 'smtp://mail.example.org:587',
  MONGODB_URI: 'mongodb://haven:pw@db1.example.org:27017,db2.example.org:27017/?replicaSet=rs0',
};

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-config-'));
    dirs.push(dir);
    return dir;
  };
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start in production without secrets, naming each missing one', () => {
    const message = thrown(() => loadConfig({ NODE_ENV: 'production', BASE_URL: 'https://h.example.org' }));
    expect(message).to.include('SESSION_SECRET').and.include('DATA_KEYS').and.include('SEARCH_KEY');
  });

  it('refuses production without BASE_URL', () => {
    const { BASE_URL: _omit, ...rest } = PRODUCTION;
    expect(thrown(() => loadConfig(rest))).to.include('BASE_URL');
  });

  it('refuses production without SMTP_URL, since invitations and resets go by email', () => {
    const { SMTP_URL: _omit, ...rest } = PRODUCTION;
    expect(thrown(() => loadConfig(rest))).to.include('SMTP_URL');
  });

  it('refuses production without MONGODB_URI: the embedded engine is not for real case data', () => {
    const { MONGODB_URI: _omit, ...rest } = PRODUCTION;
    const message = thrown(() => loadConfig(rest));
    expect(message).to.include('MONGODB_URI').and.include('compose.yaml');
  });

  it('validates values and says which variable is wrong, without echoing secrets', () => {
    const message = thrown(() => loadConfig({ ...PRODUCTION, PORT: 'eighty', DATA_KEYS: 'k1:short' }));
    expect(message).to.include('PORT').and.include('DATA_KEYS').and.not.include('short');
    expect(thrown(() => loadConfig({ MONGODB_URI: 'postgres://x' }))).to.include('MONGODB_URI');
    expect(thrown(() => loadConfig({ ...PRODUCTION, DATA_KEYS: `k1:${key(2)},k1:${key(3)}` }))).to.include('repeats');
  });

  it('reads a full production environment into a frozen object, the last data key encrypting', () => {
    const config = loadConfig({ ...PRODUCTION, PORT: '8080' });
    expect(config.port).to.equal(8080);
    expect(config.demo).to.equal(false);
    expect(config.dataKeys.map((k) => k.id)).to.deep.equal(['k1', 'k2']);
    expect(Object.isFrozen(config)).to.equal(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).to.throw(TypeError);
  });

  it('generates development secrets once into a private git-ignored file, with a notice', () => {
    const cwd = tempDir();
    const first = loadConfig({ NODE_ENV: 'development' }, { cwd });
    expect(first.notices.join()).to.include(LOCAL_SECRETS_FILE);
    const file = path.join(cwd, LOCAL_SECRETS_FILE);
    expect(statSync(file).mode & 0o077).to.equal(0);
    const second = loadConfig({ NODE_ENV: 'development' }, { cwd });
    expect(second.notices).to.deep.equal([]);
    expect(second.sessionSecret).to.equal(first.sessionSecret);
    expect(second.dataKeys[0]!.key.equals(first.dataKeys[0]!.key)).to.equal(true);
    expect(JSON.parse(readFileSync(file, 'utf8'))).to.have.keys('SESSION_SECRET', 'DATA_KEYS', 'SEARCH_KEY');
    const gitignore = readFileSync(path.resolve('.gitignore'), 'utf8');
    expect(gitignore.split('\n')).to.include(LOCAL_SECRETS_FILE);
  });

  it('turns demo mode on by default in development only', () => {
    const cwd = tempDir();
    expect(loadConfig({ NODE_ENV: 'development' }, { cwd }).demo).to.equal(true);
    expect(loadConfig({ NODE_ENV: 'test' }).demo).to.equal(false);
    expect(loadConfig({ NODE_ENV: 'development', DEMO: 'false' }, { cwd }).demo).to.equal(false);
  });
});
