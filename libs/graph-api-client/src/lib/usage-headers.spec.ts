import { parseUsageHeaders } from './usage-headers';

describe('parseUsageHeaders', () => {
  it('returns undefined when Graph sent neither header', () => {
    expect(parseUsageHeaders(undefined, undefined, 1)).toBeUndefined();
  });

  it('reads X-App-Usage percentages', () => {
    const u = parseUsageHeaders('{"call_count":28,"total_cputime":5,"total_time":7}', undefined, 42);
    expect(u).toEqual({
      observedAt: 42,
      maxPercentage: 28,
      estimatedTimeToRegainAccessMs: 0,
      app: { callCount: 28, totalCputime: 5, totalTime: 7 },
      businessUseCases: [],
    });
  });

  it('reads every business use case and keeps the worst figures', () => {
    const header = JSON.stringify({
      '2000000000000001': [
        { type: 'whatsapp_business_management', call_count: 40, total_cputime: 10, total_time: 12, estimated_time_to_regain_access: 0 },
        { type: 'some_future_type', call_count: 100, total_cputime: 3, total_time: 101, estimated_time_to_regain_access: 7 },
      ],
      '2000000000000002': [{ type: 'x', call_count: 5 }],
    });
    const u = parseUsageHeaders('{"call_count":1}', header, 0);
    expect(u?.maxPercentage).toBe(101);
    expect(u?.estimatedTimeToRegainAccessMs).toBe(7 * 60_000);
    expect(u?.businessUseCases).toHaveLength(3);
    expect(u?.businessUseCases[1]).toEqual({
      businessId: '2000000000000001',
      type: 'some_future_type',
      callCount: 100,
      totalCputime: 3,
      totalTime: 101,
      estimatedTimeToRegainAccessMinutes: 7,
    });
    expect(u?.businessUseCases[2]).toMatchObject({ businessId: '2000000000000002', totalTime: 0 });
  });

  it('ignores malformed headers instead of failing the call', () => {
    expect(parseUsageHeaders('not json', '[1,2]', 0)).toBeUndefined();
    expect(parseUsageHeaders(undefined, '{"a":"b","c":[null,1]}', 0)).toBeUndefined();
  });

  it('takes the first value of a repeated header', () => {
    expect(parseUsageHeaders(['{"call_count":3}', '{"call_count":99}'], undefined, 0)?.maxPercentage).toBe(3);
  });
});
