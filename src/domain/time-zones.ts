/**
 * Organisations' time zones (DOMAIN.md "Organisation"): the zone the audit log and the case history
 * show times in. A zone is valid when this runtime's Intl knows it by that name, plus `UTC`, which
 * Intl accepts but does not list. Pure rules: no imports.
 */

/** The zone of each country's capital, the sensible start for an organisation there; the first name Intl knows wins. */
const COUNTRY_ZONES: Readonly<Record<string, readonly string[]>> = {
  PH: ['Asia/Manila'],
  KH: ['Asia/Phnom_Penh'],
  TH: ['Asia/Bangkok'],
  LA: ['Asia/Vientiane'],
  // ICU's names for these two are the older aliases; newer runtimes may list only the current ones.
  MM: ['Asia/Yangon', 'Asia/Rangoon'],
  VN: ['Asia/Ho_Chi_Minh', 'Asia/Saigon'],
  ID: ['Asia/Jakarta'],
  MY: ['Asia/Kuala_Lumpur'],
  TL: ['Asia/Dili'],
  SG: ['Asia/Singapore'],
  BN: ['Asia/Brunei'],
  CN: ['Asia/Shanghai'],
  HK: ['Asia/Hong_Kong'],
  TW: ['Asia/Taipei'],
  JP: ['Asia/Tokyo'],
  KR: ['Asia/Seoul'],
  IN: ['Asia/Kolkata', 'Asia/Calcutta'],
  BD: ['Asia/Dhaka'],
  NP: ['Asia/Kathmandu', 'Asia/Katmandu'],
  LK: ['Asia/Colombo'],
  AU: ['Australia/Sydney'],
  NZ: ['Pacific/Auckland'],
  GB: ['Europe/London'],
  FR: ['Europe/Paris'],
  NL: ['Europe/Amsterdam'],
  DE: ['Europe/Berlin'],
  CH: ['Europe/Zurich'],
  SE: ['Europe/Stockholm'],
  US: ['America/New_York'],
  CA: ['America/Toronto'],
};

let zones: ReadonlySet<string> | undefined;

/** Every zone an organisation may choose, `UTC` first, then Intl's list in its own order. */
export function timeZones(): readonly string[] {
  return [...knownZones()];
}

function knownZones(): ReadonlySet<string> {
  zones ??= new Set(['UTC', ...Intl.supportedValuesOf('timeZone')]);
  return zones;
}

export function isTimeZone(value: unknown): value is string {
  return typeof value === 'string' && knownZones().has(value);
}

/** The zone of the country's capital when Intl knows it; `UTC` for a country without one here. */
export function defaultTimeZone(country: string): string {
  return COUNTRY_ZONES[country]?.find(isTimeZone) ?? 'UTC';
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/** Milliseconds since the epoch of a wall-clock time read as UTC (years 0-99 too, which Date.UTC moves to 19xx). */
function utcMs(y: number, m: number, d: number, h = 0, min = 0, s = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, m - 1, d);
  date.setUTCHours(h, min, s, 0);
  return date.getTime();
}

/** The parts of a wall-clock time as typed in a form (`2026-06-01` or `2026-06-01T10:05`), or undefined when it is no real moment. */
export function wallClock(value: string): { y: number; m: number; d: number; h: number; min: number; s: number } | undefined {
  const match = LOCAL.exec(value);
  if (!match) return undefined;
  const [y, m, d, h, min, s] = match.slice(1).map((p) => Number(p ?? 0)) as [number, number, number, number, number, number];
  const probe = new Date(utcMs(y, m, d, h, min, s));
  // 2026-02-30 or 25:00 would roll over to another moment: refused, not reinterpreted.
  if (probe.getUTCFullYear() !== y || probe.getUTCMonth() !== m - 1 || probe.getUTCDate() !== d || probe.getUTCHours() !== h || probe.getUTCMinutes() !== min || s > 59) return undefined;
  return { y, m, d, h, min, s };
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** How far the zone's clock is ahead of UTC at this moment, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (partFormats.size < 500) partFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const wall = utcMs(Number(parts.year), Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The moment a wall-clock time in a zone means (a form's `datetime-local`, read in the organisation's
 * zone). Where a clock is put back and the time happens twice, the earlier moment; where it skips
 * ahead and the time never happens, the moment after the gap.
 */
export function zonedToUtc(value: string, timeZone: string): Date | undefined {
  const wall = wallClock(value);
  if (!wall) return undefined;
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const asUtc = utcMs(wall.y, wall.m, wall.d, wall.h, wall.min, wall.s);
  // The zone's offsets a day either side cover both sides of any change of clocks on that day.
  const candidates = [...new Set([asUtc - offsetAt(asUtc - 86_400_000, zone), asUtc - offsetAt(asUtc + 86_400_000, zone)])].sort((a, b) => a - b);
  const exact = candidates.filter((ms) => ms + offsetAt(ms, zone) === asUtc);
  const ms = exact[0] ?? candidates[candidates.length - 1]!;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A moment as the zone's wall clock, in the form a `datetime-local` input shows (`2026-06-01T10:05`). */
export function utcToWallClock(date: Date, timeZone: string): string {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  return new Date(date.getTime() + offsetAt(date.getTime(), zone)).toISOString().slice(0, 16);
}
