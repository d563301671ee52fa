/** Meta's send limits (contract §7, reference §4.1). Messages past them are refused before 202. */
export const WHATSAPP_LIMITS = {
  textBody: 4096,
  caption: 1024,
  /** No documented limit; Meta shows the name to the recipient, so keep it file-system sized. */
  filename: 240,
  reactionEmoji: 32,
  contacts: 257,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  buttonBody: 1024,
  listBody: 4096,
  listButton: 20,
  listSections: 10,
  listRows: 10,
  sectionTitle: 24,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  headerText: 60,
  footerText: 60,
  /** `choice` offers reply buttons up to this many options, a list above. */
  choiceOptions: 10,
} as const;

/**
 * File types Meta accepts per media kind (reference §5), as URL file extensions.
 * Meta checks the content too (131053 on a mismatch); the extension catches the obvious mistakes early.
 */
export const MEDIA_EXTENSIONS = {
  image: ['jpg', 'jpeg', 'png'],
  video: ['mp4', '3gp', '3gpp'],
  audio: ['aac', 'amr', 'mp3', 'm4a', 'ogg'],
  document: ['txt', 'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx'],
  sticker: ['webp'],
} as const;

export type MediaKind = keyof typeof MEDIA_EXTENSIONS;

/**
 * Link shorteners: Meta fetches media links itself and a redirecting link fails later and
 * opaquely (131053), and a shortened link hides what the recipient gets.
 */
export const DEFAULT_URL_SHORTENERS: readonly string[] = [
  'bit.ly',
  'tinyurl.com',
  't.co',
  'goo.gl',
  'ow.ly',
  'is.gd',
  'buff.ly',
  'rebrand.ly',
  'cutt.ly',
  'shorturl.at',
  'tiny.cc',
  'rb.gy',
  't.ly',
  'bl.ink',
  'lnkd.in',
  's.id',
  'v.gd',
];
