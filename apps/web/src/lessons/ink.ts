import {
  REALTIME_LIMITS,
  surfaceKey,
  type LessonState,
  type LessonStroke,
  type LessonSurface,
  type StrokeSegment,
  type StrokeTool,
} from '@tongke/contracts';
import { shortId } from './ids';

/** Stroke widths are in thousandths of the surface width, so ink scales with the screen. */
export const WIDTH_UNIT = 1000;

export interface InkStyle {
  tool: StrokeTool;
  color: string;
  width: number;
}

export const PEN_COLORS = ['#d62728', '#1f4e9c', '#1b2430', '#1f7a3f'] as const;
export const HIGHLIGHTER_COLOR = '#ffd400';
export const TOOL_WIDTH: Record<StrokeTool, number> = { pen: 3, highlighter: 16, eraser: 28 };

/** What is shown: an attached material's page (annotations) or the whiteboard of that page number. */
export function currentSurface(state: Pick<LessonState, 'material' | 'page'>): LessonSurface {
  return state.material
    ? { layer: 'annotation', material: state.material, page: state.page }
    : { layer: 'whiteboard', page: state.page };
}

/** Marks on a surface a viewer counts: pen and highlighter strokes (eraser strokes remove ink). */
export function inkCount(strokes: readonly Pick<LessonStroke, 'tool'>[] | undefined): number {
  return (strokes ?? []).filter((s) => s.tool !== 'eraser').length;
}

export interface DrawableStroke extends InkStyle {
  points: readonly number[];
}

/** Draws strokes (normalised 0..1 points) onto a canvas of css size w×h. */
export function drawStrokes(
  ctx: CanvasRenderingContext2D,
  strokes: Iterable<DrawableStroke>,
  w: number,
  h: number,
  from = 0,
): void {
  for (const s of strokes) drawStroke(ctx, s, w, h, from);
}

function drawStroke(ctx: CanvasRenderingContext2D, s: DrawableStroke, w: number, h: number, from = 0): void {
  const p = s.points;
  const start = Math.max(0, Math.min(from, p.length - 2));
  if (p.length < 2) return;
  ctx.save();
  ctx.globalCompositeOperation = s.tool === 'eraser' ? 'destination-out' : 'source-over';
  ctx.globalAlpha = s.tool === 'highlighter' ? 0.38 : 1;
  const lw = Math.max(1, (s.width * w) / WIDTH_UNIT);
  ctx.strokeStyle = s.color;
  ctx.fillStyle = s.color;
  ctx.lineWidth = lw;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  if (p.length - start === 2) {
    ctx.beginPath();
    ctx.arc(p[start] * w, p[start + 1] * h, lw / 2, 0, Math.PI * 2);
    ctx.fill();
    ctx.restore();
    return;
  }
  ctx.beginPath();
  ctx.moveTo(p[start] * w, p[start + 1] * h);
  // Quadratic curves through midpoints: smooth lines from sparse points.
  for (let i = start + 2; i < p.length - 2; i += 2) {
    const mx = ((p[i] + p[i + 2]) / 2) * w;
    const my = ((p[i + 1] + p[i + 3]) / 2) * h;
    ctx.quadraticCurveTo(p[i] * w, p[i + 1] * h, mx, my);
  }
  ctx.lineTo(p[p.length - 2] * w, p[p.length - 1] * h);
  ctx.stroke();
  ctx.restore();
}

interface LocalStroke extends InkStyle {
  id: string;
  surface: LessonSurface;
  key: string;
  points: number[];
  /** Points (numbers, not pairs) already handed to the sender. */
  sent: number;
  done: boolean;
  doneSent: boolean;
}

/** Four decimals are ~0.1 px on a 1366 px screen: enough, and short on the wire. */
const q = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 10_000) / 10_000;
/** Points closer than this to the previous one are dropped (fewer bytes on weak links). */
const MIN_STEP = 0.0025;
/** A few batches per second, well under the server's 30. */
export const BATCH_INTERVAL_MS = 250;

/**
 * Collects the points of strokes being drawn and sends them in batches of stroke segments: at
 * most one batch in flight (the session queues commands in order, so segments of a stroke are
 * appended in order), the next one a quarter of a second later with everything drawn meanwhile.
 * Local strokes are drawn at once and dropped when the lesson's state holds all their points.
 */
export class StrokeBatcher {
  private strokes: LocalStroke[] = [];
  private current: LocalStroke | null = null;
  private inFlight = false;
  private timer: number | undefined;
  private lastSent = 0;

  constructor(
    private readonly send: (surface: LessonSurface, segments: StrokeSegment[]) => Promise<unknown>,
    private readonly onError: (e: unknown) => void,
    private readonly onChange: () => void,
  ) {}

  begin(surface: LessonSurface, style: InkStyle, x: number, y: number): void {
    this.end();
    const s: LocalStroke = {
      ...style,
      id: shortId(),
      surface,
      key: surfaceKey(surface),
      points: [q(x), q(y)],
      sent: 0,
      done: false,
      doneSent: false,
    };
    this.strokes.push(s);
    this.current = s;
    this.schedule();
    this.onChange();
  }

  move(x: number, y: number): void {
    const s = this.current;
    if (!s) return;
    const px = s.points[s.points.length - 2];
    const py = s.points[s.points.length - 1];
    if (Math.abs(x - px) < MIN_STEP && Math.abs(y - py) < MIN_STEP) return;
    if (s.points.length / 2 >= REALTIME_LIMITS.maxPointsPerStroke - 1) return;
    s.points.push(q(x), q(y));
    this.schedule();
    this.onChange();
  }

  end(): void {
    const s = this.current;
    if (!s) return;
    s.done = true;
    this.current = null;
    this.schedule(true);
    this.onChange();
  }

  get drawing(): boolean {
    return this.current !== null;
  }

  /** Local strokes of a surface still to be confirmed, each with how many numbers the state already holds. */
  pending(
    key: string,
    confirmed: readonly LessonStroke[] | undefined,
  ): { stroke: DrawableStroke; from: number }[] {
    const out: { stroke: DrawableStroke; from: number }[] = [];
    const byId = new Map((confirmed ?? []).map((s) => [s.id, s]));
    this.strokes = this.strokes.filter((s) => {
      const c = byId.get(s.id);
      if (c && c.done && s.done && c.points.length >= s.points.length) return false;
      if (s.key === key) out.push({ stroke: s, from: c ? Math.max(0, c.points.length - 2) : 0 });
      return true;
    });
    return out;
  }

  dispose(): void {
    window.clearTimeout(this.timer);
    this.strokes = [];
    this.current = null;
  }

  private schedule(soon = false): void {
    if (this.inFlight || this.timer !== undefined) return;
    const wait = soon ? 0 : Math.max(0, BATCH_INTERVAL_MS - (Date.now() - this.lastSent));
    this.timer = window.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    if (this.inFlight) return;
    const first = this.strokes.find((s) => s.points.length > s.sent || (s.done && !s.doneSent));
    if (!first) return;
    const surface = first.surface;
    const segments: StrokeSegment[] = [];
    const marks: { s: LocalStroke; sent: number; done: boolean }[] = [];
    let budget = REALTIME_LIMITS.maxPointsPerBatch * 2;
    for (const s of this.strokes) {
      if (s.key !== first.key || segments.length >= REALTIME_LIMITS.maxSegmentsPerBatch) continue;
      if (!(s.points.length > s.sent || (s.done && !s.doneSent))) continue;
      // A segment needs at least one point; a finished stroke with nothing new repeats its last point.
      const from = s.points.length > s.sent ? s.sent : s.points.length - 2;
      const take = Math.min(s.points.length - from, budget);
      if (take < 2) break;
      const to = from + take;
      const done = s.done && to === s.points.length;
      segments.push({
        strokeId: s.id,
        tool: s.tool,
        color: s.color,
        width: s.width,
        points: s.points.slice(from, to),
        done,
      });
      marks.push({ s, sent: to, done });
      budget -= take;
    }
    if (segments.length === 0) return;
    for (const m of marks) {
      m.s.sent = m.sent;
      if (m.done) m.s.doneSent = true;
    }
    this.inFlight = true;
    this.lastSent = Date.now();
    this.send(surface, segments).then(
      () => {
        this.inFlight = false;
        this.schedule();
      },
      (e: unknown) => {
        this.inFlight = false;
        // Refused (not live, pen taken back…): those strokes will never appear; drop them.
        const ids = new Set(segments.map((x) => x.strokeId));
        this.strokes = this.strokes.filter((s) => !ids.has(s.id));
        if (this.current && ids.has(this.current.id)) this.current = null;
        this.onError(e);
        this.onChange();
        this.schedule();
      },
    );
  }
}
