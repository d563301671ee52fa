import { LatenessSketch } from './lateness-sketch';

describe('LatenessSketch', () => {
  it('answers the whole ms that the quantile of the recorded lateness stays within', () => {
    const sketch = new LatenessSketch(50);
    for (let i = 0; i < 99; i += 1) sketch.record(i % 10);
    sketch.record(40.2);
    expect(sketch.weight).toBe(100);
    expect(sketch.quantile(0.5)).toBe(4);
    expect(sketch.quantile(0.99)).toBe(9);
    expect(sketch.quantile(1)).toBe(41);
  });

  it('counts lateness beyond its range as just beyond it, and never negative', () => {
    const sketch = new LatenessSketch(50);
    sketch.record(-3);
    sketch.record(500);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(1)).toBe(51);
  });

  it('forgets: every half-life the counts so far weigh half, so the quantile follows the current lateness', () => {
    const sketch = new LatenessSketch(50, 100);
    for (let i = 0; i < 100; i += 1) sketch.record(30);
    expect(sketch.quantile(0.5)).toBe(30);
    // 100 at 30 ms now weigh 50; 100 on time outweigh them.
    for (let i = 0; i < 99; i += 1) sketch.record(0);
    expect(sketch.weight).toBe(149);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(0.99)).toBe(30);
  });
});
