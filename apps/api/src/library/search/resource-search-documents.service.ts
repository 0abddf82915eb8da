import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { labelOf } from '@tongke/contracts';
import { Resource, ResourceFile, School, User } from '@tongke/database';
import { EXTRACTED_TEXT_INDEX_LIMIT, type ResourceSearchDocument } from '@tongke/search';
import { DataSource, In } from 'typeorm';

type TaxonomyKind = Parameters<typeof labelOf>[0];
const label = (kind: TaxonomyKind, code: string): string => labelOf(kind, code) ?? code;

/**
 * Builds the search engine's view of a resource from the database (for the search worker that
 * drains `resource_outbox`): metadata with Chinese labels from the taxonomy, author and school,
 * the extracted text of the current version's files (first EXTRACTED_TEXT_INDEX_LIMIT characters)
 * and the counters that sort results. `null` means the resource is gone (deleted): remove it.
 */
@Injectable()
export class ResourceSearchDocuments {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async build(resourceId: string): Promise<ResourceSearchDocument | null> {
    const [doc] = await this.buildMany([resourceId]);
    return doc ?? null;
  }

  /** Documents of the live resources among `ids` (deleted or unknown ids are left out). */
  async buildMany(ids: string[]): Promise<ResourceSearchDocument[]> {
    if (ids.length === 0) return [];
    const m = this.dataSource.manager;
    const resources = (await m.getRepository(Resource).find({ where: { id: In(ids) } })).filter(
      (r) => r.deletedAt === null,
    );
    if (resources.length === 0) return [];
    const users = await m
      .getRepository(User)
      .find({ where: { id: In([...new Set(resources.map((r) => r.authorId))]) } });
    const schools = await m
      .getRepository(School)
      .find({ where: { id: In([...new Set(resources.map((r) => r.schoolId))]) } });
    const versionIds = resources.map((r) => r.currentVersionId).filter((v): v is string => v !== null);
    const files = versionIds.length
      ? await m
          .getRepository(ResourceFile)
          .createQueryBuilder('f')
          .select(['f.id', 'f.versionId', 'f.position', 'f.extractionStatus'])
          .addSelect('LEFT(f.extracted_text, :limit)', 'text')
          .where('f.version_id IN (:...versionIds)', { versionIds })
          .setParameter('limit', EXTRACTED_TEXT_INDEX_LIMIT)
          .orderBy('f.position', 'ASC')
          .getRawMany<{ f_version_id: string; text: string | null }>()
      : [];
    return resources.map((r): ResourceSearchDocument => {
      const school = schools.find((s) => s.id === r.schoolId);
      const text = files
        .filter((f) => f.f_version_id === r.currentVersionId && f.text)
        .map((f) => f.text)
        .join('\n')
        .slice(0, EXTRACTED_TEXT_INDEX_LIMIT);
      return {
        id: r.id,
        title: r.title,
        description: r.description,
        tags: r.tags,
        subject: r.subject,
        subjectName: label('subjects', r.subject),
        stage: r.stage,
        stageName: label('stages', r.stage),
        grade: r.grade,
        edition: r.edition,
        editionName: label('editions', r.edition),
        volume: r.volume,
        volumeName: label('volumes', r.volume),
        unit: r.unit,
        lessonPeriod: r.lessonPeriod === null ? null : String(r.lessonPeriod),
        resourceType: r.resourceType,
        resourceTypeName: label('resourceTypes', r.resourceType),
        license: r.license,
        authorId: r.authorId,
        authorName: users.find((u) => u.id === r.authorId)?.displayName ?? '',
        schoolId: r.schoolId,
        schoolName: school?.name ?? '',
        schoolLocale: school?.locale ?? 'urban',
        regionId: r.regionId,
        visibility: r.visibility,
        status: r.status,
        extractedText: text,
        createdAt: r.createdAt.getTime(),
        downloads: r.downloads,
        ratingAvg: r.ratingCount > 0 ? r.ratingSum / r.ratingCount : 0,
        ratingCount: r.ratingCount,
      };
    });
  }
}
