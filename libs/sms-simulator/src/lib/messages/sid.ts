import { createHash } from 'node:crypto';

/** `SM` (or `MM` for media) and 32 hex digits, derived from the seed and a counter: unique per run and repeatable. */
export function messageSid(randomSeed: number, counter: number, media: boolean): string {
  const hex = createHash('sha256').update(`switchboard-sms-simulator:${randomSeed}:${counter}`).digest('hex').slice(0, 32);
  return `${media ? 'MM' : 'SM'}${hex}`;
}
