/**
 * Text heuristics for lint. They are deliberately narrow: a false error blocks a
 * submission, so only URL shorteners are errors (Meta rejects them outright);
 * wording checks are warnings about what review often rejects or recategorises.
 */

const SHORTENER_DOMAINS = [
  'bit.ly', 'bitly.com', 'tinyurl.com', 't.co', 'goo.gl', 'ow.ly', 'is.gd', 'v.gd', 'buff.ly', 'rebrand.ly',
  'cutt.ly', 'shorturl.at', 'tiny.cc', 'rb.gy', 't.ly', 'bl.ink', 's.id', 'lnkd.in', 'soo.gd', 'clck.ru',
  'shorte.st', 'adf.ly', 'qrco.de', 'surl.li', 'u.to', 'x.co', 'db.tt', 'short.gy', 'tinu.be', 'shrtco.de',
];

const escape = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// Host must start at a word boundary (so "at.co/" is not "t.co/") and end at "/", ":", end or a non-host char.
const SHORTENER = new RegExp(
  `(?:^|[^A-Za-z0-9.-])(?:https?:\\/\\/)?(?:www\\.)?(${SHORTENER_DOMAINS.map(escape).join('|')})(?=[/:?#]|$|[^A-Za-z0-9.-])`,
  'i',
);

/** The shortener domain found in the text, if any. */
export function findUrlShortener(text: string): string | undefined {
  const match = SHORTENER.exec(text);
  return match?.[1]?.toLowerCase();
}

const PROMOTIONAL = [
  /\b(?:on )?sale\b/i,
  /\bdiscount(?:s|ed)?\b/i,
  /\d+\s?%\s?off\b/i,
  /\b(?:special |exclusive |limited[- ]time )?offers?\b/i,
  /\bdeals?\b/i,
  /\bpromo(?:tion)?s?\b/i,
  /\bcoupons?\b/i,
  /\blimited[- ]time\b/i,
  /\bhurry\b/i,
  /\bact (?:now|fast)\b/i,
  /\b(?:buy|shop|order) now\b/i,
  /\blast chance\b/i,
  /\bdon'?t miss\b/i,
  /\bends (?:soon|today|tonight)\b/i,
  /\btoday only\b/i,
  /\bfree (?:gift|shipping|delivery|trial)\b/i,
  /\bclearance\b/i,
  /\bblack friday\b/i,
  /\b(?:best|lowest|special) prices?\b/i,
  /\burgent(?:ly)?\b/i,
];

/** The first urgent or promotional phrase in the text. */
export function findPromotionalWording(text: string): string | undefined {
  for (const pattern of PROMOTIONAL) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

const SENSITIVE =
  /\b(send|share|provide|enter|reply with|tell us|give us|confirm|submit|type|verify)\b((?:\W+\w+){0,5}?)\W+(passwords?|passcodes?|pin(?: code)?s?|cvv|cvc|security codes?|(?:full )?card numbers?|credit card|debit card|social security(?: number)?|ssn|bank account(?: number)?|account numbers?|routing numbers?|passport(?: number)?|national id|date of birth|mother'?s maiden name)\b/i;
const NEGATION = /\b(?:never|not|don'?t|do not|won'?t|will not)\W+(?:\w+\W+){0,2}$/i;

/** The sensitive item a text asks the user for ("your PIN"), unless the text tells them not to share it. */
export function findSensitiveDataRequest(text: string): string | undefined {
  const match = SENSITIVE.exec(text);
  if (!match) return undefined;
  if (NEGATION.test(text.slice(0, match.index))) return undefined;
  return match[3];
}

const EMOJI = /\p{Extended_Pictographic}/u;
const FORMATTING = /[*_~`]/;

/** Why a header text is likely to be rejected (emoji, formatting, a line break), if it is. */
export function findHeaderSymbols(text: string): string | undefined {
  if (EMOJI.test(text)) return 'an emoji';
  if (/[\r\n]/.test(text)) return 'a line break';
  const formatting = FORMATTING.exec(text);
  if (formatting) return `the formatting character "${formatting[0]}"`;
  return undefined;
}
