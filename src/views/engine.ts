import path from 'node:path';
import type { Express } from 'express';
import { engine } from 'express-handlebars';
import type { AssetManifest } from '../lib/assets.js';
import { VIEWS_DIR } from '../lib/paths.js';
import { helpers } from './helpers/index.js';

/** Handlebars for server-rendered pages: layouts, partials and our helpers; prototype access stays off (O1). */
export function useViews(app: Express, assets: AssetManifest, cache: boolean): void {
  app.engine('hbs', engine({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(VIEWS_DIR, 'layouts'),
    partialsDir: path.join(VIEWS_DIR, 'partials'),
    helpers: helpers(assets),
  }));
  app.set('view engine', 'hbs');
  app.set('views', VIEWS_DIR);
  app.set('view cache', cache);
}
