/**
 * Files on a case (SECURITY.md I4, D1): PDF, JPEG and PNG only, recognised by their content, never by
 * their name or the type the browser claims; images are decoded and written again, which drops EXIF,
 * GPS and every other metadata block; everything is encrypted before it is stored, and read back only
 * through the case's access filter.
 */
import { fileTypeFromBuffer } from 'file-type';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, CASE_QUOTA_BYTES, type AttachmentType } from '../../domain/cases.js';
import { Invalid } from '../../domain/errors.js';
import type { LookupCode } from '../../domain/lookups.js';
import type { Caller } from '../../domain/permissions.js';
import { encryptBytes } from '../../lib/crypto.js';
import { AttachmentModel } from '../../models/attachment.js';
import { CaseModel } from '../../models/case.js';
import { outOfScope, parseId } from '../access.js';
import { openContent, storeContent } from './attachment-content.js';
import { audit } from '../audit/audit.js';
import { caseInScope, recordChange, seal, unseal, userNames, versionOf } from './records.js';
import { trusted } from '../auth/trusted.js';

export interface UploadInput {
  kind: LookupCode<'attachmentKind'>;
  name: string;
  data: Buffer;
}

async function refuse(caller: Caller, caseId: string, key: string): Promise<never> {
  await audit(caller, { action: 'attachment_upload', outcome: 'denied', reason: 'upload_refused', recordType: 'case', recordId: caseId });
  throw new Invalid({ file: key });
}

/** The content's own type, if it is one we keep. */
export async function sniff(data: Buffer): Promise<AttachmentType | undefined> {
  const found = await fileTypeFromBuffer(data);
  return found && (ATTACHMENT_TYPES as readonly string[]).includes(found.mime) ? (found.mime as AttachmentType) : undefined;
}

/** Decodes and re-encodes an image: pixels only, turned upright, with no metadata of any kind. */
async function cleanImage(data: Buffer, type: AttachmentType): Promise<Buffer> {
  const image = sharp(data, { failOn: 'error' }).rotate();
  return type === 'image/png' ? image.png().toBuffer() : image.jpeg({ quality: 90, mozjpeg: true }).toBuffer();
}

/** A file name to show and to offer on download: no folders, no control characters, not too long. */
export function cleanFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\p{Cc}\p{Cf}"]/gu, '').trim();
  return [...clean].slice(0, 120).join('') || 'file';
}

export async function uploadAttachment(caller: Caller, caseId: string, input: UploadInput): Promise<string> {
  const c = await caseInScope(caller, caseId, 'case.update');
  if (input.data.length === 0) return refuse(caller, caseId, 'common:form.required');
  if (input.data.length > ATTACHMENT_MAX_BYTES) return refuse(caller, caseId, 'cases:attachments.errors.tooLarge');
  const type = await sniff(input.data);
  if (!type) return refuse(caller, caseId, 'cases:attachments.errors.type');
  let content = input.data;
  if (type !== 'application/pdf') {
    try {
      content = await cleanImage(input.data, type);
    } catch {
      return refuse(caller, caseId, 'cases:attachments.errors.unreadable');
    }
  }
  // An upload changes three things: the case's quota, the GridFS file and the attachment document.
  // They are written in that order, without a transaction: a file of up to 10 MB is many chunk
  // writes, more than a transaction should carry, and GridFS writes through its own streams. The order
  // keeps them consistent instead. The quota is reserved first, atomically, so two uploads at once
  // cannot both slip under it. The file holds ciphertext only and is named after the attachment's id.
  // The attachment document, written last, is what makes the file visible: until it exists nothing
  // lists or serves the file, so an upload interrupted before it leaves at worst an orphan GridFS
  // file, unreadable without the header, and bytes reserved that were never used (the quota errs on
  // the side of the limit). A failed file write gives its reservation back at once.
  const reserved = await CaseModel.updateOne(
    trusted({ _id: c._id, attachmentBytes: { $lte: CASE_QUOTA_BYTES - content.length } }),
    { $inc: { attachmentBytes: content.length } },
  );
  if (reserved.modifiedCount !== 1) return refuse(caller, caseId, 'cases:attachments.errors.quota');
  const { header, body } = encryptBytes(content);
  const id = new Types.ObjectId();
  let fileId: Types.ObjectId;
  try {
    fileId = await storeContent(id, body);
  } catch (err) {
    await CaseModel.updateOne({ _id: c._id }, { $inc: { attachmentBytes: -content.length } }).catch(() => undefined);
    throw err;
  }
  await AttachmentModel.create({
    _id: id,
    caseId: c._id,
    organisationId: c.organisationId,
    kind: input.kind,
    type,
    size: content.length,
    secretName: seal({ name: cleanFileName(input.name) }),
    header,
    fileId,
    uploadedBy: new Types.ObjectId(caller.userId),
    complete: true,
  });
  await recordChange(caller, c, versionOf(c), 'attachment_add', []);
  await audit(caller, { action: 'attachment_upload', outcome: 'success', recordType: 'attachment', recordId: String(id) });
  return String(id);
}

export interface AttachmentFile {
  type: AttachmentType;
  name: string;
  data: Buffer;
}

export async function downloadAttachment(caller: Caller, caseId: string, attachmentId: string): Promise<AttachmentFile> {
  const c = await caseInScope(caller, caseId, 'case.read');
  const _id = parseId(attachmentId);
  // One query with both conditions: an attachment of another case is simply not found.
  const a = await AttachmentModel.findOne({ _id, caseId: c._id, complete: true }).lean();
  if (!a) return outOfScope(caller, 'attachment', attachmentId);
  const data = await openContent(a.fileId, a.header);
  await audit(caller, { action: 'attachment_download', outcome: 'success', recordType: 'attachment', recordId: attachmentId });
  return { type: a.type as AttachmentType, name: unseal<{ name: string }>(a.secretName, { name: 'file' }).name, data };
}

export interface AttachmentRow {
  id: string;
  kind: string;
  type: string;
  size: number;
  kilobytes: number;
  name: string;
  at: Date;
  by: string;
}

export async function attachmentsOf(caseId: Types.ObjectId): Promise<AttachmentRow[]> {
  const rows = await AttachmentModel.find({ caseId, complete: true }).sort({ createdAt: -1 }).limit(200).select({ kind: 1, type: 1, size: 1, secretName: 1, createdAt: 1, uploadedBy: 1 }).lean();
  const names = await userNames(rows.map((r) => r.uploadedBy));
  return rows.map((r) => ({
    id: String(r._id),
    kind: r.kind,
    type: r.type,
    size: r.size,
    kilobytes: Math.max(1, Math.round(r.size / 1024)),
    name: unseal<{ name: string }>(r.secretName, { name: '' }).name,
    at: r.createdAt,
    by: names.get(String(r.uploadedBy)) ?? '',
  }));
}
