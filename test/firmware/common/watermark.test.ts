import t from 'tap';
import { WATERMARK_USER_ID_CHARS, watermarkUserId, watermarkNotice } from '../../../firmware/common/watermark.js';

t.test('the watermark shows the first 12 characters of the user id', async (t) => {
  t.equal(WATERMARK_USER_ID_CHARS, 12);
  const cases: [string, string][] = [
    ['', ''],
    ['A1', 'A1'],
    ['123456789012', '123456789012'],
    ['1234567890123', '123456789012'],
    ['officer-0042-north-district', 'officer-0042'],
    ['ÅÄÖåäö😀😀😀😀😀😀😀', 'ÅÄÖåäö😀😀😀😀😀😀'],
  ];
  for (const [id, shown] of cases) t.equal(watermarkUserId(id), shown, JSON.stringify(id));
});

t.test('a notice only when the id is longer than 12 characters', async (t) => {
  t.equal(watermarkNotice('123456789012'), undefined, '12 characters: whole');
  t.equal(watermarkNotice('😀'.repeat(12)), undefined, '12 emoji are 12 characters, not 24');
  t.equal(
    watermarkNotice('1234567890123'),
    'user id "1234567890123" has 13 characters: the visual watermark shows only the first 12, "123456789012"; put the most unique part first',
  );
});
