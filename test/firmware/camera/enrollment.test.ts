/** The camera's side of adoption, message by message. */
import t from 'tap';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { Timeline } from '../../../hal/clock/emulated.js';
import { EmulatedStorage } from '../../../hal/storage/emulated.js';
import { CameraEnrollment, CREDENTIALS_PATH } from '../../../firmware/camera/enrollment.js';
import { SystemAuthority } from '../../../firmware/controller/system-authority.js';
import { generateDeviceKey } from '../../../firmware/common/pki/keys.js';
import { silentLog } from '../../../firmware/common/log.js';
import type { SessionMessage } from '../../../protocols/index.js';

const raw = (pem: string) => new Uint8Array(new X509Certificate(pem).raw);

async function setup() {
  const clock = new Timeline({ epoch: Date.UTC(2026, 10, 23) }).clock();
  const medium = new EmulatedStorage();
  const cam = new CameraEnrollment({ storage: medium.mount(), clock, serial: 'W100-7', log: silentLog });
  await cam.load();
  await cam.ready();
  const authority = await SystemAuthority.open(new EmulatedStorage().mount(), 'site-a', clock.now());
  return { clock, medium, cam, authority };
}

const only = (ms: SessionMessage[] | undefined) => { if (!ms || ms.length !== 1) throw new Error(`expected one answer, got ${JSON.stringify(ms)}`); return ms[0]!; };

t.test('request, key, credentials, accepted; stored atomically', async (t) => {
  const { clock, medium, cam, authority } = await setup();
  const key = only(await cam.answer({ kind: 'enrollmentRequest', systemId: 'site-a' }));
  if (key.kind !== 'enrollmentKey') throw new Error(key.kind);
  const issued = authority.issueCamera('W100-7', key.publicKey, clock.now());
  const res = only(await cam.answer({ kind: 'enrollment', systemId: 'site-a', certificate: raw(issued.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey }));
  t.same(res, { kind: 'enrollmentResult', accepted: true });
  t.equal(cam.systemId, 'site-a');
  t.ok(medium.durableSnapshot().has(CREDENTIALS_PATH), 'durable');
  t.equal(await cam.answer({ kind: 'manifestRequest', afterRecordingId: new Uint8Array(0), maxRecordings: 0 }), undefined, 'other messages are not enrollment\'s');
});

t.test('an adopted camera refuses another system, naming both', async (t) => {
  const { clock, cam, authority } = await setup();
  const key = only(await cam.answer({ kind: 'enrollmentRequest', systemId: 'site-a' })) as Extract<SessionMessage, { kind: 'enrollmentKey' }>;
  const issued = authority.issueCamera('W100-7', key.publicKey, clock.now());
  await cam.answer({ kind: 'enrollment', systemId: 'site-a', certificate: raw(issued.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey });
  t.match(only(await cam.answer({ kind: 'enrollmentRequest', systemId: 'site-b' })), { kind: 'enrollmentResult', accepted: false, error: { code: 'ERROR_CODE_OTHER_SYSTEM', message: /belongs to system site-a; reset it before adding it to site-b/ } });
});

t.test('credentials for another key, or not asked for, are refused', async (t) => {
  const { clock, cam, authority } = await setup();
  const stranger = await generateDeviceKey();
  const spki = new Uint8Array(createPublicKey(stranger.publicKeyPem).export({ type: 'spki', format: 'der' }));
  const wrong = authority.issueCamera('W100-7', spki, clock.now());
  const creds = { kind: 'enrollment' as const, systemId: 'site-a', certificate: raw(wrong.certPem), caCertificate: raw(authority.ca.certPem), evidencePublicKey: authority.evidencePublicKey };
  t.match(only(await cam.answer(creds)), { accepted: false, error: { message: /no enrollment into site-a was asked for/ } });
  await cam.answer({ kind: 'enrollmentRequest', systemId: 'site-a' });
  t.match(only(await cam.answer(creds)), { accepted: false, error: { message: /not for this camera's key/ } });
  t.equal(cam.systemId, '', 'still unadopted');
});

t.test('a damaged credentials file leaves the camera unadopted, with a warning', async (t) => {
  const clock = new Timeline().clock();
  const medium = new EmulatedStorage();
  await medium.mount().writeAtomic(CREDENTIALS_PATH, new TextEncoder().encode('{"systemId":"x"'));
  const warnings: string[] = [];
  const cam = new CameraEnrollment({ storage: medium.mount(), clock, serial: 'W100-8', log: { ...silentLog, warn: (_n, m) => warnings.push(m) } });
  await cam.load();
  t.equal(cam.systemId, '');
  t.match(warnings, [/identity\/credentials\.json is malformed .*unadopted until adopted again/]);
});
