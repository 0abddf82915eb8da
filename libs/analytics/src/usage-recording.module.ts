import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainEvents } from '@tongke/common';
import type { DomainEventMap } from '@tongke/contracts';
import { DataSource } from 'typeorm';
import { UsageRecorder } from './usage-recorder.js';

interface EndedLesson {
  endedAt: Date;
  minutes: number;
  urbanSchoolId: string | null;
  hostId: string | null;
}

/**
 * Turns domain events into usage events. Each process records the events it publishes itself
 * (the API: library and planning; the classroom service: lessons and live plan edits), so nothing
 * depends on an in-process listener in another service.
 */
@Injectable()
export class UsageEventListener implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('UsageEventListener');
  /** lesson.attendance follows lesson.ended synchronously; it borrows the lesson's end and length. */
  private readonly ended = new Map<string, Promise<EndedLesson | null>>();
  private readonly offs: (() => void)[] = [];

  constructor(
    private readonly events: DomainEvents,
    @Inject(UsageRecorder) private readonly recorder: UsageRecorder,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    const on = <K extends keyof DomainEventMap>(name: K, fn: (e: DomainEventMap[K]) => unknown) =>
      this.offs.push(this.events.on(name, (e) => void fn(e)));
    const now = () => new Date();
    on('resource.viewed', (e) =>
      this.recorder.record({
        kind: 'resource_view',
        occurredAt: now(),
        ...actor(e.actor),
        resourceId: e.resourceId,
      }),
    );
    on('resource.previewed', (e) =>
      this.recorder.record({
        kind: 'resource_preview',
        occurredAt: now(),
        ...actor(e.actor),
        resourceId: e.resourceId,
      }),
    );
    on('resource.downloaded', (e) =>
      this.recorder.record({
        kind: 'resource_download',
        occurredAt: now(),
        ...actor(e.actor),
        resourceId: e.resourceId,
      }),
    );
    on('resource.uploaded', (e) =>
      this.recorder.record({
        kind: 'resource_upload',
        occurredAt: now(),
        ...actor(e.actor),
        resourceId: e.resourceId,
      }),
    );
    // An approval is a publication decided by someone other than the author (a reviewer).
    on('resource.published', (e) => {
      if (e.actor.userId === e.authorId) return;
      this.recorder.record({
        kind: 'resource_approval',
        occurredAt: now(),
        ...actor(e.actor),
        resourceId: e.resourceId,
      });
    });
    on('planning.edited', (e) =>
      this.recorder.record({
        kind: 'plan_edit',
        occurredAt: new Date(e.at),
        userId: e.userId,
        schoolId: e.schoolId,
        regionId: e.regionId,
        planId: e.planId,
      }),
    );
    on('planning.session_attended', (e) =>
      this.recorder.record({
        kind: 'prep_session',
        occurredAt: new Date(e.at),
        userId: e.userId,
        schoolId: e.schoolId,
        regionId: e.regionId,
        planId: e.planId,
      }),
    );
    on('lesson.ended', (e) => {
      const info = this.lessonInfo(e);
      this.ended.set(e.lessonId, info);
      setTimeout(() => this.ended.delete(e.lessonId), 60_000).unref();
      return info.then((l) =>
        this.recorder.record({
          kind: 'lesson_held',
          occurredAt: new Date(e.endedAt),
          userId: l?.hostId ?? null,
          schoolId: l?.urbanSchoolId ?? null,
          regionId: e.regionId,
          lessonId: e.lessonId,
          pairingId: e.pairingId,
          minutes: e.minutes,
        }),
      );
    });
    on('lesson.attendance', async (e) => {
      const l = await (this.ended.get(e.lessonId) ?? this.lessonFromTable(e.lessonId));
      this.recorder.record({
        kind: 'lesson_attendance',
        occurredAt: l?.endedAt ?? new Date(),
        schoolId: e.schoolId,
        regionId: e.regionId,
        lessonId: e.lessonId,
        classroomId: e.classroomId,
        pairingId: e.pairingId,
        minutes: e.minutes,
        quantity: l?.minutes ?? 0,
      });
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    for (const off of this.offs) off();
    await this.events.drain();
    await this.recorder.close();
  }

  private async lessonInfo(e: DomainEventMap['lesson.ended']): Promise<EndedLesson | null> {
    try {
      const rows: { urban_school_id: string; host_id: string }[] = await this.dataSource.query(
        'SELECT urban_school_id, host_id FROM joint_lessons WHERE id = $1',
        [e.lessonId],
      );
      return {
        endedAt: new Date(e.endedAt),
        minutes: e.minutes,
        urbanSchoolId: rows[0]?.urban_school_id ?? null,
        hostId: rows[0]?.host_id ?? null,
      };
    } catch (err) {
      this.logger.error({ err, lessonId: e.lessonId }, 'lesson lookup for usage failed');
      return { endedAt: new Date(e.endedAt), minutes: e.minutes, urbanSchoolId: null, hostId: null };
    }
  }

  private async lessonFromTable(lessonId: string): Promise<EndedLesson | null> {
    const rows: {
      started_at: Date | null;
      ended_at: Date | null;
      urban_school_id: string;
      host_id: string;
    }[] = await this.dataSource.query(
      'SELECT started_at, ended_at, urban_school_id, host_id FROM joint_lessons WHERE id = $1',
      [lessonId],
    );
    const r = rows[0];
    if (!r?.started_at || !r.ended_at) return null;
    const start = new Date(r.started_at).getTime();
    const end = new Date(r.ended_at).getTime();
    return {
      endedAt: new Date(end),
      minutes: Math.round(((end - start) / 60_000) * 10) / 10,
      urbanSchoolId: r.urban_school_id,
      hostId: r.host_id,
    };
  }
}

function actor(a: { userId: string; schoolId: string | null; regionId: string | null }) {
  return { userId: a.userId, schoolId: a.schoolId, regionId: a.regionId };
}

/** Records usage events in either app: one buffered recorder per process, flushed on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: UsageRecorder,
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => new UsageRecorder(dataSource),
    },
    UsageEventListener,
  ],
  exports: [UsageRecorder],
})
export class UsageRecordingModule {}
