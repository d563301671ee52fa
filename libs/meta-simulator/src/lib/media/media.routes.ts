import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUploadedFile } from '../graph/body.parsers';
import { GraphError, objectNotFound } from '../graph/graph-error';
import { WHATSAPP_MESSAGING_SCOPE } from '../seed/simulator-seed.schema';
import type { SimulatorContext } from '../simulator-context';
import type { MediaRecord, TokenRecord } from '../state/simulator-state';
import { authenticate } from '../tokens/token.auth';
import { mediaRuleFor, sniffMimeType } from './media.rules';

/** Documents may be 100 MB; the multipart envelope adds a little. */
export const MAX_UPLOAD_BYTES = 101 * 1024 * 1024;

/** Meta's media URLs are valid for 5 minutes. */
const MEDIA_URL_TTL_MS = 5 * 60 * 1000;

/** Signs download URLs so they cannot be forged or extended; the key only lives in this process. */
const URL_KEY = createHash('sha256').update(`media-url:${process.pid}:${Date.now()}:${Math.random()}`).digest();

function urlHash(mediaId: string, expiresAt: number): string {
  return createHmac('sha256', URL_KEY).update(`${mediaId}:${expiresAt}`).digest('hex').slice(0, 32);
}

/** The shape of `GET /<MEDIA_ID>`; also used by the node route. */
export function mediaNode(ctx: SimulatorContext, media: MediaRecord): Record<string, unknown> {
  const expiresAt = ctx.now() + MEDIA_URL_TTL_MS;
  const url = `${ctx.baseUrl()}/whatsapp_business/attachments/?mid=${media.id}&ext=${expiresAt}&hash=${urlHash(media.id, expiresAt)}`;
  return {
    messaging_product: 'whatsapp',
    url,
    mime_type: media.mimeType,
    sha256: media.sha256,
    file_size: media.fileSize,
    id: media.id,
  };
}

/** Media of another business looks like no media at all. */
export function mediaFor(ctx: SimulatorContext, token: TokenRecord, mediaId: string, method: 'get' | 'delete'): MediaRecord {
  const media = ctx.state.media.get(mediaId);
  if (!media || !token.wabaIds.includes(media.wabaId)) throw objectNotFound(mediaId, method);
  return media;
}

export function checkPhoneNumberParam(request: FastifyRequest, media: MediaRecord): void {
  const phoneNumberId = (request.query as Record<string, unknown>)['phone_number_id'];
  if (typeof phoneNumberId === 'string' && phoneNumberId !== '' && phoneNumberId !== media.phoneNumberId) {
    throw new GraphError(100, { details: `Param phone_number_id ${phoneNumberId} does not own media ${media.id}` });
  }
}

export function registerMediaRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  app.post('/:version/:id/media', async (request) => {
    const { id } = request.params as { id: string };
    const token = authenticate(ctx, request, WHATSAPP_MESSAGING_SCOPE);
    const phone = ctx.state.phoneNumbers.get(id);
    if (!phone || !token.wabaIds.includes(phone.wabaId)) throw objectNotFound(id, 'post');
    const body = (request.body ?? {}) as Record<string, unknown>;
    if (body['messaging_product'] === undefined) {
      throw new GraphError(131008, { details: 'The parameter messaging_product is required.' });
    }
    if (body['messaging_product'] !== 'whatsapp') throw new GraphError(100, { details: 'Param messaging_product must be whatsapp' });
    const file = body['file'];
    if (!isUploadedFile(file)) {
      throw new GraphError(131008, { details: 'The parameter file is required (multipart/form-data file part).' });
    }
    const declared = (typeof body['type'] === 'string' && body['type'] !== '' ? body['type'] : file.mimeType)
      .split(';', 1)[0]
      .trim()
      .toLowerCase();
    const rule = mediaRuleFor(declared);
    if (!rule) throw new GraphError(131053, { details: `Param file must be a file with one of the supported media types; received ${declared || 'no type'}` });
    if (file.size === 0) throw new GraphError(131053, { details: 'The uploaded file is empty.' });
    if (file.size > rule.maxBytes) {
      throw new GraphError(131053, { details: `${rule.kind} files may be at most ${rule.maxBytes} bytes; received ${file.size}` });
    }
    const sniffed = sniffMimeType(file.bytes);
    if (sniffed !== undefined && sniffed !== declared) {
      throw new GraphError(131053, { details: `MIME type mismatch: declared ${declared}, content is ${sniffed}` });
    }
    const media: MediaRecord = {
      id: ctx.state.nextId('5'),
      wabaId: phone.wabaId,
      phoneNumberId: phone.id,
      mimeType: declared,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      fileSize: file.size,
      filename: file.filename,
      bytes: file.bytes,
      createdAt: ctx.now(),
    };
    ctx.state.media.set(media.id, media);
    return { id: media.id };
  });

  app.get('/whatsapp_business/attachments/', async (request, reply) => {
    const token = authenticate(ctx, request, WHATSAPP_MESSAGING_SCOPE);
    const query = request.query as Record<string, string | undefined>;
    const mediaId = query['mid'] ?? '';
    const expiresAt = Number(query['ext']);
    const media = ctx.state.media.get(mediaId);
    const valid =
      media !== undefined &&
      token.wabaIds.includes(media.wabaId) &&
      Number.isFinite(expiresAt) &&
      expiresAt > ctx.now() &&
      query['hash'] === urlHash(mediaId, expiresAt);
    // Meta answers an expired or foreign media URL with a bare 404; clients must fetch a fresh URL.
    if (!valid || !media) return reply.code(404).send();
    return reply
      .header('content-type', media.mimeType)
      .header('content-disposition', `attachment${media.filename ? `; filename="${media.filename.replace(/"/g, '')}"` : ''}`)
      .send(media.bytes);
  });
}
