/**
 * Files on a case (SECURITY.md I4, D1): PDF, JPEG and PNG only, recognised by their content, never by
 * their name or the type the browser claims; images are decoded and written again, which drops EXIF,
 * GPS and every other metadata block; everything is encrypted before it is stored, and read back only
 * through the case's access filter.
 */
import { fileTypeFromBuffer } from 'file-type';
import { Types } from 'mongoose';
import sharp from 'sharp';
import { ATTACHMENT_MAX_BYTES, ATTACHMENT_TYPES, CASE_QUOTA_BYTES, type AttachmentType } from '../domain/cases.js';
import { Invalid } from '../domain/errors.js';
import type { LookupCode } from '../domain/lookups.js';
import type { Caller } from '../domain/permissions.js';
import { decryptBytes, encryptBytes } from '../lib/crypto.js';
import { AttachmentChunkModel, AttachmentModel } from '../models/attachment.js';
import { CaseModel } from '../models/case.js';
import { outOfScope, parseId } from './access.js';
import { audit } from './audit.js';
import { caseInScope, recordChange, seal, unseal, userNames, versionOf } from './case-records.js';
import { trusted } from './trusted.js';

const CHUNK_BYTES = 1024 * 1024;

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
  // The quota is reserved first, atomically, so two uploads at once cannot both slip under it.
  const reserved = await CaseModel.updateOne(
    trusted({ _id: c._id, attachmentBytes: { $lte: CASE_QUOTA_BYTES - content.length } }),
    { $inc: { attachmentBytes: content.length } },
  );
  if (reserved.modifiedCount !== 1) return refuse(caller, caseId, 'cases:attachments.errors.quota');
  const { header, body } = encryptBytes(content);
  const id = new Types.ObjectId();
  const chunks = chunkCount(body);
  // Chunks first, the attachment that points to them last (no transactions in the portable core).
  await writeChunks(id, 0, body);
  await AttachmentModel.create({
    _id: id,
    caseId: c._id,
    organisationId: c.organisationId,
    kind: input.kind,
    type,
    size: content.length,
    secretName: seal({ name: cleanFileName(input.name) }),
    header,
    chunks,
    generation: 0,
    uploadedBy: new Types.ObjectId(caller.userId),
    complete: true,
  });
  await recordChange(caller, c, versionOf(c), 'attachment_add', []);
  await audit(caller, { action: 'attachment_upload', outcome: 'success', recordType: 'attachment', recordId: String(id) });
  return String(id);
}

function chunkCount(body: Buffer): number {
  return Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
}

function chunkIds(id: Types.ObjectId, generation: number, chunks: number): string[] {
  return Array.from({ length: chunks }, (_, n) => `${id}:${generation}:${n}`);
}

/** Writes the ciphertext as chunks of one generation; returns how many. */
export async function writeChunks(id: Types.ObjectId, generation: number, body: Buffer): Promise<number> {
  const ids = chunkIds(id, generation, chunkCount(body));
  for (const [n, _id] of ids.entries()) {
    await AttachmentChunkModel.replaceOne({ _id }, { _id, data: body.subarray(n * CHUNK_BYTES, (n + 1) * CHUNK_BYTES) }, { upsert: true });
  }
  return ids.length;
}

export async function removeChunks(id: Types.ObjectId, generation: number, chunks: number): Promise<void> {
  await AttachmentChunkModel.deleteMany(trusted({ _id: { $in: chunkIds(id, generation, chunks) } }));
}

export interface AttachmentFile {
  type: AttachmentType;
  name: string;
  data: Buffer;
}

/** A lean read gives the driver's Binary, not a Buffer. */
function bytesOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const inner = (data as { buffer?: Uint8Array } | null)?.buffer;
  if (inner instanceof Uint8Array) return Buffer.from(inner.buffer, inner.byteOffset, inner.byteLength);
  throw new Error('attachment chunk is not binary');
}

/** Reads the chunks of a stored file and decrypts them; a changed byte anywhere fails (D1). */
export async function readContent(a: { _id: Types.ObjectId; header: string; chunks: number; generation?: number | null }): Promise<Buffer> {
  const ids = chunkIds(a._id, a.generation ?? 0, a.chunks);
  const rows = await AttachmentChunkModel.find(trusted({ _id: { $in: ids } })).lean();
  const byId = new Map(rows.map((r) => [r._id, bytesOf(r.data)]));
  const parts = ids.map((id) => byId.get(id));
  if (parts.some((p) => !p)) throw new Error('attachment chunk missing');
  return decryptBytes(a.header, Buffer.concat(parts as Buffer[]));
}

export async function downloadAttachment(caller: Caller, caseId: string, attachmentId: string): Promise<AttachmentFile> {
  const c = await caseInScope(caller, caseId, 'case.read');
  const _id = parseId(attachmentId);
  // By `_id` alone (an indexed lookup on every engine), then checked against the case in the URL.
  const a = await AttachmentModel.findById(_id).lean();
  if (!a || !a.complete || String(a.caseId) !== String(c._id)) return outOfScope(caller, 'attachment', attachmentId);
  const data = await readContent(a);
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
