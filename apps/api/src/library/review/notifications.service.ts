import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Principal } from '@tongke/auth';
import type { NotificationDto } from '@tongke/contracts';
import { Notification } from '@tongke/database';
import { DataSource, IsNull } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { LibraryErrors } from '../library.errors.js';
import { toNotificationDto } from '../resources/resource.mappers.js';

/** What users are told (review outcomes, withdrawals); newest first. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async list(p: Principal, unreadOnly: boolean): Promise<NotificationDto[]> {
    const rows = await this.dataSource.getRepository(Notification).find({
      where: unreadOnly ? { userId: p.userId, readAt: IsNull() } : { userId: p.userId },
      order: { createdAt: 'DESC' },
      take: 100,
    });
    return rows.map(toNotificationDto);
  }

  async markRead(p: Principal, id: string): Promise<NotificationDto> {
    const repo = this.dataSource.getRepository(Notification);
    const n = await repo.findOne({ where: { id } });
    if (!n || n.userId !== p.userId) throw LibraryErrors.notificationNotFound();
    if (n.readAt === null) {
      n.readAt = this.clock.now();
      await repo.update({ id }, { readAt: n.readAt });
    }
    return toNotificationDto(n);
  }
}
