import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Last judged quality of each used resource; a change is applied to the school-month counts. */
@Entity('equity_resource_quality')
export class EquityResourceQuality {
  @PrimaryColumn({ type: 'uuid', name: 'resource_id' })
  resourceId: string;

  @Column({ type: 'boolean', name: 'is_quality' })
  isQuality: boolean;
}
