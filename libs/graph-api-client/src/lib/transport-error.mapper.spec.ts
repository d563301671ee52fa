import { errors } from 'undici';
import { GraphCallCancelled } from './graph-call.handler';
import { toTransportFailure } from './transport-error.mapper';

const withCode = (code: string): Error => Object.assign(new Error('x'), { code });

describe('toTransportFailure', () => {
  it('names who cancelled the call', () => {
    expect(toTransportFailure(new GraphCallCancelled('deadline'))).toMatchObject({ reason: 'timeout' });
    expect(toTransportFailure(new GraphCallCancelled('caller'))).toMatchObject({ reason: 'aborted' });
    expect(toTransportFailure(new GraphCallCancelled('too_large'))).toMatchObject({ reason: 'invalid_response' });
  });

  it.each([
    ['ECONNREFUSED', 'connection_refused'],
    ['ECONNRESET', 'connection_reset'],
    ['EPIPE', 'connection_reset'],
    ['ENOTFOUND', 'dns_failure'],
    ['EAI_AGAIN', 'dns_failure'],
    ['ETIMEDOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['EPROTO', 'socket_error'],
  ])('%s -> %s', (code, reason) => {
    expect(toTransportFailure(withCode(code))).toEqual({ type: 'transport', reason, detail: code });
  });

  it('maps undici errors by their code', () => {
    expect(toTransportFailure(new errors.SocketError('other side closed')).reason).toBe('connection_reset');
    expect(toTransportFailure(new errors.HeadersTimeoutError()).reason).toBe('timeout');
  });

  it('finds codes in causes and aggregate errors', () => {
    expect(toTransportFailure(new AggregateError([withCode('ECONNREFUSED')])).reason).toBe('connection_refused');
    expect(toTransportFailure(new Error('wrap', { cause: withCode('ENOTFOUND') })).reason).toBe('dns_failure');
  });

  it('falls back to socket_error and never copies messages', () => {
    const failure = toTransportFailure(new Error('GET https://x/?access_token=secret failed'));
    expect(failure).toEqual({ type: 'transport', reason: 'socket_error' });
  });
});
