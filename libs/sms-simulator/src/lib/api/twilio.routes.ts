import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Fault } from '../control/fault.injector';
import { createMessage } from '../messages/send.service';
import { API_VERSION, messageResource } from '../messages/message.record';
import { parseForm, type FormParams } from '../callbacks/twilio-signature';
import type { SmsContext } from '../sms-context';
import { TwilioError } from './twilio-error';

interface AccountParams {
  AccountSid: string;
  MessageSid?: string;
}

const FORM = 'application/x-www-form-urlencoded';

function formOf(request: FastifyRequest): FormParams {
  const body = request.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as FormParams) : {};
}

/** HTTP Basic `AccountSid:AuthToken`; the user must be the account in the path. */
function authenticate(ctx: SmsContext, request: FastifyRequest, accountSid: string): void {
  const header = request.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(header);
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const account = ctx.state.accounts.get(accountSid);
  if (colon < 0 || !account || user !== accountSid || password !== account.authToken) throw new TwilioError(20003);
}

/**
 * Twilio's REST surface under `/2010-04-01`: Basic auth, form bodies, Twilio's
 * error shape for every failure, 20404 for any other path. Each call is
 * recorded, authenticated, then meets the first armed fault that matches.
 */
export async function registerTwilioRoutes(api: FastifyInstance, ctx: SmsContext, hung: Set<FastifyRequest>): Promise<void> {
  // The fault a send took in the hook, when it shapes the accepted message rather than the answer.
  const shaping = new WeakMap<FastifyRequest, Fault>();
  // Twilio's parameters are plain strings (a repeated name is a list): no JSON-looking decoding.
  if (api.hasContentTypeParser(FORM)) api.removeContentTypeParser(FORM);
  api.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(String(body))));

  api.setErrorHandler((error: FastifyError | Error, request, reply) => {
    if (error instanceof TwilioError) {
      if (error.code === 20003) void reply.header('www-authenticate', 'Basic realm="Twilio API"');
      return reply.code(error.status).send(error.toBody());
    }
    const statusCode = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (statusCode < 500) return reply.code(statusCode).send({ code: 20001, message: error.message, more_info: 'https://www.twilio.com/docs/errors/20001', status: statusCode });
    request.log.error({ err: error }, 'SMS simulator bug');
    return reply.code(500).send(new TwilioError(20500).toBody());
  });
  api.setNotFoundHandler((request, reply) => {
    const error = new TwilioError(20404, request.url.split('?', 1)[0]);
    return reply.code(error.status).send(error.toBody());
  });

  api.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.is404) return undefined;
    const { AccountSid: accountSid } = request.params as AccountParams;
    const route = request.method === 'POST' ? 'send' : 'fetch';
    const params = formOf(request);
    ctx.recorder.record({ method: request.method, path: request.url.split('?', 1)[0], route, accountSid, headers: request.headers, params });
    authenticate(ctx, request, accountSid);
    const to = typeof params['To'] === 'string' ? params['To'] : undefined;
    const from = typeof params['From'] === 'string' ? params['From'] : undefined;
    const fault = ctx.faults.take({ route, accountSid, to, from });
    if (!fault) return undefined;
    if (fault.latencyMs) await ctx.timers.sleep(fault.latencyMs);
    switch (fault.kind) {
      case 'latency':
        return undefined;
      case 'error':
      case 'callbacks':
        if (fault.kind === 'error' && (fault.code ?? 0) < 30000) throw new TwilioError(fault.code ?? 20500, to ?? '', fault.status);
        // A delivery error or callback misbehaviour shapes the accepted message.
        shaping.set(request, fault);
        return undefined;
      case 'http5xx':
        return reply.code(fault.status ?? 500).send(new TwilioError(20500, '', fault.status ?? 500).toBody());
      case 'timeout':
        reply.hijack();
        hung.add(request);
        request.raw.once('close', () => hung.delete(request));
        return undefined;
      case 'reset':
        reply.hijack();
        request.raw.socket.destroy();
        return undefined;
    }
  });

  api.post('/Accounts/:AccountSid/Messages.json', async (request, reply) => {
    const { AccountSid: accountSid } = request.params as AccountParams;
    const record = createMessage(ctx, accountSid, formOf(request), shaping.get(request));
    return reply.code(201).send(messageResource(record));
  });

  api.get('/Accounts/:AccountSid/Messages/:MessageSid.json', async (request) => {
    const { AccountSid: accountSid, MessageSid: sid } = request.params as AccountParams;
    const record = sid === undefined ? undefined : ctx.state.messages.get(sid);
    if (!record || record.accountSid !== accountSid) throw new TwilioError(20404, request.url.split('?', 1)[0]);
    return messageResource(record);
  });
}

export const TWILIO_PREFIX = `/${API_VERSION}`;
