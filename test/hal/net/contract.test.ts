import t from 'tap';
import { netContract } from './suite.js';
import { emulatedHarness } from './emulated-harness.js';
import { netnsHarness, netnsUnavailable } from './netns.js';

netContract(t, 'emulated net', emulatedHarness);

const why = netnsUnavailable();
if (why) t.test('linux net: net contract', { skip: why }, () => {});
else netContract(t, 'linux net (network namespaces)', netnsHarness);
