/** Config settings that several boards share, so each is described once. */
import type { Schema } from './config.js';

export const identitySchema = (target: 'camera' | 'controller'): Schema => ({
  serial: { type: 'string', required: true, pattern: /^[A-Za-z0-9-]{1,32}$/, doc: `the ${target}'s serial number (letters, digits, '-')` },
  model: { type: 'string', default: target === 'camera' ? 'W100' : 'W800', doc: 'product model' },
  systemId: { type: 'string', default: '', pattern: /^[A-Za-z0-9-]{0,64}$/, doc: target === 'camera' ? 'the system this camera was adopted into; empty while unadopted' : 'this body-worn system\'s id' },
});
