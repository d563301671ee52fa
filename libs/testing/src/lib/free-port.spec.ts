import { freePort } from './free-port';

describe('freePort', () => {
  it('never picks a port fetch refuses to connect to (10080)', async () => {
    // Only 10079 and 10080 pass `accept` and the bound: 10080 is a Fetch "bad port".
    for (let run = 0; run < 20; run += 1) expect(await freePort(async (port) => port >= 10_079, 10_081)).toBe(10_079);
  });
});
