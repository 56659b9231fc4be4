import type { RequestHandler } from 'express';
import { STATIC_PREFIX, type AssetManifest } from '../lib/assets.js';

/** Serves hashed assets from memory; any other /static/ address is a 404. */
export function staticAssets(assets: AssetManifest): RequestHandler {
  return (req, res, next) => {
    if (!req.path.startsWith(STATIC_PREFIX) || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    const asset = assets.byUrl(req.path);
    if (!asset) return next();
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.setHeader('Content-Length', String(asset.body.length));
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  };
}
