import { SwitchboardError } from '@switchboard/error-taxonomy';
import type { FastifyInstance } from 'fastify';

/** A high surrogate without its low half, or a low one without its high half (code units, no `u` flag). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Whether every string of a parsed body, keys included, is well-formed Unicode. Raw bodies (Buffers) are not text to check. */
export function isWellFormedBody(value: unknown): boolean {
  if (typeof value === 'string') return !LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.every(isWellFormedBody);
  if (isPlainObject(value)) return Object.entries(value).every(([key, field]) => isWellFormedBody(key) && isWellFormedBody(field));
  return true;
}

/**
 * Refuses a parsed body holding a lone UTF-16 surrogate (`"\ud800"`) as validation_failed:
 * valid JSON syntax, but not text, and Postgres refuses it in jsonb, so such a body would
 * fail at the insert (a 500) instead of at the door.
 */
export function registerWellFormedBodyCheck(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (isWellFormedBody(request.body)) return done();
    done(new SwitchboardError({ code: 'validation_failed', message: 'The body holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text', details: [{ path: '', issue: 'not well-formed Unicode' }] }));
  });
}
