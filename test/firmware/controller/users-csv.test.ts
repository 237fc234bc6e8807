/** The manual's users CSV: its example, quoting, every bad row named by line and field, duplicates, fuzz. */
import t from 'tap';
import { MAX_USER_ID_CHARS, MAX_USER_NAME_CHARS, UserDirectory, UsersCsvError, normalizeTag, parseUsersCsv } from '../../../firmware/controller/users-csv.js';

const HEADER = '#ID (required)(max 30 characters),Name (required)(max 60 characters),Policy,Email,RFID number,';
const problemsOf = (text: string | Uint8Array): string[] => {
  try { parseUsersCsv(text, 'users.csv'); } catch (e) { if (e instanceof UsersCsvError) return e.problems; throw e; }
  throw new Error('expected a UsersCsvError');
};

t.test('the manual\'s example (with a BOM, CRLF and the empty rows a spreadsheet saves)', async (t) => {
  const text = `\uFEFF${HEADER}\r\n123,Officer_James,Default,,1D1AC750,\r\n567,Officer Paul,Default,,FDA3C650,\r\n987,Officer Smith,Default,,3DFDC650,\r\n,,,,,\r\n,,,,,\r\n`;
  const d = parseUsersCsv(new TextEncoder().encode(text));
  t.equal(d.size, 3);
  t.same(d.byId('567'), { id: '567', name: 'Officer Paul', policy: 'Default', rfid: 'FDA3C650' });
  t.equal(d.byTag('fda3c650')?.id, '567', 'tags match in any case');
  t.equal(d.byTag('001D1AC750')?.id, '123', 'and with leading zeros');
  t.equal(d.byTag('1D1AC751'), undefined);
});

t.test('plain header, quoted fields with commas and quotes, no RFID, an email', async (t) => {
  const d = parseUsersCsv('#ID,Name,Policy,Email,RFID number\n"a-1","Smith, ""Jo""",,jo@example.org,\n');
  t.same(d.users(), [{ id: 'a-1', name: 'Smith, "Jo"', email: 'jo@example.org' }]);
});

t.test('every bad row is named with its line and field', async (t) => {
  const p = problemsOf([
    HEADER,
    ',NoId,,,', // 2
    `${'x'.repeat(MAX_USER_ID_CHARS + 1)},Long,,,`, // 3
    `ok1,${'n'.repeat(MAX_USER_NAME_CHARS + 1)},,,`, // 4
    'ok2,,,,', // 5
    'ok3,Name,,not-an-email,', // 6
    'ok4,Name,,,12G4', // 7
    'ok5,Name,,,ABCD,extra', // 8
    'ok6,Name,,,ABCD', // 9
    'ok6,Again,,,', // 10
    'ok7,Name,,,00abcd', // 11
  ].join('\n'));
  t.same(p, [
    'line 2: #ID: missing; expected the user id (required)',
    `line 3: #ID: ${MAX_USER_ID_CHARS + 1} characters; expected at most ${MAX_USER_ID_CHARS}`,
    `line 4: Name: ${MAX_USER_NAME_CHARS + 1} characters; expected at most ${MAX_USER_NAME_CHARS}`,
    'line 5: Name: missing; expected the user\'s name (required)',
    'line 6: Email: "not-an-email" is not an email address; expected name@domain or empty',
    'line 7: RFID number: "12G4"; expected 1-32 digits or hex letters A-F, or empty',
    'line 8: column 6: unexpected value "extra"; expected at most 5 columns',
    'line 10: #ID: "ok6" is already on line 9; expected each user once',
    'line 11: RFID number: ABCD is already registered on line 9; expected one user per tag',
  ]);
  t.equal(parseUsersCsv(`${HEADER}\n${'x'.repeat(MAX_USER_ID_CHARS)},${'n'.repeat(MAX_USER_NAME_CHARS)},,,`).size, 1, 'the maximum lengths are taken');
});

t.test('header, encoding and quoting problems', async (t) => {
  t.match(problemsOf('ID,Name,Policy,Email,RFID\n1,a,,,')[0], /line 1: column 1 of the header is "ID"; expected "#ID"/);
  t.match(problemsOf('#ID,Name,Policy,Email\n1,a,,,')[0], /column 5 of the header is ""; expected "RFID number"/);
  t.match(problemsOf(''), [/empty; expected a header row/]);
  t.same(problemsOf(Uint8Array.from([0x23, 0x49, 0x44, 0xff, 0xfe])), ['not UTF-8 text; expected a CSV UTF-8 (Comma delimited) file']);
  t.match(problemsOf(`${HEADER}\n1,"open,,,`)[0], /line 2: a quoted field is not closed/);
  t.match(new UsersCsvError(['a'], 'f.csv').message, /^f\.csv: 1 problem:\n {2}- a$/);
});

t.test('the directory refuses duplicates given directly', async (t) => {
  t.throws(() => new UserDirectory([{ id: 'a', name: 'A' }, { id: 'a', name: 'B' }]), /appears twice/);
  t.throws(() => new UserDirectory([{ id: 'a', name: 'A', rfid: '0AB' }, { id: 'b', name: 'B', rfid: 'ab' }]), /RFID AB is registered to both a and b/);
  t.equal(normalizeTag(' 000 '), '0');
});

t.test('fuzz: random text is a directory or a UsersCsvError, nothing else', async (t) => {
  let seed = 99;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
  const alphabet = ['a', 'B', '1', 'F', ',', ',', '"', '\n', '\r', ' ', '@', 'é', '\u0000', '#ID', 'Name', 'Policy', 'Email', 'RFID number'];
  let parsed = 0;
  for (let i = 0; i < 2000; i++) {
    const withHeader = rnd(2) === 0;
    let text = withHeader ? `${HEADER}\n` : '';
    const n = rnd(200);
    for (let k = 0; k < n; k++) text += alphabet[rnd(alphabet.length)];
    try {
      const d = parseUsersCsv(rnd(4) === 0 ? Uint8Array.from(Buffer.from(text, 'latin1')) : text);
      parsed++;
      for (const u of d.users()) if (u.id === '' || u.name === '' || [...u.id].length > MAX_USER_ID_CHARS) t.fail(`bad user taken: ${JSON.stringify(u)}`);
    } catch (e) {
      if (!(e instanceof UsersCsvError)) t.fail(`threw ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  t.ok(parsed > 0, `some inputs parsed (${parsed})`);
});
