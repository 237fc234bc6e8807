/**
 * The same client against a real OpenStack Swift with tempauth, when one is named by
 * BWC_SWIFT_AUTH_URL, BWC_SWIFT_USER, BWC_SWIFT_KEY (tools/destination/swift-saio.sh starts one).
 */
import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { SystemClock } from '../../../../hal/clock/linux.js';
import { SwiftClient, hasCapability } from '../../../../firmware/controller/destination/swift-client.js';
import { parseConnectionFile, connectionFileText } from '../../../../firmware/controller/destination/connection-file.js';
import { clipObjectName, recordingContainerName, CAPABILITIES_OBJECT } from '../../../../firmware/controller/destination/names.js';
import { DestinationError } from '../../../../firmware/controller/destination/errors.js';

const authUri = process.env.BWC_SWIFT_AUTH_URL;
const user = process.env.BWC_SWIFT_USER;
const key = process.env.BWC_SWIFT_KEY;

if (!authUri || !user || !key) {
  t.test('a real OpenStack Swift', { skip: 'set BWC_SWIFT_AUTH_URL, BWC_SWIFT_USER, BWC_SWIFT_KEY to run against a real Swift (tools/destination/swift-saio.sh starts one)' }, () => {});
} else {
  t.test('a recording uploaded to a real Swift with tempauth', async (t) => {
    const client = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri, user, key, fullStoreAndReadSupport: false })), clock: new SystemClock() });
    t.teardown(() => client.close());
    const session = await client.authenticate();
    t.match(session.storageUrl, /\/v1\/AUTH_/);

    await client.createContainer('System');
    const caps = JSON.stringify({ Store: { StoreBookmarks: true } });
    await client.putObject('System', CAPABILITIES_OBJECT, [Buffer.from(caps)], { contentType: 'application/json' });
    const got = await client.capabilities();
    t.equal(got.source, 'file', 'Swift serves the Etag as the MD5 of the body');
    t.ok(hasCapability(got, 'StoreBookmarks'));

    const t0 = Math.floor(Date.now() / 1000) * 1000;
    const container = recordingContainerName({ userId: `u-${randomBytes(3).toString('hex')}`, bwcSerialNumber: 'W100-1', triggerOnTime: t0 });
    const clip = clipObjectName({ startTime: t0, recordingId: 'r1', containerType: 'mkv' });
    await client.createContainer(container, { Status: 'Transferring' });
    await client.postContainerMetadata(container, { UserID: container.split('_')[0]!, BWCSerialNumber: 'W100-1', TriggerOnTime: t0 / 1000, TriggerOnTimeISO: new Date(t0).toISOString() });
    const chunk = randomBytes(256 * 1024);
    const hash = createHash('md5');
    async function* body() { for (let i = 0; i < 20; i++) { hash.update(chunk); yield chunk; } }
    client.session!.token = 'AUTH_tkstale'; // the next request gets 401 and re-authenticates
    const put = await client.putObject(container, clip, body(), { metadata: { StartTime: t0 / 1000, StopTime: t0 / 1000 + 60, ContainerType: 'mkv' } });
    t.equal(put.etag, hash.digest('hex'));
    const head = await client.headObject(container, clip);
    t.equal(head?.bytes, 20 * chunk.length);
    t.equal(head?.metadata.containertype, 'mkv');
    await client.postContainerMetadata(container, { Status: 'Complete' });
    t.equal((await client.headContainer(container))?.metadata.status, 'Complete');

    const bad = new SwiftClient({ connection: parseConnectionFile(connectionFileText({ authUri, user, key: `${key}x` })), clock: new SystemClock() });
    t.teardown(() => bad.close());
    const e = await bad.authenticate().then(() => undefined, (x: unknown) => x);
    t.ok(e instanceof DestinationError && e.kind === 'unauthorized', 'wrong key is unauthorized');
  });
}
