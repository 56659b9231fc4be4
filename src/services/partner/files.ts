/**
 * The files a referral shares, downloaded by partner staff (SECURITY.md C3, I4): always the referral's
 * own copy (models/referral-file.ts), never the case's attachment, and only a copy the referral's
 * current snapshot lists. Anything else, like a referral outside the partner filter, answers 404 and
 * is audited; each download is audited `referral_download`.
 */
import type { Caller } from '../../domain/permissions.js';
import { ReferralFileModel } from '../../models/referral-file.js';
import { outOfScope } from '../access.js';
import { audit } from '../audit/audit.js';
import { trusted } from '../auth/trusted.js';
import { unseal } from '../cases/records.js';
import { openReferralFile } from '../referrals/file-copies.js';
import { openSnapshot, referralForPartner } from '../referrals/referrals.js';

export interface DownloadedFile {
  name: string;
  type: string;
  data: Buffer;
}

export async function downloadAsPartner(caller: Caller, id: string, fileId: string): Promise<DownloadedFile> {
  const r = await referralForPartner(caller, id);
  const shared = (openSnapshot(r).attachments ?? []).some((a) => a.fileId && a.fileId === fileId);
  // Not a file this referral shares now (a malformed id, another referral's, an older snapshot's): as if absent.
  const file = shared && /^[0-9a-f]{24}$/i.test(fileId) ? await ReferralFileModel.findOne(trusted({ _id: fileId, referralId: r._id, complete: true })).lean() : null;
  if (!file) return outOfScope(caller, 'referral', String(r._id));
  const data = await openReferralFile(file);
  await audit(caller, { action: 'referral_download', outcome: 'success', recordType: 'referral', recordId: String(r._id) });
  return { name: unseal<{ name: string }>(file.secretName, { name: '' }).name || 'file', type: file.type, data };
}
