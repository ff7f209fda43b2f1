/**
 * Which image references in a span may be shown as pictures. Only raster images embedded in
 * the trace as base64 `data:` URLs go into <img src>; anything else (SVG, http(s),
 * `caribou-image://`, non-base64 data URLs) is shown as text and never requested.
 */

const SAFE_IMAGE_DATA_URL = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$/i;

/** A raster image data URL that is safe to put in <img src> (whitespace removed); null for anything else. */
export function selectSafeImageDataUrl(url: string): string | null {
  return SAFE_IMAGE_DATA_URL.test(url) ? url.replace(/\s+/g, '') : null;
}

/** Characters of an image reference shown in its placeholder. */
export const MAX_IMAGE_REFERENCE_CHARS = 200;

/** An image reference cut for display in a placeholder (a data: URL can be megabytes). */
export function formatImageReference(url: string): string {
  return url.length > MAX_IMAGE_REFERENCE_CHARS ? `${url.slice(0, MAX_IMAGE_REFERENCE_CHARS)}…` : url;
}
