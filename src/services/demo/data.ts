/**
 * Generated, obviously fictional organisations for demonstrations and development. Every name says
 * "Demo" and "fictional" in its own language; no real organisation is named.
 */
import type { Locale } from '../../domain/locales.js';
import type { LookupCode } from '../../domain/lookups.js';

export interface DemoOrganisation {
  code: string;
  kind: 'ngo' | 'partner';
  country: string;
  preferredLocale: Locale;
  services: LookupCode<'serviceType'>[];
  name: Partial<Record<Locale, string>> & { en: string };
  /** The NGOs' teams (services/admin/teams.ts): demo staff and cases hold the code. */
  teams?: { code: string; name: string }[];
}

const DEMO_TEAMS = [
  { code: 'team-a', name: 'Team A' },
  { code: 'team-b', name: 'Team B' },
];

export const DEMO_ORGANISATIONS: readonly DemoOrganisation[] = [
  {
    code: 'PH-DEMO-LIWANAG',
    kind: 'ngo',
    country: 'PH',
    preferredLocale: 'fil',
    services: ['case_management', 'counselling', 'shelter'],
    teams: DEMO_TEAMS,
    name: {
      en: 'Liwanag Demo Children’s Foundation (fictional)',
      fil: 'Liwanag Demo na Pundasyon para sa mga Bata (kathang-isip)',
      ceb: 'Liwanag Demo nga Pundasyon alang sa mga Bata (dili tinuod)',
    },
  },
  {
    code: 'KH-DEMO-PONLEU',
    kind: 'ngo',
    country: 'KH',
    preferredLocale: 'km',
    services: ['case_management', 'counselling', 'family_support'],
    teams: DEMO_TEAMS,
    name: {
      en: 'Ponleu Demo Child Protection (fictional)',
      km: 'អង្គការសាកល្បង ពន្លឺ ការពារកុមារ (ប្រឌិត)',
      fr: 'Ponleu Démo Protection de l’enfance (fictif)',
    },
  },
  {
    code: 'PH-DEMO-SWDO',
    kind: 'partner',
    country: 'PH',
    preferredLocale: 'ceb',
    services: ['social_welfare', 'alternative_care'],
    name: {
      en: 'Demo City Social Welfare Office (fictional)',
      ceb: 'Demo nga Buhatan sa Kaayohang Sosyal sa Siyudad (dili tinuod)',
      fil: 'Demo na Tanggapan ng Kagalingang Panlipunan ng Lungsod (kathang-isip)',
    },
  },
  {
    code: 'TH-DEMO-BAANDEK',
    kind: 'partner',
    country: 'TH',
    preferredLocale: 'th',
    services: ['shelter', 'counselling'],
    name: { en: 'Baan Dek Demo Shelter (fictional)', th: 'บ้านพักเด็กสาธิต (สมมติ)' },
  },
  {
    code: 'LA-DEMO-HOSPITAL',
    kind: 'partner',
    country: 'LA',
    preferredLocale: 'lo',
    services: ['health', 'mental_health'],
    name: { en: 'Demo Provincial Hospital (fictional)', lo: 'ໂຮງໝໍແຂວງສາທິດ (ສົມມຸດ)' },
  },
  {
    code: 'MM-DEMO-LEGALAID',
    kind: 'partner',
    country: 'MM',
    preferredLocale: 'my',
    services: ['legal_aid'],
    name: { en: 'Demo Legal Aid Group (fictional)', my: 'နမူနာ ဥပဒေအကူအညီအဖွဲ့ (စိတ်ကူးယဉ်)' },
  },
  {
    code: 'VN-DEMO-SCHOOL',
    kind: 'partner',
    country: 'VN',
    preferredLocale: 'vi',
    services: ['education'],
    name: { en: 'Demo Community School (fictional)', vi: 'Trường cộng đồng Mẫu (hư cấu)' },
  },
  {
    code: 'ID-DEMO-RUMAHAMAN',
    kind: 'partner',
    country: 'ID',
    preferredLocale: 'id',
    services: ['shelter', 'legal_aid'],
    name: { en: 'Rumah Aman Demo Safe House (fictional)', id: 'Rumah Aman Demo (fiktif)' },
  },
  {
    code: 'MY-DEMO-WELFARE',
    kind: 'partner',
    country: 'MY',
    preferredLocale: 'ms',
    services: ['social_welfare'],
    name: { en: 'Demo District Welfare Office (fictional)', ms: 'Pejabat Kebajikan Daerah Demo (rekaan)' },
  },
  {
    code: 'KH-DEMO-SAFEHOME',
    kind: 'partner',
    country: 'KH',
    preferredLocale: 'km',
    services: ['shelter', 'family_support', 'counselling'],
    name: { en: 'Demo Safe Home Battambang (fictional)', km: 'ផ្ទះសុវត្ថិភាពសាកល្បង បាត់ដំបង (ប្រឌិត)' },
  },
  {
    // A partner without Haven accounts: referrals to it go as a PDF form, and its answers are recorded by the sender.
    code: 'PH-DEMO-PARISH',
    kind: 'partner',
    country: 'PH',
    preferredLocale: 'ceb',
    services: ['education', 'counselling'],
    name: {
      en: 'Demo Parish Youth Centre (fictional)',
      ceb: 'Demo nga Sentro sa Kabatan-onan sa Parokya (dili tinuod)',
      fil: 'Demo na Sentro ng Kabataan ng Parokya (kathang-isip)',
    },
  },
  {
    code: 'TL-DEMO-KLIBUR',
    kind: 'partner',
    country: 'TL',
    preferredLocale: 'tet',
    services: ['legal_aid', 'counselling'],
    name: { en: 'Klibur Demo Legal Support (fictional)', tet: 'Klibur Demo Apoiu Legál (fiksaun)' },
  },
];
