/**
 * Whether an error means our database could not be reached or went away mid-statement
 * (refused or reset connections, a pool that could not connect in time, a server shutting
 * down or starting up), as opposed to a bug. Such a request stored nothing it could keep,
 * so it is answered 503 and the client retries (with its Idempotency-Key for an accept).
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
const SQLSTATES = /^(08\w{3}|57P0[1-3])$/;
// TypeORM releases a query runner whose connection died; the transaction using it fails with these.
const RELEASED_RUNNER = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
const MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is not established/i;

export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 3) return false;
  const { name, code, message, driverError, cause } = error as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
  if (typeof name === 'string' && RELEASED_RUNNER.has(name)) return true;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.test(code))) return true;
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  return isStorageUnavailable(driverError, depth + 1) || isStorageUnavailable(cause, depth + 1);
}
