/** Camera ids: the accepted form and generated ones. */

/** Accepted camera ids: 1-64 characters of A-Z, a-z, 0-9, `_` and `-`, case-sensitive. */
export const CAMERA_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz";

/** A fresh camera id: `cam_` and 8 lowercase base36 characters from a CSPRNG (41 bits). */
export function generateCameraId(): string {
  let id = "cam_";
  while (id.length < 12) {
    for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
      // 252 = 7 * 36: rejecting the top 4 byte values keeps every character equally likely.
      if (byte < 252 && id.length < 12) id += BASE36[byte % 36];
    }
  }
  return id;
}
