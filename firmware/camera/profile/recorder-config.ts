/**
 * The recorder's share of a camera profile: prebuffer, postbuffer, always record and the
 * recording button gesture, as firmware/camera/recorder's RecorderConfig.
 */
import type { RecorderConfig } from '../recorder/recorder-machine.js';
import type { CameraProfile } from './profile.js';

/**
 * The RecorderConfig a (checked) profile asks for. Standby mode keeps no prebuffer, so it maps to
 * prebufferMs 0 even if a prebuffer were set (checkProfile rejects that combination anyway).
 */
export function recorderConfigOf(profile: CameraProfile): RecorderConfig {
  const prebufferOn = profile.prebuffer.enabled && !profile.standbyMode;
  return {
    prebufferMs: prebufferOn ? profile.prebuffer.lengthS * 1000 : 0,
    postbufferMs: profile.postbuffer.enabled ? profile.postbuffer.lengthS * 1000 : 0,
    alwaysRecord: profile.activation.alwaysRecord,
    activation: profile.activation.recordingButton,
  };
}
