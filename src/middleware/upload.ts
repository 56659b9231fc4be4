/**
 * Multipart bodies, for the one form that sends a file (SECURITY.md I4). multer keeps the file in
 * memory up to the attachment limit (a larger one is refused with 413 before it is stored anywhere),
 * on the upload path only; anywhere else a multipart body stays unread and fails the CSRF check.
 * It runs before the CSRF check, which needs the form's token from the parsed fields, and only for a
 * signed-in user with the second factor done.
 */
import type { RequestHandler } from 'express';
import multer from 'multer';
import { ATTACHMENT_MAX_BYTES } from '../domain/cases.js';
import { normalizeInput } from '../lib/i18n/normalize.js';

const UPLOAD_PATH = /^\/cases\/[0-9a-f]{24}\/attachments$/i;

const parser = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: ATTACHMENT_MAX_BYTES, files: 1, fields: 5, fieldSize: 1000, parts: 6, headerPairs: 50 },
}).single('file');

export const uploadParser: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || !UPLOAD_PATH.test(req.path) || !req.is('multipart/form-data')) return next();
  // Only a fully signed-in user makes the server hold a file in memory; anyone else meets the CSRF check.
  if (!req.user || req.mfaDone !== true) return next();
  parser(req, res, (err?: unknown) => {
    if (err) {
      const code = (err as { code?: string }).code;
      return next(Object.assign(new Error('upload refused'), { status: code === 'LIMIT_FILE_SIZE' ? 413 : 400 }));
    }
    req.body = normalizeInput(req.body ?? {});
    next();
  });
};
