/**
 * One recording uploaded to a real OpenStack Swift with tempauth and read back, when one is named
 * by BWC_SWIFT_AUTH_URL, BWC_SWIFT_USER, BWC_SWIFT_KEY (tools/destination/swift-saio.sh starts one).
 */
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { generateSystemKeyPair } from '../../../../firmware/common/evidence/index.js';
import { SwiftClient } from '../../../../firmware/controller/destination/swift-client.js';
import { connectionFileText, parseConnectionFile } from '../../../../firmware/controller/destination/connection-file.js';
import { uploadRecording } from '../../../../firmware/controller/upload/index.js';
import { buffered, fastClock, haveFfmpeg, probeClip, readBody, recordingMeta, writeRecording } from './helpers.js';

const authUri = process.env.BWC_SWIFT_AUTH_URL;
const user = process.env.BWC_SWIFT_USER;
const key = process.env.BWC_SWIFT_KEY;

if (!authUri || !user || !key) {
  t.test('upload to a real OpenStack Swift', { skip: 'set BWC_SWIFT_AUTH_URL, BWC_SWIFT_USER, BWC_SWIFT_KEY to run against a real Swift (tools/destination/swift-saio.sh starts one)' }, () => {});
} else {
  t.test('a recording uploaded to a real Swift and read back', async (t) => {
    const system = await generateSystemKeyPair();
    const connection = parseConnectionFile(connectionFileText({ authUri, user, key, fullStoreAndReadSupport: true }));
    const clock = fastClock();
    const client = new SwiftClient({ connection, clock });
    t.teardown(() => client.close());
    const { reader } = await writeRecording(system, { loops: 2, meta: recordingMeta({ userId: `u-${randomBytes(4).toString('hex')}` }) });
    const rec = buffered(reader);
    const result = await uploadRecording(client, rec, { systemKeys: system, controllerSerial: 'SCU-1', destination: connection, clock });
    t.equal(result.clipObjects.length, 2);
    const head = await client.headContainer(result.container);
    t.equal(head?.metadata.status, 'Complete');
    t.equal(head?.metadata.recordingid, rec.idHex);
    t.equal(head?.objectCount, 2);
    for (const object of result.clipObjects) {
      const got = await client.getObject(result.container, object);
      const bytes = await readBody(got.body);
      t.equal(got.metadata.containertype, 'mkv');
      if (haveFfmpeg) t.equal((await probeClip(bytes)).errors, '', `${object} read back from Swift decodes`);
    }
    t.equal((await uploadRecording(client, rec, { systemKeys: system, controllerSerial: 'SCU-1', destination: connection, clock })).alreadyComplete, true, 'a second run converges');
  });
}
