/** This feature's part of a case's reporting facts: followUps. */
import type { FactPart } from '../facts/parts.js';

export const closureFacts: FactPart = async () => ({});
