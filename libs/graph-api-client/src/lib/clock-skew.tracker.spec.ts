import { ClockSkewTracker } from './clock-skew.tracker';

describe('ClockSkewTracker', () => {
  it('is 0 before any sample', () => {
    expect(new ClockSkewTracker().skewMs()).toBe(0);
  });

  it('estimates Graph ahead of us from the Date header', () => {
    const t = new ClockSkewTracker();
    const local = Date.parse('2026-09-11T10:00:00.000Z');
    // Graph says 10:00:30 while our round trip was centred on 10:00:00.1.
    t.record('Fri, 11 Sep 2026 10:00:30 GMT', local, local + 200);
    expect(t.skewMs()).toBe(30_000 + 500 - 100);
  });

  it('takes the median, skips repeated and unreadable headers', () => {
    const t = new ClockSkewTracker(5);
    const base = Date.parse('2026-09-11T10:00:00.000Z');
    t.record('Fri, 11 Sep 2026 09:59:50 GMT', base, base); // -9.5 s
    t.record('Fri, 11 Sep 2026 09:59:50 GMT', base, base); // repeat: skipped
    t.record('garbage', base, base);
    t.record('Fri, 11 Sep 2026 09:59:51 GMT', base + 1000, base + 1000); // -9.5 s
    t.record('Fri, 11 Sep 2026 10:10:00 GMT', base, base); // outlier
    expect(t.sampleCount()).toBe(3);
    expect(t.skewMs()).toBe(-9_500);
  });
});
