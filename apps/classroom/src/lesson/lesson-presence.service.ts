import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { materialKey, type LessonPeer, type LessonPresence } from '@tongke/contracts';
import { LessonRooms, type LessonSocket, type RemoteLessonSocket } from './lesson-rooms.js';
import { LessonRuntimeRegistry } from './lesson-runtime.registry.js';

/** How often the server measures each classroom connection's round-trip time. */
export const PROBE_INTERVAL_MS = 5000;
/** Each interval is cut into this many slots, each probing its share of the connections. */
const PROBE_SLOTS = 20;
const PROBE_TIMEOUT_MS = 4000;
/**
 * The host is told a connection's round-trip time when it is first measured, when it moved by
 * at least this much (and by a quarter of the last value told) or when the last report is this
 * old: jitter of a few ms is no news to a teacher, and on a busy instance one message per probe
 * to the hosts was a tenth of the classroom service's CPU.
 */
const RTT_REPORT_MIN_CHANGE_MS = 20;
const RTT_REPORT_MIN_CHANGE_RATIO = 0.25;
export const RTT_REPORT_REFRESH_MS = 30_000;

/** Whether a new round-trip time is worth telling the host, given the last one told. */
export function rttWorthReporting(
  rttMs: number,
  last: { rttMs: number; at: number } | null,
  now: number,
): boolean {
  if (!last || now - last.at >= RTT_REPORT_REFRESH_MS) return true;
  const change = Math.abs(rttMs - last.rttMs);
  return change >= RTT_REPORT_MIN_CHANGE_MS && change >= RTT_REPORT_MIN_CHANGE_RATIO * last.rttMs;
}

const peerOf = (s: RemoteLessonSocket): LessonPeer | null => {
  const j = s.data.joined;
  if (!j) return null;
  return {
    peerId: s.id,
    userId: j.userId,
    displayName: j.displayName,
    role: j.role,
    classroomId: j.classroomId,
    rttMs: s.data.rttMs,
  };
};

/**
 * Who is in a lesson, per classroom, and how good each connection is. Presence is read from the
 * sockets themselves (fetchSockets, across instances) whenever someone joins or leaves, and sent
 * to everyone in the lesson; round-trip times come from acked probes and go to the host when
 * they change.
 */
@Injectable()
export class LessonPresenceService implements OnModuleDestroy {
  private readonly logger = new Logger('LessonPresence');
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();
  private probeTimer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly rooms: LessonRooms,
    private readonly runtimes: LessonRuntimeRegistry,
  ) {}

  /** Recomputes and sends presence soon; bursts of joins collapse into one or two computations. */
  changed(lessonId: string): void {
    if (this.closing) return;
    const current = this.running.get(lessonId);
    if (current) {
      current.again = true;
      return;
    }
    const mark = { again: false, done: Promise.resolve() };
    this.running.set(lessonId, mark);
    mark.done = (async () => {
      try {
        do {
          mark.again = false;
          this.rooms.presence(lessonId, await this.compute(lessonId));
        } while (mark.again);
      } catch (err) {
        this.logger.warn({ err, lessonId }, 'presence update failed');
      } finally {
        this.running.delete(lessonId);
      }
    })();
  }

  async compute(lessonId: string): Promise<LessonPresence> {
    const rt = await this.runtimes.get(lessonId);
    // Admissions and prefetch reports may have been appended by another instance.
    await rt.serial(() => this.runtimes.catchUp(rt));
    const sockets = await this.rooms.fetchAll(lessonId);
    const peers = sockets.map(peerOf).filter((p): p is LessonPeer => p !== null);
    const attached = rt.row.attachments.map(materialKey);
    return {
      lessonId,
      host: peers.filter((p) => p.role === 'host'),
      observers: peers.filter((p) => p.role === 'observer'),
      classrooms: rt.row.classrooms.map((c) => {
        const devices = peers.filter((p) => p.classroomId === c.id && p.role === 'classroom');
        const coTeachers = peers.filter((p) => p.classroomId === c.id && p.role === 'co_teacher');
        const rtts = [...devices, ...coTeachers].map((p) => p.rttMs).filter((r): r is number => r !== null);
        const ready = rt.state.prefetch[c.id] ?? [];
        return {
          classroomId: c.id,
          name: c.name,
          admitted: rt.state.admitted.includes(c.id),
          online: devices.length + coTeachers.length > 0,
          ready: attached.every((k) => ready.includes(k)),
          devices,
          coTeachers,
          rttMs: rtts.length ? Math.max(...rtts) : null,
        };
      }),
    };
  }

  /**
   * Probes every classroom connection of this instance once per interval, spread over it (a
   * thousand probes and their quality messages at once would hold up the lesson events).
   */
  startProbing(sockets: () => Iterable<LessonSocket>): void {
    let slot = 0;
    this.probeTimer = setInterval(() => {
      slot = (slot + 1) % PROBE_SLOTS;
      // A socket's slot comes from its (random) id, so it stays put as others come and go.
      for (const s of sockets()) if (s.id.charCodeAt(s.id.length - 1) % PROBE_SLOTS === slot) this.probe(s);
    }, PROBE_INTERVAL_MS / PROBE_SLOTS);
    this.probeTimer.unref();
  }

  probe(socket: LessonSocket): void {
    if (this.closing) return;
    const j = socket.data.joined;
    if (!j || (j.role !== 'classroom' && j.role !== 'co_teacher')) return;
    const t = Date.now();
    socket.timeout(PROBE_TIMEOUT_MS).emit('lesson:probe', { t }, (err: Error | null) => {
      if (err || !socket.connected) return;
      const now = Date.now();
      const rttMs = now - t;
      socket.data.rttMs = rttMs;
      if (!rttWorthReporting(rttMs, socket.data.rttReported, now)) return;
      socket.data.rttReported = { rttMs, at: now };
      this.rooms.quality(j.lessonId, { peerId: socket.id, role: j.role, classroomId: j.classroomId, rttMs });
    });
  }

  /** Stops probing and presence updates and waits for the ones under way (shutdown). */
  async drain(): Promise<void> {
    this.closing = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  onModuleDestroy(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
  }
}
