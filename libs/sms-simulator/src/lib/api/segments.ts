/**
 * How many SMS segments a body takes, the way carriers split it: GSM-7 when
 * every character is in the GSM 03.38 default alphabet or its extension table
 * (160 septets alone, 153 per part when concatenated, extension characters
 * take two), otherwise UCS-2 (70 UTF-16 code units alone, 67 per part). A
 * two-septet escape or a surrogate pair is never split across two parts.
 */

const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENSION = new Set('^{}\\[~]|€\f');

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SegmentCount {
  encoding: SmsEncoding;
  segments: number;
}

function pack(units: number[], single: number, perPart: number): number {
  const total = units.reduce((sum, unit) => sum + unit, 0);
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const unit of units) {
    if (used + unit > perPart) {
      segments += 1;
      used = 0;
    }
    used += unit;
  }
  return segments;
}

export function countSegments(body: string): SegmentCount {
  const chars = [...body];
  if (chars.every((char) => GSM_BASIC.has(char) || GSM_EXTENSION.has(char))) {
    return { encoding: 'GSM-7', segments: pack(chars.map((char) => (GSM_EXTENSION.has(char) ? 2 : 1)), 160, 153) };
  }
  return { encoding: 'UCS-2', segments: pack(chars.map((char) => char.length), 70, 67) };
}
