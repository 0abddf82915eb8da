import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { surfaceKey, type LessonStroke, type LessonSurface, type PointerMoved } from '@tongke/contracts';
import { drawStrokes, inkCount, type InkStyle, type StrokeBatcher } from './ink';

/** How long a laser pointer stays visible after its last move. */
const POINTER_TTL_MS = 2500;
const POINTER_INTERVAL_MS = 120;

export type SurfaceMode = { kind: 'view' } | { kind: 'draw'; style: InkStyle } | { kind: 'point' };

/**
 * The shared page: its content underneath, the lesson's ink on a canvas above, remote laser
 * pointers on top. Draws when `mode` says so (through the batcher); a screen reader hears the
 * page and how many marks it carries.
 */
export function InkSurface({
  surface,
  strokes,
  version,
  mode = { kind: 'view' },
  batcher,
  localVersion = 0,
  onPointer,
  pointers,
  label,
  children,
  testId = 'lesson-surface',
}: {
  surface: LessonSurface;
  /** The state's strokes of this surface (folded in place: `version` says when they changed). */
  strokes: readonly LessonStroke[] | undefined;
  version: number;
  mode?: SurfaceMode;
  batcher?: StrokeBatcher | null;
  /** Bumped by the batcher whenever local (unconfirmed) ink changes. */
  localVersion?: number;
  onPointer?: (x: number, y: number) => void;
  pointers?: readonly (PointerMoved & { receivedAt: number })[];
  label: string;
  children?: ReactNode;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const lastPointer = useRef(0);
  const key = surfaceKey(surface);
  const count = inkCount(strokes);

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    if (!c || size.w === 0) return;
    const frame = requestAnimationFrame(() => {
      const dpr = Math.min(window.devicePixelRatio || 1, 2);
      const pw = Math.round(size.w * dpr);
      const ph = Math.round(size.h * dpr);
      if (c.width !== pw || c.height !== ph) {
        c.width = pw;
        c.height = ph;
      }
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.w, size.h);
      drawStrokes(ctx, strokes ?? [], size.w, size.h);
      for (const p of batcher?.pending(key, strokes) ?? []) {
        drawStrokes(ctx, [p.stroke], size.w, size.h, p.from);
      }
    });
    return () => cancelAnimationFrame(frame);
  }, [strokes, version, size, key, batcher, localVersion]);

  const at = (e: React.PointerEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    return [(e.clientX - r.left) / r.width, (e.clientY - r.top) / r.height];
  };

  const drawing = mode.kind === 'draw' && !!batcher;
  const live = (pointers ?? []).filter((p) => surfaceKey(p.surface) === key);

  return (
    <div
      className={`ink-surface${drawing ? ' ink-drawing' : ''}${mode.kind === 'point' ? ' ink-pointing' : ''}`}
      data-testid={testId}
      data-page={surface.page}
      data-stroke-count={count}
    >
      <div className="ink-ratio" ref={box}>
        <div className="ink-page">{children}</div>
        <canvas
          ref={canvas}
          className="ink-canvas"
          role="img"
          aria-label={label}
          onPointerDown={(e) => {
            if (!drawing || mode.kind !== 'draw') return;
            if (e.button !== 0 && e.pointerType === 'mouse') return;
            e.currentTarget.setPointerCapture(e.pointerId);
            const [x, y] = at(e);
            batcher.begin(surface, mode.style, x, y);
          }}
          onPointerMove={(e) => {
            if (drawing && batcher.drawing) {
              const native = e.nativeEvent as PointerEvent & { getCoalescedEvents?: () => PointerEvent[] };
              const r = e.currentTarget.getBoundingClientRect();
              const events = native.getCoalescedEvents?.() ?? [native];
              for (const ev of events.length ? events : [native]) {
                batcher.move((ev.clientX - r.left) / r.width, (ev.clientY - r.top) / r.height);
              }
              return;
            }
            if (mode.kind === 'point' && onPointer) {
              const now = Date.now();
              if (now - lastPointer.current < POINTER_INTERVAL_MS) return;
              lastPointer.current = now;
              const [x, y] = at(e);
              onPointer(Math.min(1, Math.max(0, x)), Math.min(1, Math.max(0, y)));
            }
          }}
          onPointerUp={() => batcher?.end()}
          onPointerCancel={() => batcher?.end()}
        />
        <Pointers pointers={live} />
      </div>
    </div>
  );
}

function Pointers({ pointers }: { pointers: readonly (PointerMoved & { receivedAt: number })[] }) {
  const [now, setNow] = useState(() => Date.now());
  const fresh = pointers.filter((p) => now - p.receivedAt < POINTER_TTL_MS);
  const newest = pointers.reduce((m, p) => Math.max(m, p.receivedAt), 0);
  useEffect(() => {
    setNow(Date.now());
    if (!newest) return;
    const t = window.setTimeout(() => setNow(Date.now()), POINTER_TTL_MS + 50);
    return () => window.clearTimeout(t);
  }, [newest]);
  return (
    <>
      {fresh.map((p) => (
        <span
          key={p.peerId}
          className="ink-pointer"
          aria-hidden="true"
          style={{ left: `${p.x * 100}%`, top: `${p.y * 100}%` }}
        />
      ))}
    </>
  );
}
