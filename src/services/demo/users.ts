/**
 * Demo accounts: one per role in each demo NGO and one partner account per demo partner (but the
 * offline one, PH-DEMO-PARISH, which has none), with generated fictional names in Latin and the local
 * script. Every name says "Demo". Partner staff read Haven in their organisation's language (Thai,
 * Khmer, Vietnamese and the others).
 */
import type { Role } from '../../domain/permissions.js';

/** The demo accounts' shared password. Demo mode only; it passes the password rules like any other. */
export const DEMO_PASSWORD = 'Fictional demo data only, 2026';

export interface DemoUser {
  email: string;
  name: string;
  role: Role;
  organisationCode: string;
  team?: string;
}

const NGO_STAFF: Record<string, { cc: string; names: Record<'caseworker' | 'supervisor' | 'manager' | 'admin' | 'auditor', string> }> = {
  'PH-DEMO-LIWANAG': {
    cc: 'ph',
    names: {
      caseworker: 'Maria Demo Dizon',
      supervisor: 'Jose Demo Reyes',
      manager: 'Luz Demo Bautista',
      admin: 'Ramon Demo Cruz',
      auditor: 'Teresa Demo Villanueva',
    },
  },
  'KH-DEMO-PONLEU': {
    cc: 'kh',
    names: {
      caseworker: 'Sok Dara Demo (សុខ ដារា)',
      supervisor: 'Chan Sophea Demo (ចាន់ សុភា)',
      manager: 'Keo Vanna Demo (កែវ វណ្ណា)',
      admin: 'Meas Rithy Demo (មាស ឫទ្ធី)',
      auditor: 'Lim Sreymom Demo (លឹម ស្រីមុំ)',
    },
  },
};

const PARTNER_STAFF: Record<string, { cc: string; name: string }> = {
  'PH-DEMO-SWDO': { cc: 'ph', name: 'Ana Demo Santos' },
  'TH-DEMO-BAANDEK': { cc: 'th', name: 'Somchai Demo (สมชาย เดโม)' },
  'LA-DEMO-HOSPITAL': { cc: 'la', name: 'Khamla Demo (ຄຳລາ ເດໂມ)' },
  'MM-DEMO-LEGALAID': { cc: 'mm', name: 'Aung Demo (အောင် ဒီမို)' },
  'VN-DEMO-SCHOOL': { cc: 'vn', name: 'Nguyễn Demo Lan' },
  'KH-DEMO-SAFEHOME': { cc: 'kh', name: 'Chea Demo Sokha (ជា សុខា ដេម៉ូ)' },
  'ID-DEMO-RUMAHAMAN': { cc: 'id', name: 'Dewi Demo Lestari' },
  'MY-DEMO-WELFARE': { cc: 'my', name: 'Aisyah Demo binti Ahmad' },
  'TL-DEMO-KLIBUR': { cc: 'tl', name: 'Maria Demo da Costa' },
};

export const DEMO_USERS: readonly DemoUser[] = [
  ...Object.entries(NGO_STAFF).flatMap(([organisationCode, { cc, names }]) =>
    (Object.entries(names) as [DemoUser['role'], string][]).map(([role, name]) => ({
      email: `${role}.${cc}@demo.haven.example`,
      name,
      role,
      organisationCode,
      // The code of the organisation's "Team A" (demo-data.ts).
      ...(role === 'caseworker' || role === 'supervisor' ? { team: 'team-a' } : {}),
    })),
  ),
  ...Object.entries(PARTNER_STAFF).map(([organisationCode, { cc, name }]) => ({
    email: `partner.${cc}@demo.haven.example`,
    name,
    role: 'partner' as const,
    organisationCode,
  })),
];
