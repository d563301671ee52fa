// Development terminal output without pino-pretty (not a dependency): each JSON log
// line of an app becomes one short readable line; anything else passes through.
import { createInterface } from 'node:readline';

const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
// Fields every line has or that the short form already shows.
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'message', 'service', 'context', 'req', 'res', 'responseTime', 'err', 'reqId']);

// Said by the method, URL and status already shown.
const REQUEST_MESSAGES = new Set(['incoming request', 'request completed']);

function clock(time) {
  return new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 23);
}

function scalar(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One pino (or pino-shaped) JSON line as `12:00:00.123 INFO  gateway [Context] message key=value`. */
export function formatLogLine(line, app) {
  let entry;
  try {
    entry = JSON.parse(line);
  } catch {
    return line;
  }
  if (entry === null || typeof entry !== 'object' || !('level' in entry)) return line;
  const level = (LEVELS[entry.level] ?? String(entry.level).toUpperCase()).padEnd(5);
  const parts = [clock(entry.time), level, entry.service ?? app];
  if (entry.context) parts.push(`[${entry.context}]`);
  // The apps log one line per request (req and res); Fastify's own logger would log two ("incoming request", "request completed").
  if (entry.req) parts.push(`${entry.req.method} ${entry.req.url}`);
  if (entry.res) parts.push(`-> ${entry.res.statusCode} in ${Math.round(entry.responseTime ?? 0)} ms`);
  const message = entry.msg ?? entry.message;
  if (message && !REQUEST_MESSAGES.has(message)) parts.push(scalar(message));
  for (const [key, value] of Object.entries(entry)) if (!SHOWN.has(key) && value !== undefined) parts.push(`${key}=${scalar(value)}`);
  let text = parts.join(' ');
  if (entry.err) text += `\n${String(entry.err.stack ?? entry.err.message ?? scalar(entry.err)).replace(/^/gm, '    ')}`;
  return text;
}

/** Copies a child's output to `target` line by line, formatted. */
export function pipeFormatted(stream, target, app) {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => target.write(`${formatLogLine(line, app)}\n`));
}
