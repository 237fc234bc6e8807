/**
 * The visual watermark's user id rule (manual, Troubleshooting): only the first 12 characters of
 * the user id are shown, so the most unique part should come first.
 */

export const WATERMARK_USER_ID_CHARS = 12;

/** The part of `userId` the visual watermark shows: its first 12 characters (not UTF-16 units). */
export function watermarkUserId(userId: string): string {
  return [...userId].slice(0, WATERMARK_USER_ID_CHARS).join('');
}

/** A warning for an administrator when `userId` will not show whole in the watermark; else undefined. */
export function watermarkNotice(userId: string): string | undefined {
  const chars = [...userId].length;
  if (chars <= WATERMARK_USER_ID_CHARS) return undefined;
  return (
    `user id ${JSON.stringify(userId)} has ${chars} characters: the visual watermark shows only the first ` +
    `${WATERMARK_USER_ID_CHARS}, ${JSON.stringify(watermarkUserId(userId))}; put the most unique part first`
  );
}
