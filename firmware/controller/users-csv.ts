/**
 * The manual's users CSV ("Import users"): UTF-8, comma separated, a header row
 * `#ID,Name,Policy,Email,RFID number`, one camera user per row. Parsed into the user directory
 * the self-assign desk looks tags up in. Every bad row is named with its line and field.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../hal/errors.js';

export const MAX_USER_ID_CHARS = 30;
export const MAX_USER_NAME_CHARS = 60;
/** A tag number as readers type it: digits and hex letters. */
export const MAX_RFID_CHARS = 32;
/** More than this many users in one file is refused (a system has at most a few thousand). */
export const MAX_USERS = 20_000;

export interface DirectoryUser {
  id: string;
  name: string;
  /** The camera profile's name ("Policy" column); absent when empty. */
  policy?: string;
  email?: string;
  /** The self-assign tag's number, normalized (see normalizeTag); absent when none. */
  rfid?: string;
}

export class UsersCsvError extends Error {
  readonly code = 'EUSERS_CSV';
  constructor(readonly problems: string[], source: string) {
    super(`${source}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'UsersCsvError';
  }
}

/**
 * The form tags are compared in: upper case, leading zeros dropped (readers and exports differ
 * in both). Hex and decimal forms of one tag are not equated: register the form your reader types.
 */
export function normalizeTag(tag: string): string {
  const t = tag.trim().toUpperCase().replace(/^0+(?=.)/, '');
  return t;
}

/** Users by id and by tag. */
export class UserDirectory {
  readonly #byId = new Map<string, DirectoryUser>();
  readonly #byTag = new Map<string, DirectoryUser>();

  constructor(users: readonly DirectoryUser[] = []) {
    for (const u of users) {
      if (this.#byId.has(u.id)) throw new RangeError(`user directory: user id ${JSON.stringify(u.id)} appears twice; expected unique ids`);
      this.#byId.set(u.id, u);
      if (u.rfid !== undefined) {
        const tag = normalizeTag(u.rfid);
        const other = this.#byTag.get(tag);
        if (other) throw new RangeError(`user directory: RFID ${tag} is registered to both ${other.id} and ${u.id}; expected one user per tag`);
        this.#byTag.set(tag, u);
      }
    }
  }

  get size(): number { return this.#byId.size; }
  users(): DirectoryUser[] { return [...this.#byId.values()]; }
  byId(id: string): DirectoryUser | undefined { return this.#byId.get(id); }
  /** The user whose self-assign tag this is, if it is registered. */
  byTag(tag: string): DirectoryUser | undefined { return this.#byTag.get(normalizeTag(tag)); }
}

const HEADER = ['#ID', 'Name', 'Policy', 'Email', 'RFID number'] as const;

/** Split CSV text into rows of fields (RFC 4180 quoting), each with its 1-based starting line. */
function rows(text: string, problems: string[]): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endRow = () => { fields.push(field); out.push({ line: rowLine, fields }); fields = []; field = ''; };
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false; i++; continue;
      }
      if (c === '\n') line++;
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { fields.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') { i++; continue; }
    if (c === '\n' || c === '\r') { endRow(); line++; rowLine = line; i++; continue; }
    field += c; i++;
  }
  if (quoted) problems.push(`line ${rowLine}: a quoted field is not closed; expected a closing "`);
  if (field !== '' || fields.length > 0) endRow();
  return out;
}

/**
 * Parse a users CSV. Throws UsersCsvError naming every bad row (line and field), duplicate ids
 * and duplicate RFID numbers (both lines), a wrong header, and text that is not UTF-8.
 */
export function parseUsersCsv(input: string | Uint8Array, source = 'users CSV'): UserDirectory {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new UsersCsvError(['not UTF-8 text; expected a CSV UTF-8 (Comma delimited) file'], source);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const problems: string[] = [];
  const all = rows(text, problems);
  const header = all.shift();
  if (!header) throw new UsersCsvError([`empty; expected a header row ${HEADER.join(',')} and one row per user`], source);
  HEADER.forEach((name, i) => {
    const got = (header.fields[i] ?? '').trim();
    if (!got.toLowerCase().startsWith(name.toLowerCase())) problems.push(`line ${header.line}: column ${i + 1} of the header is ${JSON.stringify(got)}; expected ${JSON.stringify(name)} (header ${HEADER.join(',')})`);
  });
  if (problems.length > 0) throw new UsersCsvError(problems, source);
  const users: DirectoryUser[] = [];
  const idLine = new Map<string, number>();
  const tagLine = new Map<string, number>();
  for (const { line, fields } of all) {
    if (fields.every((f) => f.trim() === '')) continue; // empty rows, as spreadsheets save them
    if (users.length >= MAX_USERS) { problems.push(`line ${line}: more than ${MAX_USERS} users; expected at most ${MAX_USERS}`); break; }
    const before = problems.length;
    const bad = (field: string, what: string) => problems.push(`line ${line}: ${field}: ${what}`);
    fields.slice(HEADER.length).forEach((f, i) => { if (f.trim() !== '') bad(`column ${HEADER.length + 1 + i}`, `unexpected value ${JSON.stringify(f.slice(0, 40))}; expected at most ${HEADER.length} columns`); });
    const [rawId = '', rawName = '', rawPolicy = '', rawEmail = '', rawRfid = ''] = fields;
    const id = rawId.trim();
    const name = rawName.trim();
    const policy = rawPolicy.trim();
    const email = rawEmail.trim();
    const rfid = rawRfid.trim();
    if (id === '') bad('#ID', 'missing; expected the user id (required)');
    else if ([...id].length > MAX_USER_ID_CHARS) bad('#ID', `${[...id].length} characters; expected at most ${MAX_USER_ID_CHARS}`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(id)) bad('#ID', 'contains control characters; expected printable text');
    if (name === '') bad('Name', 'missing; expected the user\'s name (required)');
    else if ([...name].length > MAX_USER_NAME_CHARS) bad('Name', `${[...name].length} characters; expected at most ${MAX_USER_NAME_CHARS}`);
    // eslint-disable-next-line no-control-regex
    else if (/[\u0000-\u001f\u007f]/.test(name)) bad('Name', 'contains control characters; expected printable text');
    if (email !== '' && !/^[^\s@]+@[^\s@]+$/.test(email)) bad('Email', `${JSON.stringify(email.slice(0, 40))} is not an email address; expected name@domain or empty`);
    if (rfid !== '' && (!/^[0-9A-Fa-f]+$/.test(rfid) || rfid.length > MAX_RFID_CHARS)) bad('RFID number', `${JSON.stringify(rfid.slice(0, 40))}; expected 1-${MAX_RFID_CHARS} digits or hex letters A-F, or empty`);
    if (problems.length > before) continue;
    const seenAt = idLine.get(id);
    if (seenAt !== undefined) { bad('#ID', `${JSON.stringify(id)} is already on line ${seenAt}; expected each user once`); continue; }
    const tag = rfid !== '' ? normalizeTag(rfid) : undefined;
    const tagAt = tag !== undefined ? tagLine.get(tag) : undefined;
    if (tagAt !== undefined) { bad('RFID number', `${tag} is already registered on line ${tagAt}; expected one user per tag`); continue; }
    idLine.set(id, line);
    if (tag !== undefined) tagLine.set(tag, line);
    users.push({ id, name, ...(policy ? { policy } : {}), ...(email ? { email } : {}), ...(tag !== undefined ? { rfid: tag } : {}) });
  }
  if (problems.length > 0) throw new UsersCsvError(problems, source);
  return new UserDirectory(users);
}

/** Read a users CSV for the CLI; every problem becomes one ConfigError (exit 2). */
export async function readUsersCsv(path: string): Promise<UserDirectory> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new ConfigError(`users CSV ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected the manual's users CSV (#ID, Name, Policy, Email, RFID number)`);
  }
  try {
    return parseUsersCsv(bytes, path);
  } catch (e) {
    if (e instanceof UsersCsvError) throw new ConfigError(e.message);
    throw e;
  }
}
