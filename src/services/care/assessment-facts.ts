/** This feature's part of a case's reporting facts: wellbeing (first and latest score per domain). */
import type { FactPart } from '../facts/parts.js';

export const assessmentFacts: FactPart = async () => ({});
