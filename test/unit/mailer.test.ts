import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { writeToOutbox } from '../../src/lib/mailer.js';
import { TEST_DIR } from '../helpers/env.js';

describe('the development outbox', () => {
  it('keeps each message as a file only its owner can read, with the link intact', () => {
    const dir = path.join(TEST_DIR, 'outbox');
    const file = writeToOutbox(dir, { to: 'new.user@test.haven.example', subject: 'Your Haven account', text: 'Open https://h.example/invite?token=abc&lng=th' });
    expect(path.dirname(file)).to.equal(dir);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(dir).mode & 0o777).to.equal(0o700);
    const text = readFileSync(file, 'utf8');
    expect(text).to.include('To: new.user@test.haven.example').and.include('invite?token=abc&lng=th');
  });
});
