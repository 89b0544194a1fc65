import { z } from 'zod';

/**
 * The spec fields that hold secrets or key material. A field is marked where the schema
 * defines it (`.register(secretFields, …)` in schema.ts), so the list of what is redacted
 * is read from the one schema and a new secret field cannot be forgotten in a second list.
 */
export const secretFields = z.registry<{ why: string }>();

/** What a redacted value reads as: clearly not a value, and refused by the field's own rule if resubmitted. */
export const REDACTED = '<redacted: shown only to the submitter and admins>';
