/**
 * How a camera shows the holster pairing flow (manual, "Unholster detection" step 9): W102 and
 * W120 light their holster sensor icon white, then green or red; other models pulse the Wi-Fi
 * connectivity LED yellow, then light it green or red.
 */
import type { ModelName } from '../profile/models.js';

export type PairingStep = 'pairing-started' | 'pairing-succeeded' | 'pairing-failed';

export interface PairingIndication {
  step: PairingStep;
  /** Which indicator: the display's holster sensor icon, or the Wi-Fi connectivity LED. */
  on: 'holster-icon' | 'wireless-led';
  color: 'white' | 'yellow' | 'green' | 'red';
  /** Pulsing (the LED while pairing) or steady. */
  pulse: boolean;
  /** The serial of the sensor being paired. */
  serial: string;
}

const ICON_MODELS: ReadonlySet<ModelName> = new Set(['W102', 'W120']);

export function pairingIndication(model: ModelName, step: PairingStep, serial: string): PairingIndication {
  const on = ICON_MODELS.has(model) ? 'holster-icon' : 'wireless-led';
  if (step === 'pairing-started') return { step, on, color: on === 'holster-icon' ? 'white' : 'yellow', pulse: on === 'wireless-led', serial };
  return { step, on, color: step === 'pairing-succeeded' ? 'green' : 'red', pulse: false, serial };
}
