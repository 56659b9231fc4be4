/** This feature's part of a case's reporting facts: legalCases. */
import type { FactPart } from '../facts/parts.js';

export const legalFacts: FactPart = async () => ({});
