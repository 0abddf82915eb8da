import type { ReactNode } from 'react';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const decode = (s: string): string => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/**
 * A search snippet: the API escapes everything except the <mark>…</mark> around matched words.
 * Rather than trusting that with innerHTML, the snippet is split at the mark tags and rebuilt as
 * React text and <mark> nodes (entities decoded to plain text, which React escapes again).
 */
export function Highlighted({ html, fallback }: { html: string | undefined; fallback?: string }) {
  if (html === undefined) return <>{fallback ?? ''}</>;
  const nodes: ReactNode[] = [];
  let marked = false;
  html.split(/(<mark>|<\/mark>)/).forEach((part, i) => {
    if (part === '<mark>') marked = true;
    else if (part === '</mark>') marked = false;
    else if (part) nodes.push(marked ? <mark key={i}>{decode(part)}</mark> : decode(part));
  });
  return <>{nodes}</>;
}
