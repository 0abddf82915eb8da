import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
} from 'typeorm';
import { User } from '../user.entity.js';
import { ResearchGroup } from './research-group.entity.js';

export const RESEARCH_GROUP_ROLES = ['lead', 'member', 'observer'] as const;
export type ResearchGroupMemberRole = (typeof RESEARCH_GROUP_ROLES)[number];

/** Who takes part in a group: its lead (also listed here), members who edit, observers who read. */
@Entity('research_group_members')
export class ResearchGroupMember {
  @PrimaryColumn({ type: 'uuid', name: 'group_id' })
  groupId: string;

  @ManyToOne(() => ResearchGroup, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group?: Relation<ResearchGroup>;

  @PrimaryColumn({ type: 'uuid', name: 'user_id' })
  @Index()
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'enum', enum: RESEARCH_GROUP_ROLES, enumName: 'research_group_role' })
  role: ResearchGroupMemberRole;

  @Column({ type: 'uuid', name: 'added_by_id' })
  addedById: string;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt: Date;
}
