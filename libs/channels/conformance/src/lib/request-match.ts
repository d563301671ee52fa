import { isDeepStrictEqual } from 'node:util';
import type { RecordedRequest } from './fixture.schemas';
import type { ReceivedRequest } from './replay-server';

/** How a received request differs from the recorded one; empty when it matches. Only recorded parts are compared. */
export function requestMismatches(expected: RecordedRequest, actual: ReceivedRequest): string[] {
  const mismatches: string[] = [];
  if (actual.method !== expected.method) mismatches.push(`method ${actual.method}, recorded ${expected.method}`);
  if (actual.path !== expected.path) mismatches.push(`path ${actual.path}, recorded ${expected.path}`);
  for (const [name, value] of Object.entries(expected.query ?? {})) {
    if (actual.query[name] !== value) mismatches.push(`query ${name}=${JSON.stringify(actual.query[name])}, recorded ${JSON.stringify(value)}`);
  }
  const contentType = header(actual, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (expected.contentType !== undefined && contentType !== expected.contentType.toLowerCase()) {
    mismatches.push(`content type ${JSON.stringify(contentType)}, recorded ${expected.contentType}`);
  }
  if (expected.authorization !== undefined) {
    const [scheme, credential] = (header(actual, 'authorization') ?? '').split(' ');
    // Only the scheme is compared, and only it is reported: the credential is a secret.
    if (scheme?.toLowerCase() !== expected.authorization.toLowerCase() || !credential) {
      mismatches.push(`no ${expected.authorization} Authorization header with a credential`);
    }
  }
  if (expected.json !== undefined) {
    const body = parseJson(actual.body);
    if (body === undefined) mismatches.push('body is not JSON');
    else mismatches.push(...subsetMismatches(expected.json, body, 'json'));
  }
  if (expected.form !== undefined) {
    const fields = Object.fromEntries(new URLSearchParams(actual.body.toString('utf8')));
    for (const [name, value] of Object.entries(expected.form)) {
      if (fields[name] !== value) mismatches.push(`form ${name}=${JSON.stringify(fields[name])}, recorded ${JSON.stringify(value)}`);
    }
  }
  return mismatches;
}

/** Objects match when every recorded key matches (more keys are fine); arrays and scalars match exactly. */
function subsetMismatches(expected: unknown, actual: unknown, path: string): string[] {
  if (isRecord(expected) && isRecord(actual)) {
    return Object.entries(expected).flatMap(([key, value]) => subsetMismatches(value, actual[key], `${path}.${key}`));
  }
  if (Array.isArray(expected) && Array.isArray(actual) && expected.length === actual.length) {
    return expected.flatMap((value, i) => subsetMismatches(value, actual[i], `${path}[${i}]`));
  }
  return isDeepStrictEqual(expected, actual) ? [] : [`${path} is ${JSON.stringify(actual)}, recorded ${JSON.stringify(expected)}`];
}

function header(request: ReceivedRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
