/**
 * Outgoing mail (invitations, password resets). Production sends through SMTP_URL. Development writes
 * each message to a file in the outbox folder for the developer to open; tests keep them in memory.
 * Messages are never logged: they carry single-use links.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { config } from '../config/index.js';
import { clock } from './clock.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

const sentInTests: Mail[] = [];

/** Tests only: the messages sent so far in this process. */
export function testOutbox(): Mail[] {
  return sentInTests;
}

export const OUTBOX_DIR = path.join(config.dataDir, 'outbox');

let transport: Transporter | undefined;

export async function sendMail(mail: Mail): Promise<void> {
  if (config.isTest) {
    sentInTests.push({ ...mail });
    return;
  }
  if (config.smtpUrl) {
    transport ??= nodemailer.createTransport(config.smtpUrl);
    await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
    return;
  }
  if (config.isProduction) throw new Error('no SMTP_URL in production');
  writeToOutbox(OUTBOX_DIR, mail);
}

/** Development: one text file per message, readable by the developer only. Returns the file. */
export function writeToOutbox(dir: string, mail: Mail): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = clock.now().toISOString().replace(/[:.]/g, '-');
  const file = path.join(dir, `${stamp}-${mail.to.replace(/[^A-Za-z0-9@._-]/g, '_')}.txt`);
  writeFileSync(file, `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}\n`, { mode: 0o600 });
  return file;
}
