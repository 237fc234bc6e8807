/** The rig camera process's console protocol: the rig writes `status`, the camera answers one `status {json}` line. */

/** What the console answers to `status`. */
export interface ConsoleStatus {
  /** The camera machine's state kind, or `no-video` when the camera could not open its video. */
  state: string;
  /** The docked phase (charging, charged, ...) when docked. */
  phase?: string;
  docked: boolean;
  /** Alert kinds played since boot, oldest first. */
  alerts: string[];
  /** Bookmarks made since boot. */
  bookmarks: number;
}

export const STATUS_PREFIX = 'status ';
