/** The connection file: a good one parses with defaults; every bad field is named with what was expected. */
import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { parseConnectionFile, ConnectionFileError, CONNECTION_FILE_MAX_BYTES, connectionFileText, unknownConnectionFields } from '../../../../firmware/controller/destination/connection-file.js';
import { ConfigError } from '../../../../hal/errors.js';
import { makePki } from './tls.js';

const pki = makePki();
const good = {
  ConnectionFileVersion: '1.0', SiteName: 'Station 4', ApplicationName: 'Evidence store', ApplicationVersion: '2.1.0',
  AuthenticationTokenURI: ['https://cd.example/auth/v1.0', 'https://cd2.example/auth/v1.0'],
  HTTPSCertificate: [pki.caPem],
  BlobAPIUserName: 'scu', BlobAPIKey: 'k3y', ContainerType: 'mp4', FullStoreAndReadSupport: true, WantEncryption: true,
  PublicKey: Buffer.from(pki.rsaPublicPem).toString('base64'), PublicKeyId: 'key-2026',
};

function problems(doc: unknown): string[] {
  try {
    parseConnectionFile(typeof doc === 'string' ? doc : JSON.stringify(doc));
  } catch (e) {
    if (e instanceof ConnectionFileError) return e.problems;
    throw e;
  }
  return [];
}

t.test('a full file parses, PEM normalised', async (t) => {
  const f = parseConnectionFile(JSON.stringify(good));
  t.equal(f.siteName, 'Station 4');
  t.same(f.authenticationTokenUris, ['https://cd.example/auth/v1.0', 'https://cd2.example/auth/v1.0']);
  t.equal(f.httpsCertificates.length, 1);
  t.match(f.httpsCertificates[0], /^-----BEGIN CERTIFICATE-----/);
  t.equal(f.containerType, 'mp4');
  t.equal(f.fullStoreAndReadSupport, true);
  t.equal(f.wantEncryption, true);
  t.match(f.publicKey, /^-----BEGIN PUBLIC KEY-----/, 'base64 PEM accepted');
  t.equal(f.publicKeyId, 'key-2026');
});

t.test('optional fields default as the integration API says; base64 DER certificates accepted', async (t) => {
  const der = pki.caPem.replace(/-----[^-]+-----|\s/g, '');
  const f = parseConnectionFile(JSON.stringify({ ...good, HTTPSCertificate: [der], ContainerType: undefined, FullStoreAndReadSupport: undefined, WantEncryption: undefined, PublicKey: undefined, PublicKeyId: undefined }));
  t.equal(f.containerType, 'mkv');
  t.equal(f.fullStoreAndReadSupport, false);
  t.equal(f.wantEncryption, false);
  t.equal(f.publicKey, undefined);
  t.match(f.httpsCertificates[0], /^-----BEGIN CERTIFICATE-----/);
  const plain = parseConnectionFile(connectionFileText({ authUri: 'http://127.0.0.1:8080/auth/v1.0', user: 'a', key: 'b' }));
  t.same(plain.httpsCertificates, [], 'no certificate: plain HTTP');
});

const cases: { name: string; change: Record<string, unknown>; field: string; expected: RegExp }[] = [
  { name: 'missing version', change: { ConnectionFileVersion: undefined }, field: 'ConnectionFileVersion', expected: /expected a string/ },
  { name: 'version 2', change: { ConnectionFileVersion: '2.0' }, field: 'ConnectionFileVersion', expected: /expected a version 1\.x/ },
  { name: 'missing site', change: { SiteName: undefined }, field: 'SiteName', expected: /1-64 characters, got nothing/ },
  { name: 'site too long', change: { SiteName: 'x'.repeat(65) }, field: 'SiteName', expected: /1-64 characters/ },
  { name: 'application name a number', change: { ApplicationName: 7 }, field: 'ApplicationName', expected: /1-256 characters, got 7/ },
  { name: 'missing application version', change: { ApplicationVersion: undefined }, field: 'ApplicationVersion', expected: /1-64/ },
  { name: 'NTP flag a string', change: { ContentDestinationAsNTPServer: 'yes' }, field: 'ContentDestinationAsNTPServer', expected: /true or false/ },
  { name: 'missing auth URIs', change: { AuthenticationTokenURI: undefined }, field: 'AuthenticationTokenURI', expected: /array of 1-10 auth URLs/ },
  { name: 'empty auth URIs', change: { AuthenticationTokenURI: [] }, field: 'AuthenticationTokenURI', expected: /array of 1-10/ },
  { name: 'auth URI not a URL', change: { AuthenticationTokenURI: ['https://ok.example/auth/v1.0', 'not a url'] }, field: 'AuthenticationTokenURI[1]', expected: /http\(s\) URL/ },
  { name: 'http URI with certificates', change: { AuthenticationTokenURI: ['http://cd.example/auth/v1.0'] }, field: 'AuthenticationTokenURI[0]', expected: /expected an https: URL because HTTPSCertificate is set/ },
  { name: 'https URI without certificates', change: { HTTPSCertificate: undefined }, field: 'AuthenticationTokenURI[0]', expected: /expected an http: URL because HTTPSCertificate is empty/ },
  { name: 'certificate garbage', change: { HTTPSCertificate: [pki.caPem, 'garbage!'] }, field: 'HTTPSCertificate[1]', expected: /X\.509 certificate/ },
  { name: 'certificates not an array', change: { HTTPSCertificate: pki.caPem }, field: 'HTTPSCertificate', expected: /array of 0-10/ },
  { name: 'missing user', change: { BlobAPIUserName: undefined }, field: 'BlobAPIUserName', expected: /1-64/ },
  { name: 'empty key', change: { BlobAPIKey: '' }, field: 'BlobAPIKey', expected: /1-64 characters, got ""/ },
  { name: 'container type avi', change: { ContainerType: 'avi' }, field: 'ContainerType', expected: /"mkv" or "mp4", got "avi"/ },
  { name: 'full support a string', change: { FullStoreAndReadSupport: 'true' }, field: 'FullStoreAndReadSupport', expected: /true or false/ },
  { name: 'encryption a number', change: { WantEncryption: 1 }, field: 'WantEncryption', expected: /true or false/ },
  { name: 'encryption without a key', change: { PublicKey: undefined }, field: 'PublicKey', expected: /RSA public key .*required because WantEncryption is true/ },
  { name: 'encryption with a non-RSA key', change: { PublicKey: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString() }, field: 'PublicKey', expected: /RSA public key/ },
  { name: 'encryption without a key id', change: { PublicKeyId: undefined }, field: 'PublicKeyId', expected: /1-128 characters \(required because WantEncryption is true\)/ },
];

for (const c of cases) {
  t.test(`${c.name}: names ${c.field}`, async (t) => {
    const p = problems({ ...good, ...c.change });
    const line = p.find((l) => l.startsWith(`${c.field}:`));
    t.ok(line, `a problem names ${c.field}: ${JSON.stringify(p)}`);
    t.match(line, c.expected);
  });
}

t.test('every problem is listed at once, and the error is a ConfigError', async (t) => {
  let err: unknown;
  try { parseConnectionFile(JSON.stringify({ ...good, SiteName: undefined, BlobAPIKey: undefined, ContainerType: 'avi' })); } catch (e) { err = e; }
  t.ok(err instanceof ConfigError);
  t.same((err as ConnectionFileError).problems.map((l) => l.split(':')[0]), ['SiteName', 'BlobAPIKey', 'ContainerType']);
  t.match((err as Error).message, /^connection file is not valid: SiteName: .*; BlobAPIKey: .*; ContainerType: /);
});

t.test('not JSON, not an object, too large', async (t) => {
  t.match(problems('{ nope'), [/^file: expected JSON/]);
  t.match(problems('[1,2]'), [/^file: expected a JSON object/]);
  t.match(problems(JSON.stringify({ ...good, SiteName: 'x'.repeat(CONNECTION_FILE_MAX_BYTES) })), [/^file: expected at most 65536 bytes, got \d+/]);
});

t.test('unknown fields are reported, not refused', async (t) => {
  const text = JSON.stringify({ ...good, FutureThing: 1 });
  t.same(unknownConnectionFields(text), ['FutureThing']);
  t.equal(parseConnectionFile(text).siteName, 'Station 4');
});
