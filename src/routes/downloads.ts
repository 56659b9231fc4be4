/**
 * Sends a stored file as a download (SECURITY.md I4): the type it was recognised as, never sniffed again
 * by the browser, in a sandbox that runs nothing, as an attachment under its own name.
 */
import type { Response } from 'express';

export function sendDownload(res: Response, file: { name: string; type: string; data: Buffer }): void {
  res.setHeader('Content-Type', file.type);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.attachment(file.name);
  res.send(file.data);
}
