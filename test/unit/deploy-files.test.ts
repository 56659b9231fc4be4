// Docker cannot run on the machines Haven is built on, so the deploy files are checked as far as a
// parser allows: the Dockerfile by the Docker language server's validator, compose.yaml as YAML.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { validate } from 'dockerfile-utils';
import { parse } from 'yaml';
import { ROOT } from '../../src/lib/paths.js';

const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: unknown;
  ports?: string[];
}

describe('Dockerfile', () => {
  it('is valid Dockerfile syntax (and the validator does find errors)', () => {
    expect(validate(dockerfile)).to.deep.equal([]);
    expect(validate('FROM node:24-slim\nHEALTHCHECK --interval=abc CMD true\nEXPOSE port\n')).to.not.be.empty;
  });

  it('builds in stages on Node 24 LTS and runs production dependencies as a non-root user', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).to.be.at.least(2);
    for (const image of froms) expect(image).to.match(/^node:24[-.]/);
    expect(dockerfile).to.match(/npm prune --omit=dev|npm ci --omit=dev/);
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).to.be.a('string').and.not.match(/^(root|0)$/);
    expect(dockerfile).to.match(/^HEALTHCHECK[\s\S]*\/healthz/m);
    expect(dockerfile).to.match(/^CMD \["node", "dist\/server\.js"\]/m);
  });

  it('copies what the app reads at run time: views, locales and public assets', () => {
    for (const dir of ['src/views', 'locales', 'public']) expect(dockerfile).to.include(`COPY ${dir} ./${dir}`);
  });
});

describe('compose.yaml', () => {
  const compose = parse(readFileSync(path.join(ROOT, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };
  const members = ['mongo1', 'mongo2', 'mongo3'];

  it('runs a three-member MongoDB 7 replica set with keyfile authentication and a volume each', () => {
    for (const name of members) {
      const svc = compose.services[name]!;
      expect(svc.image, name).to.match(/^mongo:7/);
      expect(svc.command).to.include.members(['--replSet', 'rs0', '--auth', '--keyFile']);
      expect(svc.volumes!.some((v) => v.endsWith(':/data/db')), name).to.equal(true);
      expect(svc.healthcheck, name).to.exist;
      expect(compose.volumes).to.have.property(`${name}-data`);
    }
    expect(compose.services['mongo-init']!.command!.join('\n')).to.include('rs.initiate');
  });

  it('connects the app to all three members with its own user, and has no default secrets', () => {
    const app = compose.services.app!;
    expect(app.build).to.exist;
    const env = app.environment!;
    expect(env.MONGODB_URI).to.match(/mongo1:27017,mongo2:27017,mongo3:27017\/haven\?replicaSet=rs0/);
    for (const secret of ['SESSION_SECRET', 'DATA_KEYS', 'SEARCH_KEY', 'BASE_URL', 'SMTP_URL', 'MAIL_FROM']) {
      expect(env[secret], secret).to.match(/^\$\{\w+:\?/);
    }
    expect(env.NODE_ENV).to.equal('production');
    for (const port of app.ports ?? []) expect(port).to.match(/^127\.0\.0\.1:/);
  });
});
