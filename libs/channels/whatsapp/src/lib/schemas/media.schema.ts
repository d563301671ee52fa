import { z } from 'zod';
import { limitedText } from './schema-helpers';
import { WHATSAPP_LIMITS } from '../whatsapp-limits';

const mediaRef = {
  id: z.string().min(1).max(128).optional().describe('an uploaded media id (recommended)'),
  link: z.string().min(1).max(2048).optional().describe('an https link to the file; no URL shorteners'),
};

function exactlyOneSource(value: { id?: string | undefined; link?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((value.id === undefined) === (value.link === undefined)) {
    ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of id (uploaded media) or link' });
  }
}

const caption = limitedText(WHATSAPP_LIMITS.caption).optional();

export const mediaRefSchema = z.strictObject(mediaRef).superRefine(exactlyOneSource);
export const captionedMediaSchema = z.strictObject({ ...mediaRef, caption }).superRefine(exactlyOneSource);
export const documentMediaSchema = z
  .strictObject({ ...mediaRef, caption, filename: limitedText(WHATSAPP_LIMITS.filename).optional() })
  .superRefine(exactlyOneSource);
/** No caption: Meta refuses one on audio. `voice` marks an OGG/OPUS voice note. */
export const audioMediaSchema = z.strictObject({ ...mediaRef, voice: z.boolean().optional() }).superRefine(exactlyOneSource);
/** Stickers carry no caption either. */
export const stickerMediaSchema = mediaRefSchema;
