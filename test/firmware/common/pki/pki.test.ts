/** System CA, camera certificates and their verdicts on the device clock. */
import t from 'tap';
import { X509Certificate } from 'node:crypto';
import { generateDeviceKey, type KeyPair } from '../../../../firmware/common/pki/keys.js';
import { createSystemCa, issueDeviceCertificate, CAMERA_CERT_LIFETIME_MS, BACKDATE_MS, type SystemCa } from '../../../../firmware/common/pki/system-ca.js';
import { certificateStatus, ABOUT_TO_EXPIRE_MS } from '../../../../firmware/common/pki/certificate-status.js';
import { Random } from '../../../../hal/world/random.js';

const now = Date.UTC(2026, 10, 23, 8, 0);
let ca: SystemCa, other: SystemCa, cam: KeyPair;
t.before(async () => {
  const [k1, k2, k3] = await Promise.all([generateDeviceKey(), generateDeviceKey(), generateDeviceKey()]);
  ca = createSystemCa('site-a', k1, now);
  other = createSystemCa('site-b', k2, now);
  cam = k3;
});

t.test('a camera certificate from this system is valid for 8 weeks, about to expire in its last week', async (t) => {
  const issued = issueDeviceCertificate(ca, { serial: 'W100-0042', publicKeyPem: cam.publicKeyPem }, now);
  t.equal(issued.notAfter - now, CAMERA_CERT_LIFETIME_MS);
  const x = new X509Certificate(issued.certPem);
  t.ok(x.verify(new X509Certificate(ca.certPem).publicKey), 'signed by the system CA');
  t.match(certificateStatus(issued.certPem, ca.certPem, now), { kind: 'valid', serial: 'W100-0042', systemId: 'site-a' });
  t.match(certificateStatus(issued.certPem, ca.certPem, issued.notAfter - ABOUT_TO_EXPIRE_MS + 1000), { kind: 'about-to-expire' });
  t.match(certificateStatus(issued.certPem, ca.certPem, issued.notAfter), { kind: 'expired', reason: /expired 2027-01-18/ });
  t.match(certificateStatus(issued.certPem, ca.certPem, now - BACKDATE_MS - 60_000), { kind: 'not-yet-valid', reason: /check the system time/ });
});

t.test('a certificate from another system is an unknown camera, naming its issuer', async (t) => {
  const foreign = issueDeviceCertificate(other, { serial: 'W100-0099', publicKeyPem: cam.publicKeyPem }, now);
  t.match(certificateStatus(foreign.certPem, ca.certPem, now), { kind: 'unknown-system', serial: 'W100-0099', systemId: 'site-b', reason: /issued by "CN=bwc system site-b CA.*not by this system's CA/ });
  t.match(certificateStatus(ca.certPem, ca.certPem, now), { kind: 'unknown-system', reason: /CA certificate is not a device certificate/ });
});

t.test('bad input to the issuer is refused naming the field', async (t) => {
  t.throws(() => issueDeviceCertificate(ca, { serial: 'bad serial', publicKeyPem: cam.publicKeyPem }, now), /device serial must be 1-32 letters, digits or '-', got "bad serial"/);
  t.throws(() => issueDeviceCertificate(ca, { serial: 'W100-1', publicKeyPem: 'nonsense' }, now), /device W100-1: public key is not an RSA public key in PEM form/);
  t.throws(() => createSystemCa('', cam, now), /system id must be 1-64/);
});

t.test('malformed and mutated certificate bytes give a malformed verdict, never a throw', async (t) => {
  const der = new X509Certificate(issueDeviceCertificate(ca, { serial: 'W100-7', publicKeyPem: cam.publicKeyPem }, now).certPem).raw;
  const rnd = new Random(0xce7);
  const kinds = new Map<string, number>();
  for (let i = 0; i < 2000; i++) {
    let input: Uint8Array;
    if (i % 4 === 0) input = Uint8Array.from({ length: rnd.int(0, 600) }, () => rnd.int(0, 255));
    else {
      input = new Uint8Array(der);
      for (let k = rnd.int(1, 4); k > 0; k--) { const at = rnd.int(0, input.length - 1); input[at] = input[at]! ^ (1 << rnd.int(0, 7)); }
      if (i % 4 === 3) input = input.subarray(0, rnd.int(0, input.length));
    }
    const v = certificateStatus(input, ca.certPem, now);
    kinds.set(v.kind, (kinds.get(v.kind) ?? 0) + 1);
  }
  t.notOk(kinds.has('valid') && (kinds.get('valid') ?? 0) > 200, `mutations almost never stay valid: ${JSON.stringify([...kinds])}`);
  t.ok(kinds.get('malformed')! > 500, 'most are malformed');
  t.match(certificateStatus('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', ca.certPem, now), { kind: 'malformed', reason: /not an X\.509 certificate/ });
});
