/** Firmware version reported in hello messages, container metadata and --version. */
export const FIRMWARE_VERSION = '0.1.0';
