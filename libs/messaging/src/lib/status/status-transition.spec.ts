import type { MessageEntity } from '../persistence/message.entity';
import { decideTransition, factsNeeded, type TransitionFacts } from './status-transition';
import type { StatusUpdate } from './status-update';

const message = (fields: Partial<MessageEntity> = {}): MessageEntity =>
  ({
    id: 'msg_01JAAAAAAAAAAAAAAAAAAAAAAA',
    tenantId: '00000000-0000-4000-8000-000000000001',
    environment: 'live',
    channel: 'whatsapp',
    status: 'sent',
    providerMessageId: 'wamid.A',
    error: null,
    retries: 0,
    routeStep: 0,
    route: null,
    ...fields,
  }) as MessageEntity;
const update = (fields: Partial<StatusUpdate> = {}): StatusUpdate => ({ channel: 'whatsapp', providerMessageId: 'wamid.A', status: 'delivered', at: '2026-01-01T00:00:00.000Z', ...fields });
const facts = (fields: Partial<TransitionFacts> = {}): TransitionFacts => ({ replacedSend: false, sentRecorded: false, earlierChannelStep: 0, ...fields });

describe('decideTransition: the status machine rule that the batch and the one-by-one path share', () => {
  it('moves the message forward and settles it on delivered', () => {
    const transition = decideTransition(message(), update(), facts());
    expect(transition).toMatchObject({ outcome: 'applied', row: { status: 'delivered', providerMessageId: 'wamid.A', error: null, settled: true }, optOut: false, startsFallback: false });
    expect(transition.event).toMatchObject({ status: 'delivered', channel: 'whatsapp', routeStep: 0, detail: { source: 'webhook', wamid: 'wamid.A', applied: true } });
  });

  it('records a late status without touching the row', () => {
    const transition = decideTransition(message({ status: 'read' }), update(), facts());
    expect(transition).toMatchObject({ outcome: 'recorded', row: null, event: { status: 'delivered', detail: { applied: false } } });
  });

  it('learns the provider id from a status that does not move the message', () => {
    const transition = decideTransition(message({ status: 'read', providerMessageId: null }), update({ providerMessageId: 'wamid.B' }), facts());
    expect(transition).toMatchObject({ outcome: 'recorded', row: { providerMessageId: 'wamid.B', status: 'read', settled: false } });
  });

  it("drops Meta's sent when the worker recorded its own", () => {
    expect(decideTransition(message({ status: 'queued' }), update({ status: 'sent' }), facts({ sentRecorded: true })).event).toBeNull();
    expect(decideTransition(message({ status: 'queued' }), update({ status: 'sent' }), facts()).event).toMatchObject({ status: 'sent' });
  });

  it('records a report of an earlier channel or a replaced send as history, on the step it belongs to', () => {
    const sms = decideTransition(message({ channel: 'sms', routeStep: 1 }), update(), facts({ earlierChannelStep: 0 }));
    expect(sms).toMatchObject({ outcome: 'recorded', row: null, event: { channel: 'whatsapp', routeStep: 0 } });
    expect(decideTransition(message({ retries: 1, providerMessageId: 'wamid.NEW' }), update(), facts({ replacedSend: true }))).toMatchObject({ outcome: 'recorded', row: null });
  });

  it('a failure that moves the message carries the taxonomy error and may start a fallback; an opt-out suppresses', () => {
    const failed = decideTransition(message(), update({ status: 'failed' }), facts());
    expect(failed).toMatchObject({ outcome: 'applied', row: { status: 'failed', settled: false }, startsFallback: true, optOut: false });
    expect(failed.error).toMatchObject({ code: expect.any(String), category: expect.any(String) });
    const optedOut = update({ status: 'failed', error: { code: 'recipient_suppressed', message: 'opted out', category: 'recipient', retryable: false, action: 'stop' } });
    expect(decideTransition(message(), optedOut, facts())).toMatchObject({ optOut: true, startsFallback: true });
    expect(decideTransition(message({ status: 'delivered' }), optedOut, facts())).toMatchObject({ outcome: 'recorded', optOut: true, startsFallback: false, row: null });
  });

  it('asks for a lookup only where the rule needs one', () => {
    expect(factsNeeded(message(), update())).toEqual({ replacedSend: false, sentRecorded: false, earlierChannelStep: false });
    expect(factsNeeded(message({ retries: 1, providerMessageId: 'wamid.NEW' }), update({ status: 'sent' }))).toEqual({ replacedSend: true, sentRecorded: true, earlierChannelStep: false });
    expect(factsNeeded(message({ channel: 'sms', retries: 1 }), update())).toEqual({ replacedSend: false, sentRecorded: false, earlierChannelStep: true });
  });
});
