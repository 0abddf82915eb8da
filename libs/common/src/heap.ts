import { setFlagsFromString } from 'node:v8';

/**
 * Lets the JS heap grow by `percent` past what the last full collection kept before the next
 * full collection starts (V8's `--heap-growing-percent`, read by V8 each time it sets the next
 * limit, so setting it at boot takes effect from the first collection on). 0 leaves V8's choice.
 *
 * Why: under load V8 picks a factor near its minimum (1.1) for the API's ~95 MB heap, so a
 * mark-compact ran every ~400 ms, each stopping the event loop for 10–35 ms; at 50 concurrent
 * searches that pause was most of the p99. With 100 (the heap may double) the same 20,000-request
 * phase of `npm run bench:search` saw 4 instead of 18–25 of them and p99 fell from 75–92 ms to
 * 61–70 ms. The flag is process-wide: the search thread's heap grows the same way.
 */
export function tuneHeapGrowth(percent: number): void {
  if (Number.isInteger(percent) && percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
