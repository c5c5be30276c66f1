import { noRules, Refusal, staleRules } from './errors';
import type { RulesEdit, VersionedRules } from './model';

/**
 * Where the business rules are kept: the current version and every past one. The DynamoDB
 * implementation is storage/rules-repository.ts.
 */
export interface RulesRepository {
  /** The current rules (strongly consistent), or undefined before the first create. */
  current(): Promise<VersionedRules | undefined>;
  /** One past or current version, or undefined. */
  version(version: number): Promise<VersionedRules | undefined>;
  /**
   * Writes `next` as the new current version in one conditional write, only when the current
   * version is still `next.version - 1` (none for version 1). False when it was not: nothing written.
   */
  replace(next: VersionedRules): Promise<boolean>;
}

/** The current rules; `NoRules` (404) before the first create. */
export async function readRules(repository: RulesRepository): Promise<VersionedRules> {
  const current = await repository.current();
  if (!current) throw noRules();
  return current;
}

/** A past (or the current) version; 404 when there is none. */
export async function readRulesVersion(repository: RulesRepository, version: number): Promise<VersionedRules> {
  const found = await repository.version(version);
  if (!found) throw new Refusal('not-found', 'NoSuchVersion', `version: there is no rules version ${version}`, { field: 'version' });
  return found;
}

/**
 * Creates (expectedVersion 0) or edits the rules with optimistic concurrency: the edit names the
 * version it was made against, and when another edit landed first it is refused (`StaleRules`,
 * 409) with nothing written.
 */
export async function editRules(repository: RulesRepository, edit: RulesEdit, by: string, now: Date = new Date()): Promise<VersionedRules> {
  const next: VersionedRules = { version: edit.expectedVersion + 1, rules: edit.rules, updatedAt: now.toISOString(), updatedBy: by };
  if (await repository.replace(next)) return next;
  const current = await repository.current();
  throw staleRules(edit.expectedVersion, current?.version ?? 0);
}
