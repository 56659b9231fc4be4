/** This feature's part of a case's reporting facts: firstPlanApprovedAt, daysToFirstPlan, goals, reviewDue. */
import type { FactPart } from '../facts/parts.js';

export const carePlanFacts: FactPart = async () => ({});
