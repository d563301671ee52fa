import { FROM, USER, startSms, type TestSms } from '../testing/sms-test.helpers';
import { countSegments } from './segments';

describe('countSegments', () => {
  it.each([
    ['empty', '', 'GSM-7', 1],
    ['160 GSM-7 characters', 'a'.repeat(160), 'GSM-7', 1],
    ['161 GSM-7 characters', 'a'.repeat(161), 'GSM-7', 2],
    ['306 GSM-7 characters (2 x 153)', 'a'.repeat(306), 'GSM-7', 2],
    ['307 GSM-7 characters', 'a'.repeat(307), 'GSM-7', 3],
    ['GSM-7 accents and symbols stay GSM-7', 'Café à 5€ @home £ ¿ñ?', 'GSM-7', 1],
    ['80 extension characters (160 septets)', '{'.repeat(80), 'GSM-7', 1],
    ['81 extension characters (162 septets)', '['.repeat(81), 'GSM-7', 2],
    ['an escape pair never straddles two parts', `${'a'.repeat(152)}€${'a'.repeat(10)}`, 'GSM-7', 2],
    ['an escape pair pushed into the next part', `${'a'.repeat(152)}€${'a'.repeat(152)}`, 'GSM-7', 3],
    ['70 UCS-2 characters', 'ж'.repeat(70), 'UCS-2', 1],
    ['71 UCS-2 characters', 'ж'.repeat(71), 'UCS-2', 2],
    ['134 UCS-2 characters (2 x 67)', 'ж'.repeat(134), 'UCS-2', 2],
    ['135 UCS-2 characters', 'ж'.repeat(135), 'UCS-2', 3],
    ['one non-GSM character makes the whole text UCS-2', `${'a'.repeat(69)}ç`, 'UCS-2', 1],
    ['35 emoji are 70 UTF-16 code units', '😀'.repeat(35), 'UCS-2', 1],
    ['36 emoji are 72 UTF-16 code units', '😀'.repeat(36), 'UCS-2', 2],
    ['a surrogate pair never straddles two parts', `${'ж'.repeat(66)}😀${'ж'.repeat(10)}`, 'UCS-2', 2],
  ])('%s', (_label, body, encoding, segments) => {
    expect(countSegments(body)).toEqual({ encoding, segments });
  });
});

describe('num_segments in the API answer', () => {
  let t: TestSms;
  beforeAll(async () => {
    t = await startSms();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is a string, "2" for a two-segment UCS-2 body', async () => {
    const answer = await t.send({ To: USER, From: FROM, Body: 'Привет! '.repeat(10) });
    expect(answer.status).toBe(201);
    expect(answer.body['num_segments']).toBe('2');
  });
});
