import { classify, classifyTwilio, SwitchboardError, transportFailureOf, type Classification, type LogSafeMetadata, type TransportFailure } from '@switchboard/error-taxonomy';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { SmsConfig } from './sms-config.schema';

export interface TwilioCallOptions {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly dispatcher?: Dispatcher | undefined;
}

const messageResource = z.object({ sid: z.string().min(1), status: z.string().min(1) });
export type TwilioMessageResource = z.infer<typeof messageResource>;
const errorBody = z.object({ code: z.union([z.number(), z.string()]), message: z.string().optional() });

/**
 * One `POST .../Accounts/{sid}/Messages.json`. A Twilio error body is classified by its code;
 * an answer without one, a timeout or a broken connection by the taxonomy's transport rules,
 * as the Graph client does (`metadata.transportDetail` says which). The auth token is removed
 * from every text of the thrown error.
 */
export async function postTwilioMessage(
  account: Pick<SmsConfig, 'baseUrl' | 'accountSid' | 'authToken'>,
  /** Form fields in Twilio's names (To, From, Body, StatusCallback). */
  form: Readonly<Record<string, string>>,
  call: TwilioCallOptions,
): Promise<TwilioMessageResource> {
  const url = `${account.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(account.accountSid)}/Messages.json`;
  const deadline = AbortSignal.timeout(call.timeoutMs);
  const fail = (classification: Classification, metadata: LogSafeMetadata): never => {
    throw SwitchboardError.fromClassification(classification, { redact: [account.authToken], metadata: { operation: 'twilio.messages.create', ...metadata } });
  };
  const transport = (failure: TransportFailure): never =>
    fail(classify(failure), {
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
      ...(failure.detail ? { transportDetail: failure.detail } : {}),
    });

  let statusCode: number;
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${account.accountSid}:${account.authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form).toString(),
      signal: call.signal ? AbortSignal.any([call.signal, deadline]) : deadline,
      ...(call.dispatcher ? { dispatcher: call.dispatcher } : {}),
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    if (call.signal?.aborted) return transport({ type: 'transport', reason: 'aborted', detail: 'caller' });
    if (deadline.aborted) return transport({ type: 'transport', reason: 'timeout', detail: 'deadline' });
    return transport(transportFailureOf(error));
  }

  const body = parseJson(text);
  if (statusCode >= 200 && statusCode < 300) {
    const resource = messageResource.safeParse(body);
    if (resource.success) return resource.data;
    return transport({ type: 'transport', reason: 'invalid_response', httpStatus: statusCode, detail: 'unexpected_body' });
  }
  const refusal = errorBody.safeParse(body);
  if (!refusal.success) return transport({ type: 'transport', reason: 'http_error', httpStatus: statusCode });
  return fail(classifyTwilio({ ...refusal.data, status: statusCode }, { redact: [account.authToken] }), { httpStatus: statusCode });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
