/**
 * The fields of a case's reporting facts, and the signature each feature's part implements: given a
 * case id, read that feature's records (inside the caller's transaction when there is one) and return
 * its fields. Codes, dates and counts only.
 */
import type { Types } from 'mongoose';

export interface GoalCount { domain: string; set: number; achieved: number }
export interface WellbeingFact { domain: string; first: number; firstAt: Date; latest: number; latestAt: Date }
export interface LegalFact { status: string; verdict?: string | undefined }
/** One sent referral (services/referrals/facts.ts says what `outcome` holds). */
export interface ReferralFact {
  service: string;
  toOrganisationId: Types.ObjectId;
  toCountry?: string | undefined;
  status: string;
  sentAt?: Date | undefined;
  daysToAcknowledge?: number | undefined;
  daysToAccept?: number | undefined;
  daysToComplete?: number | undefined;
  outcome: string;
}
export interface FollowUpFact { months: number; dueDate: Date; done: boolean; safe?: boolean | undefined; livingAsPlanned?: boolean | undefined; inSchoolOrWork?: boolean | undefined }

export interface CaseFactFields {
  caseId: Types.ObjectId;
  organisationId: Types.ObjectId;
  status: string;
  riskLevel: string;
  exploitationTypes: string[];
  team?: string | undefined;
  country?: string | undefined;
  /** The child's nationality (ISO 3166-1 alpha-2, XX unknown, XS stateless): the reports' country of origin. */
  nationality?: string | undefined;
  intakeMonth: string;
  intakeDate: Date;
  caseworkerIds: Types.ObjectId[];
  firstPlanApprovedAt?: Date | undefined;
  daysToFirstPlan?: number | undefined;
  goals: GoalCount[];
  wellbeing: WellbeingFact[];
  legalCases: LegalFact[];
  reviewDue?: Date | undefined;
  openTaskDueDates: Date[];
  closureReason?: string | undefined;
  closedAt?: Date | undefined;
  followUps: FollowUpFact[];
  referrals: ReferralFact[];
  demo: boolean;
}

/** What one feature contributes; `intakeDate` is given so a part can count days from intake. */
export type FactPart = (caseId: Types.ObjectId, intakeDate: Date) => Promise<Partial<CaseFactFields>>;
