import type { AssetManifest } from '../../lib/assets.js';
import { array } from './array.js';
import { concat } from './concat.js';
import { eq } from './eq.js';
import { formatDate } from './format-date.js';
import { formatDateTime } from './format-date-time.js';
import { formatNumber } from './format-number.js';
import { includes } from './includes.js';
import { iso } from './iso.js';
import { t } from './t.js';

export function helpers(assets: AssetManifest) {
  return {
    t,
    eq,
    array,
    includes,
    concat,
    iso,
    formatDate,
    formatDateTime,
    formatNumber,
    asset: (name: unknown) => assets.url(String(name)),
  };
}
