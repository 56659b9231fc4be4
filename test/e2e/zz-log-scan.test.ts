/**
 * Runs last (file order): the logs of the whole test run hold none of the passwords, codes, tokens and
 * cookies the tests used (SECURITY.md D4).
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { config } from '../../src/config/index.js';
import { DEMO_PASSWORD } from '../../src/services/demo/users.js';
import { plantedSecrets } from '../helpers/secrets.js';

describe('the logs of the whole run (SECURITY.md D4)', () => {
  it('contain none of the passwords, codes, tokens or cookies the tests used', () => {
    const log = readFileSync(config.logFile!, 'utf8');
    const planted = plantedSecrets();
    expect(log.split('\n').length, 'the run did log').to.be.greaterThan(100);
    expect(planted.length, 'the tests planted their secrets').to.be.greaterThan(20);
    // A short secret (a 6-digit code) counts only as a whole word: inside a timestamp or a request id
    // it is a coincidence, not a leak.
    const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const inLog = (secret: string) => (secret.length >= 12 ? log.includes(secret) : new RegExp(`(?<![0-9A-Za-z])${escape(secret)}(?![0-9A-Za-z])`).test(log));
    const found = [...planted, DEMO_PASSWORD].filter(inLog);
    expect(found).to.deep.equal([]);
  });

  it('name no user: no email address appears in any log line', () => {
    const log = readFileSync(config.logFile!, 'utf8');
    expect(log.match(/[A-Za-z0-9._-]+@[A-Za-z0-9.-]+\.[a-z]{2,}/g) ?? []).to.deep.equal([]);
  });
});
