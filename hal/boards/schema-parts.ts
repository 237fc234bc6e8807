/** Config settings that several boards share, so each is described once. */
import type { Schema } from './config.js';

export const identitySchema = (target: 'camera' | 'controller'): Schema => ({
  serial: { type: 'string', required: true, pattern: /^[A-Za-z0-9-]{1,32}$/, doc: `the ${target}'s serial number (letters, digits, '-')` },
  model: { type: 'string', default: target === 'camera' ? 'W100' : 'W800', doc: 'product model' },
  // A camera learns its system when adopted (stored with its certificate), never from config.
  ...(target === 'controller'
    ? { systemId: { type: 'string', required: true, pattern: /^[A-Za-z0-9-]{1,64}$/, doc: 'this body-worn system\'s id; the system CA is made for it at first start' } as const }
    : {}),
});
