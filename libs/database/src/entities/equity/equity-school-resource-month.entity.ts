import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Which resources a school's staff used in a month (distinct-count table for "quality resources used"). */
@Entity('equity_school_resource_months')
@Index(['resourceId'])
export class EquitySchoolResourceMonth {
  @PrimaryColumn({ type: 'uuid', name: 'school_id' })
  schoolId: string;

  @PrimaryColumn({ type: 'date' })
  month: string;

  @PrimaryColumn({ type: 'uuid', name: 'resource_id' })
  resourceId: string;

  @Column({ type: 'uuid', name: 'region_id' })
  regionId: string;

  @Column({ type: 'integer', default: 0 })
  views: number;

  @Column({ type: 'integer', default: 0 })
  previews: number;

  @Column({ type: 'integer', default: 0 })
  downloads: number;
}
