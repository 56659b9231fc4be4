/**
 * Files on a case (SECURITY.md I4; issue 4 item 6): only PDF, JPEG and PNG, recognised by content; size
 * and per-case quota; images stored without metadata; everything encrypted at rest; downloaded only
 * through the case's access filter, as an attachment with nosniff.
 */
import { expect } from 'chai';
import sharp, { type Exif, type Sharp } from 'sharp';
import type request from 'supertest';
import { ATTACHMENT_MAX_BYTES, CASE_QUOTA_BYTES } from '../../../src/domain/cases.js';
import { AttachmentModel } from '../../../src/models/attachment.js';
import { AuditEntryModel } from '../../../src/models/audit-entry.js';
import { CaseModel } from '../../../src/models/case.js';
import { testApp } from '../../helpers/app.js';
import { contentChunks, contentFiles, emptyAttachmentContent, overwriteChunk, refusingFileWrites, storedChunks, storedFiles } from '../../helpers/attachment-content.js';
import { buildCase } from '../../helpers/cases.js';
import { useDatabase } from '../../helpers/db.js';
import { buildOrganisation, buildUser, type TestUser } from '../../helpers/factories.js';
import { signIn, tokenOf, type Agent } from '../../helpers/session.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EXIF_MARKER = 'FictionalExifMarker7731';
const PDF_MARKER = 'FictionalPdfMarker4409';

const ENGLISH = {
  type: 'Only PDF, JPEG and PNG files can be stored. This file is of another kind, whatever its name says.',
  quota: 'This case has no room left for the file (50 MB per case).',
};
const FRENCH_TYPE = 'Seuls les fichiers PDF, JPEG et PNG peuvent être enregistrés. Ce fichier est d’un autre type, quel que soit son nom.';

function square(): Sharp {
  return sharp({ create: { width: 32, height: 32, channels: 3, background: '#3366aa' } });
}

/** Camera and location details, as a phone writes them; the marker is easy to find in the bytes. */
const CAMERA_EXIF: Exif = {
  IFD0: { Copyright: EXIF_MARKER, ImageDescription: EXIF_MARKER, Make: 'Demo Camera (fictional)' },
  IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '10/1 18/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '123/1 54/1 0/1' },
};

function pdf(): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ${PDF_MARKER}\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`,
  );
}

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(504, 0x90)]);
const WINDOWS_EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x00)]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert("fictional")</script></body></html>\n');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert("fictional")</script></svg>\n');

/** Reads any response body as bytes (supertest leaves most binary types unread). */
function bytes(res: request.Response, done: (err: Error | null, body: Buffer) => void): void {
  const parts: Buffer[] = [];
  res.on('data', (part: Buffer) => parts.push(part));
  res.on('end', () => done(null, Buffer.concat(parts)));
}

interface Upload {
  data: Buffer;
  filename: string;
  contentType: string;
  kind?: string;
}

function upload(agent: Agent, caseId: string, token: string, file: Upload): request.Test {
  return agent
    .post(`/cases/${caseId}/attachments`)
    .field('_csrf', token)
    .field('kind', file.kind ?? 'photo')
    .attach('file', file.data, { filename: file.filename, contentType: file.contentType });
}

function download(agent: Agent, caseId: string, attachmentId: string): request.Test {
  return agent.get(`/cases/${caseId}/attachments/${attachmentId}`).buffer(true).parse(bytes);
}

async function attachmentBytesOf(caseId: string): Promise<number> {
  return (await CaseModel.findById(caseId).lean())!.attachmentBytes ?? 0;
}

async function expectNothingStored(caseId: string, bytesBefore: number): Promise<void> {
  expect(await AttachmentModel.countDocuments({}), 'attachments').to.equal(0);
  expect(await contentFiles().countDocuments({}), 'GridFS files').to.equal(0);
  expect(await contentChunks().countDocuments({}), 'GridFS chunks').to.equal(0);
  expect(await attachmentBytesOf(caseId), 'attachmentBytes').to.equal(bytesBefore);
}

async function deniedUploads(caseId: string): Promise<number> {
  return AuditEntryModel.countDocuments({ action: 'attachment_upload', outcome: 'denied', recordId: caseId });
}

describe('case attachments (SECURITY.md I4)', () => {
  useDatabase('attachments');
  // The harness empties the collections of mongoose models only; GridFS's two are the driver's.

  let worker: TestUser;
  let caseId: string;
  let agent: Agent;
  let token: string;

  /** A caseworker, signed in, with a case of their own and the case page's CSRF token. */
  async function setUp(locale = 'en'): Promise<void> {
    const org = await buildOrganisation();
    worker = await buildUser({ roles: ['caseworker'], organisationId: org.id, team: 'north', locale });
    caseId = await buildCase(worker, {}, { team: 'north' });
    agent = await signIn(await testApp(), worker);
    token = await tokenOf(agent, `/cases/${caseId}`);
  }

  /** Uploads the file and answers the new attachment's id, failing unless it was stored. */
  async function stored(file: Upload, into = caseId): Promise<string> {
    const before = await AttachmentModel.find({}).select({ _id: 1 }).lean();
    const res = await upload(agent, into, token, file);
    expect(res.status, res.text.slice(0, 2000)).to.equal(303);
    expect(res.headers.location).to.equal(`/cases/${into}?done=uploaded#attachments`);
    const known = new Set(before.map((a) => String(a._id)));
    const added = (await AttachmentModel.find({}).select({ _id: 1 }).lean()).filter((a) => !known.has(String(a._id)));
    expect(added).to.have.lengthOf(1);
    return String(added[0]!._id);
  }

  describe('POST /cases/:id/attachments and GET /cases/:id/attachments/:attachmentId', () => {
    it('stores a PNG, lists it on the case page, and gives the same picture back as a download that is never shown inline', async () => {
      await setUp();
      const png = await square().png().toBuffer();
      const id = await stored({ data: png, filename: 'Testchild-photo.png', contentType: 'image/png' });

      const saved = await AttachmentModel.findById(id).lean();
      expect(saved).to.include({ type: 'image/png', kind: 'photo', complete: true });
      expect(await attachmentBytesOf(caseId)).to.equal(saved!.size);
      expect(await AuditEntryModel.countDocuments({ action: 'attachment_upload', outcome: 'success', recordId: id })).to.equal(1);

      const page = await agent.get(`/cases/${caseId}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`href="/cases/${caseId}/attachments/${id}"`).and.include('Testchild-photo.png');

      const res = await download(agent, caseId, id);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^image\/png\b/);
      expect(res.headers['content-disposition']).to.match(/^attachment\b/).and.include('Testchild-photo.png');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      const body = res.body as Buffer;
      expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).to.equal(true);
      const meta = await sharp(body).metadata();
      expect(meta).to.include({ format: 'png', width: 32, height: 32 });
      expect(await AuditEntryModel.countDocuments({ action: 'attachment_download', outcome: 'success', recordId: id })).to.equal(1);
    });

    it('stores a PDF as it was sent and serves it back as application/pdf', async () => {
      await setUp();
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      const res = await download(agent, caseId, id);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^application\/pdf\b/);
      expect(res.headers['content-disposition']).to.match(/^attachment\b/);
      expect((res.body as Buffer).equals(pdf())).to.equal(true);
    });

    for (const format of ['png', 'jpeg'] as const) {
      it(`stores a ${format.toUpperCase()} with EXIF and GPS details without any metadata`, async () => {
        await setUp();
        const original = await square().withExif(CAMERA_EXIF)[format]().toBuffer();
        // The fixture really carries the details, or this test would prove nothing.
        expect((await sharp(original).metadata()).exif, 'fixture has EXIF').to.be.instanceOf(Buffer);
        expect(original.includes(EXIF_MARKER), 'fixture has the marker').to.equal(true);

        const contentType = format === 'png' ? 'image/png' : 'image/jpeg';
        const id = await stored({ data: original, filename: `Testchild-photo.${format === 'png' ? 'png' : 'jpg'}`, contentType });
        const res = await download(agent, caseId, id);
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.match(new RegExp(`^${contentType}\\b`));
        const body = res.body as Buffer;
        const meta = await sharp(body).metadata();
        expect(meta).to.include({ format, width: 32, height: 32 });
        expect(meta.exif, 'EXIF block').to.equal(undefined);
        expect(body.includes(EXIF_MARKER), 'marker in the bytes').to.equal(false);
        expect(body.includes('Demo Camera'), 'camera make in the bytes').to.equal(false);
      });
    }

    for (const [label, data] of [['an ELF executable', ELF], ['a Windows executable', WINDOWS_EXE]] as const) {
      it(`answers 422 to ${label} named photo.png and sent as image/png, stores nothing and records the refusal`, async () => {
        await setUp();
        const res = await upload(agent, caseId, token, { data, filename: 'photo.png', contentType: 'image/png' });
        expect(res.status).to.equal(422);
        expect(res.text).to.include(ENGLISH.type);
        expect(res.text).to.not.include('cases:attachments.errors');
        await expectNothingStored(caseId, 0);
        expect(await deniedUploads(caseId)).to.equal(1);
      });
    }

    it('explains the refusal of a renamed executable in the user’s own language', async () => {
      await setUp('fr');
      const res = await upload(agent, caseId, token, { data: WINDOWS_EXE, filename: 'photo.png', contentType: 'image/png' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(FRENCH_TYPE);
      expect(res.text).to.not.include(ENGLISH.type);
      await expectNothingStored(caseId, 0);
    });

    for (const [label, data] of [['an HTML page', HTML], ['an SVG image', SVG]] as const) {
      it(`answers 422 to ${label} named report.pdf and sent as application/pdf, and stores nothing`, async () => {
        await setUp();
        const res = await upload(agent, caseId, token, { data, filename: 'report.pdf', contentType: 'application/pdf', kind: 'legal' });
        expect(res.status).to.equal(422);
        expect(res.text).to.include(ENGLISH.type);
        await expectNothingStored(caseId, 0);
        expect(await deniedUploads(caseId)).to.equal(1);
      });
    }

    it('answers 413 to a file over 10 MB and stores nothing', async () => {
      await setUp();
      const big = Buffer.concat([pdf(), Buffer.alloc(ATTACHMENT_MAX_BYTES + 1 - pdf().length, 0x20)]);
      expect(big.length).to.be.greaterThan(ATTACHMENT_MAX_BYTES);
      const res = await upload(agent, caseId, token, { data: big, filename: 'Testchild-big.pdf', contentType: 'application/pdf', kind: 'legal' });
      expect(res.status).to.equal(413);
      await expectNothingStored(caseId, 0);
    });

    it('stores a file that exactly fills the case quota, and answers 422 to one that would pass it, storing nothing', async () => {
      await setUp();
      const file = pdf();
      await CaseModel.collection.updateOne({ _id: (await CaseModel.findById(caseId).lean())!._id }, { $set: { attachmentBytes: CASE_QUOTA_BYTES - file.length } });
      await stored({ data: file, filename: 'Testchild-fits.pdf', contentType: 'application/pdf', kind: 'legal' });
      expect(await attachmentBytesOf(caseId)).to.equal(CASE_QUOTA_BYTES);

      await AttachmentModel.collection.deleteMany({});
      await emptyAttachmentContent();
      const nearlyFull = CASE_QUOTA_BYTES - file.length + 1;
      await CaseModel.collection.updateOne({ _id: (await CaseModel.findById(caseId).lean())!._id }, { $set: { attachmentBytes: nearlyFull } });
      const res = await upload(agent, caseId, token, { data: file, filename: 'Testchild-too-much.pdf', contentType: 'application/pdf', kind: 'legal' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include(ENGLISH.quota);
      await expectNothingStored(caseId, nearlyFull);
      expect(await deniedUploads(caseId)).to.equal(1);
    });

    it('keeps the file and its name encrypted in the database: no PNG signature, no PDF text, no file name', async () => {
      await setUp();
      const png = await square().png().toBuffer();
      const pngId = await stored({ data: png, filename: 'Testchild-secret-photo.png', contentType: 'image/png' });
      const pdfId = await stored({ data: pdf(), filename: 'Testchild-secret-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });

      const fileIds = await Promise.all([pngId, pdfId].map(async (id) => String((await AttachmentModel.findById(id).lean())!.fileId)));
      const chunks = await storedChunks();
      expect([...new Set(chunks.map((c) => String(c.fileId)))].sort()).to.deep.equal([...fileIds].sort());
      const all = Buffer.concat(chunks.map((c) => c.data));
      expect(all.length).to.be.greaterThan(png.length);
      expect(all.includes(PNG_SIGNATURE), 'PNG signature').to.equal(false);
      expect(all.includes('IHDR'), 'PNG header chunk').to.equal(false);
      expect(all.includes('%PDF'), 'PDF header').to.equal(false);
      expect(all.includes(PDF_MARKER), 'PDF marker').to.equal(false);

      const rows = JSON.stringify(await AttachmentModel.collection.find({}).toArray());
      expect(rows).to.not.include('Testchild-secret');
      // GridFS's own record of each file is named after the attachment, and holds no original name.
      const files = await storedFiles();
      expect(files.map((f) => String(f._id)).sort()).to.deep.equal([...fileIds].sort());
      expect(files.map((f) => f.filename).sort()).to.deep.equal([pngId, pdfId].sort());
      const filesText = JSON.stringify(files.map((f) => f.raw));
      for (const name of ['Testchild', 'secret-photo', 'secret-consent', '.png', '.pdf']) expect(filesText, name).to.not.include(name);
      // And the download still gives back exactly what was sent.
      expect(((await download(agent, caseId, pdfId)).body as Buffer).equals(pdf())).to.equal(true);
    });

    it('answers 500, never altered content, when one byte of a stored chunk has been changed', async () => {
      await setUp();
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      expect((await download(agent, caseId, id)).status, 'before the change').to.equal(200);
      const [chunk] = await storedChunks((await AttachmentModel.findById(id).lean())!.fileId);
      expect(chunk, 'stored chunk').to.not.equal(undefined);
      const changed = Buffer.from(chunk!.data);
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at]! ^ 0x01;
      await overwriteChunk(chunk!, changed);

      const res = await download(agent, caseId, id);
      expect(res.status).to.equal(500);
      expect(res.headers['content-type']).to.not.match(/^application\/pdf\b/);
      expect(res.headers['content-disposition']).to.equal(undefined);
      const body = res.body as Buffer;
      expect(body.includes('%PDF'), 'PDF content in the error').to.equal(false);
      expect(body.includes(PDF_MARKER), 'PDF marker in the error').to.equal(false);
    });

    it('answers 500 and keeps nothing when the file cannot be written: no attachment, no chunks, the quota given back', async () => {
      await setUp();
      // The files document is GridFS's last write of a file, after all its chunks.
      const res = await refusingFileWrites('insertOne', () =>
        upload(agent, caseId, token, { data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' }),
      );
      expect(res.status).to.equal(500);
      expect(res.text).to.not.include(PDF_MARKER);
      await expectNothingStored(caseId, 0);
      // The same upload goes through once the database takes writes again.
      await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      expect(await contentFiles().countDocuments({})).to.equal(1);
    });

    it('finds the attachment and reads its file through indexes, never a collection scan', async () => {
      await setUp();
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      const saved = (await AttachmentModel.findById(id).lean())!;
      const plans = {
        attachment: await AttachmentModel.findOne({ _id: saved._id, caseId: saved.caseId, complete: true }).explain('queryPlanner'),
        chunks: await contentChunks().find({ files_id: saved.fileId }).sort({ n: 1 }).explain('queryPlanner'),
        'files of the attachment': await contentFiles().find({ filename: id, _id: { $ne: saved.fileId } }).explain('queryPlanner'),
      };
      for (const [query, plan] of Object.entries(plans)) {
        const winning = JSON.stringify((plan as unknown as { queryPlanner: { winningPlan: unknown } }).queryPlanner.winningPlan);
        expect(winning, query).to.match(/IXSCAN|IDHACK/).and.not.include('COLLSCAN');
      }
    });

    it('answers 404 to a caseworker of another organisation and records access_denied', async () => {
      await setUp();
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      const stranger = await buildUser({ roles: ['caseworker'], team: 'north' });
      const other = await signIn(await testApp(), stranger);
      const res = await download(other, caseId, id);
      expect(res.status).to.equal(404);
      expect((res.body as Buffer).includes(PDF_MARKER)).to.equal(false);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', outcome: 'denied', userId: stranger.id })).to.be.greaterThan(0);
      expect(await AuditEntryModel.countDocuments({ action: 'attachment_download', outcome: 'success' })).to.equal(0);
    });

    it('answers 404 to a caseworker of the same organisation and team who is not assigned, and records access_denied', async () => {
      await setUp();
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' });
      const colleague = await buildUser({ roles: ['caseworker'], organisationId: worker.organisationId, team: 'north' });
      const other = await signIn(await testApp(), colleague);
      const res = await download(other, caseId, id);
      expect(res.status).to.equal(404);
      expect((res.body as Buffer).includes(PDF_MARKER)).to.equal(false);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', outcome: 'denied', userId: colleague.id })).to.be.greaterThan(0);
      expect(await AuditEntryModel.countDocuments({ action: 'attachment_download', outcome: 'success' })).to.equal(0);
    });

    it('answers 404 to another case’s attachment asked for under this case’s address, and records access_denied', async () => {
      await setUp();
      const otherCase = await buildCase(worker, {}, { team: 'north' });
      const id = await stored({ data: pdf(), filename: 'Testchild-consent.pdf', contentType: 'application/pdf', kind: 'consent_form' }, otherCase);
      expect((await download(agent, otherCase, id)).status, 'under its own case').to.equal(200);

      const res = await download(agent, caseId, id);
      expect(res.status).to.equal(404);
      expect((res.body as Buffer).includes(PDF_MARKER)).to.equal(false);
      expect(await AuditEntryModel.countDocuments({ action: 'access_denied', outcome: 'denied', recordId: id })).to.equal(1);
    });

    it('answers 404 to an attachment id that is not an id', async () => {
      await setUp();
      const res = await download(agent, caseId, 'not-an-id');
      expect(res.status).to.equal(404);
    });

    it('answers 403 to an upload without the form’s CSRF token, or with a wrong one, and stores nothing', async () => {
      await setUp();
      const png = await square().png().toBuffer();
      const missing = await agent
        .post(`/cases/${caseId}/attachments`)
        .field('kind', 'photo')
        .attach('file', png, { filename: 'Testchild-photo.png', contentType: 'image/png' });
      expect(missing.status).to.equal(403);
      const forged = `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
      const wrong = await upload(agent, caseId, forged, { data: png, filename: 'Testchild-photo.png', contentType: 'image/png' });
      expect(wrong.status).to.equal(403);
      await expectNothingStored(caseId, 0);
      // The same agent with the right token is accepted, so the 403s were the token's doing.
      await stored({ data: png, filename: 'Testchild-photo.png', contentType: 'image/png' });
    });
  });
});
