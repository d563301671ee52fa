import { demoSeed } from '../seed/demo-seed';
import { PHONE, USER, startSimulator, type TestSimulator } from '../testing/sim-test.helpers';

describe('Meta limits over HTTP', () => {
  let t: TestSimulator;
  let clock = 1_800_000_000_000;

  beforeAll(async () => {
    const seed = demoSeed();
    seed.phoneNumbers = (seed.phoneNumbers ?? []).map((phone) => (phone.id === PHONE ? { ...phone, mps: 5 } : phone));
    t = await startSimulator({ seed, now: () => clock, simulation: { pairRate: { burst: 3, refillIntervalMs: 6000 } } });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(() => t.sim.reset());

  const template = (to: string) => ({ to, type: 'template', template: { name: 'hello_world', language: { code: 'en_US' } } });

  it('answers 130429 (HTTP 400) once the number exceeds its mps within one second', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const answer = await t.send(template(`1555124000${i}`));
      codes.push(answer.status === 200 ? 200 : (answer.body as { error: { code: number } }).error.code);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 130429, 130429]);
    const refused = await t.send(template('15551249999'));
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 130429, message: '(#130429) Rate limit hit' } });
    clock += 1000;
    expect((await t.send(template('15551249999'))).status).toBe(200);
  });

  it('judges and logs a call by when it arrived, not by when the simulator got to it', async () => {
    const arrived = clock;
    for (let i = 0; i < 5; i += 1) expect((await t.send(template(`1555126000${i}`))).status).toBe(200);
    clock += 999;
    // The sixth arrives 999 ms after the first five; the simulator gets to it only after the clock passed their second.
    t.sim.injectFault({ kind: 'latency', latencyMs: 200 });
    const late = t.send(template('15551260009'));
    while (t.sim.requests({ route: 'messages' }).length < 6) await new Promise((resolve) => setTimeout(resolve, 5));
    clock += 1;
    expect(((await late).body as { error: { code: number } }).error.code).toBe(130429);
    expect(t.sim.requests({ route: 'messages' }).map((request) => Date.parse(request.at) - arrived)).toEqual([0, 0, 0, 0, 0, 999]);
  });

  it('answers 131056 when one recipient gets more than the pair-rate bucket allows, other recipients unaffected', async () => {
    t.sim.configure({ pairRate: { burst: 3, refillIntervalMs: 6000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      clock += 250; // stay under the 5 mps throughput limit
      const answer = await t.send(template(USER));
      statuses.push(answer.status === 200 ? 200 : (answer.body as { error: { code: number } }).error.code);
    }
    expect(statuses).toEqual([200, 200, 200, 131056]);
    expect((await t.send(template('15551230002'))).status).toBe(200);
    clock += 6000;
    expect((await t.send(template(USER))).status).toBe(200);
  });

  it('raises a number to 1,000 mps when its throughput becomes HIGH', async () => {
    await t.sim.updatePhoneNumber(PHONE, { throughputLevel: 'HIGH' });
    for (let i = 0; i < 20; i += 1) expect((await t.send(template(`155512500${String(i).padStart(2, '0')}`))).status).toBe(200);
  });
});
