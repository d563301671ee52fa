import { invalid, notFound } from './template-errors';
import type { WabaAccess } from './waba-access.port';

/** The WABA a create or delete goes to: the given one, or the scope's only one. */
export function selectWaba(accesses: readonly WabaAccess[], wabaId: string | null | undefined): WabaAccess {
  if (wabaId !== undefined && wabaId !== null) {
    const access = accesses.find((candidate) => candidate.wabaId === wabaId);
    if (!access) throw notFound(`No WABA ${wabaId} in this environment`, 'wabaId');
    return access;
  }
  const only = accesses[0];
  if (!only) throw notFound('No WABA is registered for this environment', 'wabaId');
  if (accesses.length > 1) throw invalid('wabaId', `required: this environment has ${accesses.length} WABAs`);
  return only;
}
