/**
 * Meta's accepted media types and size limits per kind (reference §5), and a
 * small content sniffer: Meta rejects a file whose bytes contradict its
 * declared type with 131053, so the simulator does too when it can tell.
 */
const MB = 1024 * 1024;

export const MEDIA_RULES: { kind: string; mimeTypes: string[]; maxBytes: number }[] = [
  { kind: 'audio', mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'], maxBytes: 16 * MB },
  {
    kind: 'document',
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/vnd.ms-powerpoint',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    ],
    maxBytes: 100 * MB,
  },
  { kind: 'image', mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  // Animated stickers may reach 500 KB; static ones 100 KB, which the simulator cannot tell apart.
  { kind: 'sticker', mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
  { kind: 'video', mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
];

export function mediaRuleFor(mimeType: string) {
  return MEDIA_RULES.find((rule) => rule.mimeTypes.includes(mimeType));
}

/** The MIME type the bytes clearly are, or undefined when they are not recognisable. */
export function sniffMimeType(bytes: Buffer): string | undefined {
  const starts = (signature: number[], offset = 0) => signature.every((byte, index) => bytes[offset + index] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg';
  return undefined;
}
