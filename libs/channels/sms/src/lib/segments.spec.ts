import { countSegments } from './segments';

describe('countSegments', () => {
  it.each([
    [160, 1],
    [161, 2],
    [306, 2],
    [307, 3],
  ])('GSM-7: %i characters are %i segment(s)', (length, segments) => {
    expect(countSegments('a'.repeat(length))).toEqual({ encoding: 'GSM-7', segments, units: length });
  });

  it('counts each GSM-7 extension character twice', () => {
    for (const c of '^{}\\[~]|€') expect(countSegments(`x${c}`)).toMatchObject({ encoding: 'GSM-7', units: 3 });
    expect(countSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', segments: 1, units: 160 });
    expect(countSegments('€'.repeat(81))).toEqual({ encoding: 'GSM-7', segments: 2, units: 162 });
  });

  it('never splits an escape pair across parts', () => {
    // 152 septets, then an extension character: it does not fit the first part's last septet.
    expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toEqual({ encoding: 'GSM-7', segments: 3, units: 306 });
  });

  it.each([
    [70, 1],
    [71, 2],
    [134, 2],
    [135, 3],
  ])('UCS-2: %i characters are %i segment(s)', (length, segments) => {
    expect(countSegments(`ж${'a'.repeat(length - 1)}`)).toEqual({ encoding: 'UCS-2', segments, units: length });
  });

  it('makes the whole text UCS-2 for one character outside GSM-7, counting UTF-16 code units', () => {
    expect(countSegments('Hello 😀')).toEqual({ encoding: 'UCS-2', segments: 1, units: 8 });
    expect(countSegments('Straße é à')).toMatchObject({ encoding: 'GSM-7' });
    expect(countSegments('ç')).toMatchObject({ encoding: 'UCS-2' });
  });

  it('sends a 2-segment UCS-2 text as 2 segments, not splitting a surrogate pair', () => {
    expect(countSegments('😀'.repeat(40))).toEqual({ encoding: 'UCS-2', segments: 2, units: 80 });
    // 66 units then an emoji (2 units): the pair moves whole to the second part.
    expect(countSegments(`${'ж'.repeat(66)}😀${'ж'.repeat(66)}`)).toEqual({ encoding: 'UCS-2', segments: 3, units: 134 });
  });

  it('counts an empty text as no segment', () => {
    expect(countSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, units: 0 });
  });
});
