import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '@tongke/auth';
import { contentDisposition } from '@tongke/files';
import {
  CreatePlanVersionDto,
  PlanChangesQueryDto,
  type PlanChangeSummaryDto,
  type PlanVersionContentDto,
  type PlanVersionDto,
  type PublishPlanVersionResponse,
  type RestorePlanVersionResponse,
} from '@tongke/contracts';
import { PlanVersionsService } from './plan-versions.service.js';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('plans')
export class PlanVersionsController {
  constructor(private readonly versions: PlanVersionsService) {}

  @Get(':id/versions')
  list(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<PlanVersionDto[]> {
    return this.versions.list(me, id);
  }

  @Post(':id/versions')
  create(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreatePlanVersionDto,
  ): Promise<PlanVersionDto> {
    return this.versions.create(me, id, dto);
  }

  @Get(':id/changes')
  changes(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PlanChangesQueryDto,
  ): Promise<PlanChangeSummaryDto> {
    return this.versions.changes(me, id, q.from, q.to);
  }

  @Get(':id/versions/:versionId')
  view(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('versionId', ParseUUIDPipe) versionId: string,
  ): Promise<PlanVersionContentDto> {
    return this.versions.view(me, id, versionId);
  }

  @Post(':id/versions/:versionId/restore')
  @HttpCode(200)
  restore(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('versionId', ParseUUIDPipe) versionId: string,
  ): Promise<RestorePlanVersionResponse> {
    return this.versions.restore(me, id, versionId);
  }

  @Post(':id/versions/:versionId/export.docx')
  @HttpCode(200)
  @ApiProduces(DOCX)
  async exportDocx(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('versionId', ParseUUIDPipe) versionId: string,
  ): Promise<StreamableFile> {
    const { fileName, docx } = await this.versions.exportDocx(me, id, versionId);
    return new StreamableFile(docx, {
      type: DOCX,
      length: docx.length,
      disposition: contentDisposition(fileName),
    });
  }

  /** 202: the version goes to the library's review (wired by the library domain through `planning.version_published`). */
  @Post(':id/versions/:versionId/publish')
  @HttpCode(202)
  publish(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('versionId', ParseUUIDPipe) versionId: string,
  ): Promise<PublishPlanVersionResponse> {
    return this.versions.publish(me, id, versionId);
  }
}
