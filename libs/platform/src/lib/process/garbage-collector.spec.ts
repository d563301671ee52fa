import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GARBAGE_COLLECTOR_FLAGS } from './garbage-collector';

/**
 * A plain child Node process, given the flags as tuneGarbageCollector applies them or not,
 * allocating objects that all survive (what pretenuring feeds on), with V8's pretenuring
 * decisions traced: each line ending in "=> tenure" is a site moved to the old generation.
 */
async function tenuredSites(tuned: boolean): Promise<number> {
  const script = `
    ${tuned ? `require('node:v8').setFlagsFromString(${JSON.stringify(GARBAGE_COLLECTOR_FLAGS)});` : ''}
    const kept = [];
    const make = (i) => ({ i, pair: [i, i + 1] });
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 200000; i++) kept.push(make(i));
      if (kept.length > 1000000) kept.length = 0;
    }`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--trace-pretenuring-statistics', '-e', script], { maxBuffer: 64 * 1024 * 1024 });
  return stdout.split('\n').filter((line) => line.endsWith('=> tenure')).length;
}

describe('GARBAGE_COLLECTOR_FLAGS', () => {
  it('stops V8 from tenuring allocation sites whose objects survive', async () => {
    expect(await tenuredSites(false)).toBeGreaterThan(0);
    expect(await tenuredSites(true)).toBe(0);
  }, 60_000);
});
