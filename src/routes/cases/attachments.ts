/**
 * Attachments (SECURITY.md I4): uploaded as multipart forms (parsed by middleware/upload.ts, before the
 * CSRF check, with its own limits) and downloaded only through the case's access filter, always as an
 * attachment with the sniffed type, never rendered inline.
 */
import { Router } from 'express';
import '../../middleware/upload.js';
import { permit } from '../../middleware/permit.js';
import { downloadAttachment, uploadAttachment } from '../../services/cases/attachments.js';
import { checkCaseAccess } from '../../services/cases/cases.js';
import { parse, renderInvalid } from '../forms.js';
import { uploadForm } from './forms.js';
import { sendDownload } from '../downloads.js';

export const caseAttachmentRoutes = Router();

caseAttachmentRoutes.post('/cases/:id/attachments', permit('case.update'), async (req, res) => {
  const id = String(req.params.id);
  await checkCaseAccess(req.caller!, id, 'case.update');
  try {
    const input = parse(uploadForm, req.body);
    const file = req.file;
    await uploadAttachment(req.caller!, id, { kind: input.kind, name: file?.originalname ?? '', data: file?.buffer ?? Buffer.alloc(0) });
  } catch (err) {
    renderInvalid(err, req, res, 'cases/upload-refused', { title: req.t('cases:attachments.refused'), c: { id } });
    return;
  }
  res.redirect(303, `/cases/${id}?done=uploaded#attachments`);
});

caseAttachmentRoutes.get('/cases/:id/attachments/:attachmentId', permit('case.read'), async (req, res) => {
  sendDownload(res, await downloadAttachment(req.caller!, String(req.params.id), String(req.params.attachmentId)));
});
