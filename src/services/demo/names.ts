/**
 * Obviously fictional demo names for children's case records in demonstrations and development,
 * read from resources/demo/names.json. The seed combines given and family names from these pools at
 * random, so the resulting people are never real people; no entry refers to anyone in particular.
 *
 * How each country's pool is used: the Philippines, Thailand, Laos, Indonesia and Timor-Leste put the
 * given name first; Cambodia and Viet Nam the family name (Vietnamese given entries include the usual
 * middle name, Thị, Văn, ...). Myanmar has no family names: each entry is a whole personal name in
 * Burmese Unicode (not Zawgyi), and the seed may join two entries of the same gender. Indonesia and
 * Myanmar have a share of single names. Malaysia's family list is empty on purpose: the seed draws the
 * father's name from the male given names and joins it with bin / binti.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RESOURCES_DIR } from '../../lib/paths.js';

/** A name in Latin letters and, where the country writes another script, the same name in that script. */
export interface NamePart {
  latin: string;
  local?: string;
}

export interface NamePool {
  /** BCP 47 script language of `local`, e.g. 'km', 'th', 'lo', 'my'; absent when names are Latin only. */
  localLang?: string;
  /** Whether the family name is written first (Khmer, Vietnamese, ...). */
  familyFirst: boolean;
  given: { female: NamePart[]; male: NamePart[] };
  family: NamePart[]; // may be empty where single names are usual
  /** Share of people (0..1) who have only a single name (common in Indonesia, Myanmar). */
  singleNameShare: number;
  /** Malay patronymic connectors, e.g. { female: 'binti', male: 'bin' } */
  patronymic?: { female: string; male: string };
}

export type DemoCountry = 'PH' | 'KH' | 'TH' | 'LA' | 'MM' | 'VN' | 'ID' | 'MY' | 'TL';

export const NAME_POOLS: Readonly<Record<DemoCountry, NamePool>> = JSON.parse(
  readFileSync(path.join(RESOURCES_DIR, 'demo', 'names.json'), 'utf8'),
) as Record<DemoCountry, NamePool>;
