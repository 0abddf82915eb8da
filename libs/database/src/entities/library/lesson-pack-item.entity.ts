import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { LessonPack } from './lesson-pack.entity.js';
import { Resource } from './resource.entity.js';

/** One resource in a lesson pack, at a position (0-based, dense). */
@Entity('lesson_pack_items')
@Index(['packId', 'position'])
export class LessonPackItem {
  @PrimaryColumn({ type: 'uuid', name: 'pack_id' })
  packId: string;

  @ManyToOne(() => LessonPack, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'pack_id' })
  pack?: Relation<LessonPack>;

  @PrimaryColumn({ type: 'uuid', name: 'resource_id' })
  @Index()
  resourceId: string;

  @ManyToOne(() => Resource, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'resource_id' })
  resource?: Relation<Resource>;

  @Column({ type: 'integer' })
  position: number;
}
