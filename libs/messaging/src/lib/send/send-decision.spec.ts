import { classify, classifyMetaCode, SwitchboardError } from '@switchboard/error-taxonomy';
import { decideAfterFailure, outcomeUnknown, withJitter } from './send-decision';

const metaError = (code: number) => SwitchboardError.fromClassification(classifyMetaCode(code));
const transportError = (reason: 'timeout' | 'connection_refused' | 'connection_reset', detail?: string) =>
  SwitchboardError.fromClassification(classify({ type: 'transport', reason }), { metadata: detail ? { transportDetail: detail } : {} });
const noJitter = { random: () => 0.5 };

describe('decideAfterFailure', () => {
  it.each([0, 3, 10, 190, 200, 299, 131005])('pauses the account on Meta credential code %i', (code) => {
    expect(decideAfterFailure(metaError(code), 1)).toEqual({ kind: 'pause_account' });
  });

  it('does not pause on codes that are no credential problem', () => {
    for (const code of [1, 4, 100, 131000, 131026]) expect(decideAfterFailure(metaError(code), 1).kind).not.toBe('pause_account');
  });

  it('fails a permanent error at once', () => {
    expect(decideAfterFailure(metaError(132001), 1)).toEqual({ kind: 'failed' });
    expect(decideAfterFailure(metaError(131026), 1)).toEqual({ kind: 'failed' });
  });

  it('retries a platform outage with backoff, trips the circuit, and gives up as dead', () => {
    expect(decideAfterFailure(metaError(133004), 1, noJitter)).toEqual({ kind: 'retry', delayMs: 2000, countsAttempt: true, tripsCircuit: true });
    expect(decideAfterFailure(metaError(133004), 2, noJitter)).toEqual({ kind: 'retry', delayMs: 4000, countsAttempt: true, tripsCircuit: true });
    expect(decideAfterFailure(metaError(133004), 5, noJitter)).toEqual({ kind: 'dead' });
  });

  it('delays throttling without spending the budget', () => {
    const decision = decideAfterFailure(metaError(130429), 50, noJitter);
    expect(decision).toEqual({ kind: 'retry', delayMs: 500, countsAttempt: false, tripsCircuit: false });
  });

  it('waits 4^X s per recipient on the pair rate', () => {
    expect(decideAfterFailure(metaError(131056), 2, noJitter)).toMatchObject({ kind: 'retry', delayMs: 4000 });
  });

  it('reconciles a timeout instead of resending, until the attempts are spent', () => {
    const timeout = transportError('timeout', 'UND_ERR_HEADERS_TIMEOUT');
    expect(decideAfterFailure(timeout, 1)).toEqual({ kind: 'reconcile', tripsCircuit: true });
    expect(decideAfterFailure(timeout, 5)).toEqual({ kind: 'dead' });
  });

  it('retries a refused connection at once with backoff: the request never left', () => {
    expect(decideAfterFailure(transportError('connection_refused', 'ECONNREFUSED'), 1, noJitter)).toMatchObject({ kind: 'retry', tripsCircuit: true });
  });
});

describe('outcomeUnknown', () => {
  it('is true when no Graph answer came back after the request could have left', () => {
    expect(outcomeUnknown(transportError('timeout'))).toBe(true);
    expect(outcomeUnknown(transportError('connection_reset', 'ECONNRESET'))).toBe(true);
  });

  it('is false when the request never left or Meta answered with an error', () => {
    expect(outcomeUnknown(transportError('connection_refused', 'ECONNREFUSED'))).toBe(false);
    expect(outcomeUnknown(metaError(131000))).toBe(false);
  });
});

describe('helpers', () => {
  it('withJitter stays within ±20 %', () => {
    expect(withJitter(1000, () => 0)).toBe(800);
    expect(withJitter(1000, () => 1)).toBe(1200);
  });
});
