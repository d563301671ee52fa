import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `msg_` + a ULID (48-bit ms time, 80 random bits, Crockford base32): ids sort by creation time. */
export function newMessageId(now: number = Date.now()): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i += 1) {
    time = (CROCKFORD[rest % 32] as string) + time;
    rest = Math.floor(rest / 32);
  }
  const bytes = randomBytes(16);
  let random = '';
  for (let i = 0; i < 16; i += 1) random += CROCKFORD[(bytes[i] as number) % 32] as string;
  return `msg_${time}${random}`;
}

export const MESSAGE_ID_PATTERN = /^msg_[0-9A-Z]{26}$/;
