import { SMS_LIMITS } from './sms-limits';

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  readonly encoding: SmsEncoding;
  /** How many SMS the text is sent as (and billed as). */
  readonly segments: number;
  /** Septets for GSM-7 (an extension character is 2), UTF-16 code units for UCS-2. */
  readonly units: number;
}

// GSM 03.38 basic character set (the escape code itself excluded) and its extension table,
// whose characters are sent as an escape plus one septet.
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

/**
 * How a text travels as SMS. Any character outside GSM-7 makes the whole text UCS-2. A split
 * text loses 7 septets (GSM-7) or 3 characters (UCS-2) per part to the concatenation header,
 * and a part never ends inside an escape pair or a surrogate pair, as carriers split them.
 */
export function countSegments(text: string): SegmentCount {
  const characters = [...text];
  const gsm = characters.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c));
  const sizes = gsm ? characters.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1)) : characters.map((c) => c.length);
  const limits = gsm ? SMS_LIMITS.gsm7 : SMS_LIMITS.ucs2;
  const units = sizes.reduce((sum, size) => sum + size, 0);
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', segments: units <= limits.single ? Math.min(units, 1) : parts(sizes, limits.part), units };
}

function parts(sizes: readonly number[], capacity: number): number {
  let count = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > capacity) {
      count += 1;
      used = 0;
    }
    used += size;
  }
  return count;
}
