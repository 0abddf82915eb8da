import { api } from '../../api/client';

/** Files above this size are saved by the browser's own download manager, not assembled in memory. */
export const LINK_DOWNLOAD_ABOVE_BYTES = 32 * 1024 * 1024;

/** `localStorage['tongke.download.linkAboveBytes']` lowers the threshold (the browser test does). */
export function linkDownloadAbove(): number {
  try {
    const raw = window.localStorage.getItem('tongke.download.linkAboveBytes');
    const set = raw === null || raw === '' ? NaN : Number(raw);
    return Number.isSafeInteger(set) && set >= 0 ? set : LINK_DOWNLOAD_ABOVE_BYTES;
  } catch {
    return LINK_DOWNLOAD_ABOVE_BYTES;
  }
}

/** Whether a file of this size goes through a signed link (streamed to disk, resumable by the browser). */
export const downloadsByLink = (size: number): boolean => size > linkDownloadAbove();

/**
 * Hands the download to the browser: a short-lived signed link (no Authorization header needed)
 * on a plain `<a download>`, so the file streams to disk and the browser's download manager can
 * resume it with Range requests. Nothing of the file is held in the page's memory.
 */
export async function downloadByLink(fileId: string, name: string): Promise<void> {
  const { url } = await api.fileLink(fileId, 'download');
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}
