import t from 'tap';
import {
  canonicalIPv6, checkEndpoint, isInterfaceName, isLinkLocal, isLinkLocalMulticast, linkLocalFromMac, parseIPv6,
} from '../../../hal/net/address.js';
import { formatEndpoint } from '../../../hal/net/contract.js';

t.test('canonical RFC 5952 text', async (t) => {
  const cases: [string, string | undefined][] = [
    ['FE80:0000:0000:0000:6C09:C6FF:FE55:C22C', 'fe80::6c09:c6ff:fe55:c22c'],
    ['fe80::1%port1', 'fe80::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
    ['ff02::1:b0c', 'ff02::1:b0c'],
    ['1::2::3', undefined],
    ['fe80::12345', undefined],
    ['1:2:3:4:5:6:7', undefined],
    ['port1', undefined],
  ];
  for (const [text, want] of cases) t.equal(canonicalIPv6(text), want, text);
  t.same(parseIPv6('::1'), [0, 0, 0, 0, 0, 0, 0, 1]);
});

t.test('link-local, multicast scope, EUI-64', async (t) => {
  t.ok(isLinkLocal('fe80::1') && isLinkLocal('febf::1'));
  t.notOk(isLinkLocal('fec0::1'));
  t.ok(isLinkLocalMulticast('ff02::1') && isLinkLocalMulticast('ff12::1:b0c'));
  t.notOk(isLinkLocalMulticast('ff05::1') || isLinkLocalMulticast('fe80::1'));
  t.equal(linkLocalFromMac('02:00:00:00:00:01'), 'fe80::ff:fe00:1');
  t.equal(linkLocalFromMac('5e:b8:10:b6:95:56'), 'fe80::5cb8:10ff:feb6:9556', 'as Linux derived it for a veth');
  t.throws(() => linkLocalFromMac('5e:b8:10'), /six hex octets/);
});

t.test('endpoints and interface names', async (t) => {
  t.equal(formatEndpoint({ address: 'fe80::1', port: 4000, scope: 'port1' }), '[fe80::1%port1]:4000');
  t.doesNotThrow(() => checkEndpoint({ address: 'fe80::1', port: 1, scope: 'dock0' }, 'x'));
  t.throws(() => checkEndpoint({ address: 'fe80::1', port: 1, scope: '' }, 'connect'), /connect: scope must be an interface name/);
  t.throws(() => checkEndpoint(undefined, 'connect'), TypeError);
  t.ok(isInterfaceName('port1') && isInterfaceName('usb0'));
  t.notOk(isInterfaceName('a/b') || isInterfaceName('x'.repeat(16)) || isInterfaceName('..'));
});
