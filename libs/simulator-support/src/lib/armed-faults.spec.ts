import { ArmedFaults } from './armed-faults';
import { BoundedLog } from './bounded-log';

interface Spec {
  count: number;
  to?: string;
}

describe('ArmedFaults', () => {
  const faults = () => new ArmedFaults<Spec, { to: string }>('f', (spec) => ({ count: 1, ...(spec as Partial<Spec>) }), (fault, target) => fault.to === undefined || fault.to === target.to);

  it('applies the first matching fault for its count, then forgets it', () => {
    const armed = faults();
    const any = armed.add({ count: 2 });
    expect(any).toMatchObject({ id: 'f-1', remaining: 2, createdAt: expect.any(String) });
    expect(armed.take({ to: 'a' })?.remaining).toBe(1);
    expect(armed.take({ to: 'b' })?.remaining).toBe(0);
    expect(armed.take({ to: 'a' })).toBeUndefined();
  });

  it('skips faults that do not match, and removes or clears on demand', () => {
    const armed = faults();
    const forB = armed.add({ to: 'b' });
    armed.add({ to: 'c' });
    expect(armed.take({ to: 'a' })).toBeUndefined();
    expect(armed.take({ to: 'c' })?.id).toBe('f-2');
    expect(armed.remove(forB.id)).toBe(true);
    expect(armed.remove(forB.id)).toBe(false);
    armed.add({});
    armed.clear();
    expect(armed.list()).toEqual([]);
  });
});

describe('BoundedLog', () => {
  it('keeps only the newest entries, and none with a limit of 0', () => {
    const log = new BoundedLog<number>(3);
    for (let n = 1; n <= 10; n += 1) log.add(n);
    expect(log.list()).toEqual([8, 9, 10]);
    const off = new BoundedLog<number>(0);
    off.add(1);
    expect(off.list()).toEqual([]);
  });
});
