/** Test certificates: a CA and a server certificate for 127.0.0.1 / localhost (node-forge). */
import forge from 'node-forge';
import { generateKeyPairSync } from 'node:crypto';

export interface TestPki { caPem: string; serverCertPem: string; serverKeyPem: string; otherCaPem: string; rsaPublicPem: string }

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const priv = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return { pem: priv, pub: publicKey.export({ type: 'spki', format: 'pem' }).toString(), forgePriv: forge.pki.privateKeyFromPem(priv), forgePub: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) };
}

function certificate(subjectCn: string, pub: forge.pki.PublicKey, signer: forge.pki.PrivateKey, issuerCn: string, ca: boolean, serial: string) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = pub;
  cert.serialNumber = serial;
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  cert.setSubject([{ name: 'commonName', value: subjectCn }]);
  cert.setIssuer([{ name: 'commonName', value: issuerCn }]);
  cert.setExtensions(ca
    ? [{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true }]
    : [{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }]);
  cert.sign(signer as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export function makePki(): TestPki {
  const ca = keyPair(), server = keyPair(), other = keyPair();
  return {
    caPem: certificate('Test destination CA', ca.forgePub, ca.forgePriv, 'Test destination CA', true, '01'),
    serverCertPem: certificate('127.0.0.1', server.forgePub, ca.forgePriv, 'Test destination CA', false, '02'),
    serverKeyPem: server.pem,
    otherCaPem: certificate('Another CA', other.forgePub, other.forgePriv, 'Another CA', true, '03'),
    rsaPublicPem: server.pub,
  };
}
