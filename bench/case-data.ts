/**
 * Generated, obviously fictional cases for the benchmarks, written as the case service writes them
 * (`detailsDocument`: sealed identity, search tokens, risk rank), so that the engine stores and indexes
 * documents of Haven's real shape and size.
 */
import { readFileSync } from 'node:fs';
import { Types } from 'mongoose';
import { LOOKUPS } from '../src/domain/lookups.js';
import { detailsDocument, type CaseDetails } from '../src/services/cases/records.js';

const GIVEN = ['Maria', 'Ana', 'Rosa', 'Liza', 'Joy', 'Grace', 'Mark', 'John', 'Paolo', 'Jun'];
const FAMILY = ['Santos', 'Reyes', 'Cruz', 'Bautista', 'Garcia', 'Mendoza', 'Torres', 'Flores', 'Ramos', 'Aquino'];

/** Bench cases were registered one every 25 minutes from the start of 2020: 100,000 of them span 4.75 years. */
const FIRST_CREATED = Date.UTC(2020, 0, 1);
const CREATED_EVERY_MS = 25 * 60_000;

export function benchCreatedAt(i: number): Date {
  return new Date(FIRST_CREATED + i * CREATED_EVERY_MS);
}

/** The details of bench case `i`: every name carries its number and "Bench", so none is a real person's. */
export function benchDetails(i: number): CaseDetails {
  return {
    riskLevel: LOOKUPS.riskLevel[i % 4]!,
    exploitationTypes: [LOOKUPS.exploitationType[i % 7]!],
    // Met up to two weeks before the case was registered.
    intakeDate: new Date(benchCreatedAt(i).getTime() - (i % 14) * 86_400_000).toISOString().slice(0, 10),
    identifiedBy: 'police_operation',
    source: 'social_welfare',
    givenName: `${GIVEN[i % 10]}${i}`,
    familyName: `${FAMILY[(i / 10) % 10 | 0]} Bench`,
    givenNameLocal: '',
    familyNameLocal: '',
    nickname: '',
    dateOfBirth: '2014-05-06',
    estimatedAge: '',
    location: 'PH-07-072217',
    school: 'Fictional School',
    sex: i % 3 === 0 ? 'male' : 'female',
    nationality: 'PH',
    languages: ['ceb'],
    disability: 'none',
    placement: 'shelter',
  };
}

export const BENCH_TEAM = 'Team A';
export const CASE_STATUSES_CYCLE = ['open', 'active', 'closed'] as const;

export interface BenchPeople {
  organisationId: Types.ObjectId;
  /** Assigned to one case in ten. */
  worker: Types.ObjectId;
  /** Assigned to the other nine. */
  otherWorker: Types.ObjectId;
  /** Supervises one case in twenty by name; every case is in their team besides. */
  supervisor: Types.ObjectId;
}

/**
 * The `_id` case `i` would have got when it was registered: its creation second, then the organisation's
 * last five bytes and the case's number, so that ids are unique across organisations. Ids minted at
 * bulk-insert time would all fall in the same minute, which no real case list looks like.
 */
export function benchCaseId(i: number, organisationId: Types.ObjectId): Types.ObjectId {
  const seconds = Math.floor(benchCreatedAt(i).getTime() / 1000);
  return new Types.ObjectId(`${seconds.toString(16).padStart(8, '0')}${organisationId.toHexString().slice(14)}${i.toString(16).padStart(6, '0')}`);
}

/** The stored document of bench case `i`, with the fields the case service writes. */
export function benchCaseDocument(i: number, people: BenchPeople): Record<string, unknown> {
  const caseNumber = `PH-2026-${String(i + 1).padStart(6, '0')}`;
  const doc = detailsDocument(benchDetails(i), i % 4, caseNumber);
  const created = benchCreatedAt(i);
  return {
    _id: benchCaseId(i, people.organisationId),
    organisationId: people.organisationId,
    caseNumber,
    status: CASE_STATUSES_CYCLE[i % 3],
    riskLevel: doc.riskLevel,
    riskRank: doc.riskRank,
    exploitationTypes: doc.exploitationTypes,
    intake: { date: doc['intake.date'], identifiedBy: doc['intake.identifiedBy'], source: doc['intake.source'] },
    caseworkerIds: [i % 10 === 0 ? people.worker : people.otherWorker],
    ...(i % 20 === 0 ? { supervisorId: people.supervisor } : {}),
    team: BENCH_TEAM,
    child: { sex: doc['child.sex'], nationality: doc['child.nationality'], languages: doc['child.languages'], disability: doc['child.disability'], placement: doc['child.placement'], secret: doc['child.secret'] },
    searchTokens: doc.searchTokens,
    family: [],
    consents: [],
    attachmentBytes: 0,
    demo: false,
    createdAt: created,
    updatedAt: created,
    __v: 0,
  };
}

/**
 * A process's resident memory in MiB, from /proc/<pid>/status: VmRSS, and how the kernel splits it into
 * anonymous memory (heap: WiredTiger's cache and the engine's own allocations) and mapped files.
 */
export function resident(pid: number | undefined): { rss: number; anon: number; file: number } | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rss: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') + field('RssShmem') };
  } catch {
    return undefined;
  }
}

export function formatResident(r: ReturnType<typeof resident>): string {
  return r ? `${r.rss.toFixed(0)} MiB (anonymous ${r.anon.toFixed(0)}, files ${r.file.toFixed(0)})` : 'unknown';
}
