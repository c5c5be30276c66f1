import * as z from 'zod';

/**
 * The first layer for what the domain does not share (domain/model.ts holds the rules and
 * transaction bodies): routes without a body, and path parameters.
 */
export const NoBody = z.undefined({ error: 'This route takes no body' });

/** `/rules/{version}`: a version number. */
export const VersionParam = z.strictObject({ version: z.string().regex(/^[1-9][0-9]{0,9}$/, 'a rules version (1, 2, ...)').transform(Number) });

/** `POST /encounter-codes` takes no body, or `{}`. */
export const EncounterCodeRequest = z.union([z.undefined(), z.strictObject({})]);
