import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CurrentUser, type Principal } from '@tongke/auth';
import {
  CreateResourceDto,
  CreateVersionDto,
  RateResourceDto,
  RejectResourceDto,
  RemixResourceDto,
  ResourceListQueryDto,
  SubmitResourceDto,
  UpdateResourceDto,
  WithdrawResourceDto,
  type ResourceDto,
  type ResourceFileDto,
  type ResourcePageDto,
  type ResourceVersionDto,
  type ReviewEventDto,
} from '@tongke/contracts';
import type { HttpReply, HttpRequest } from '../../common/http.js';
import { DownloadsService } from '../downloads/downloads.service.js';
import { conditionalHeadersOf } from '../downloads/files.controller.js';
import { sendObject } from '../downloads/send-object.js';
import { ReviewService } from '../review/review.service.js';
import { MultipartUploadService } from '../uploads/multipart-upload.service.js';
import { ResourcesService } from './resources.service.js';

class UploadQueryDto {
  @IsOptional()
  @IsUUID()
  versionId?: string;
}

@ApiTags('library')
@ApiBearerAuth()
@Controller('resources')
export class ResourcesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly review: ReviewService,
    private readonly multipart: MultipartUploadService,
    private readonly downloads: DownloadsService,
  ) {}

  @Post()
  create(@CurrentUser() me: Principal, @Body() dto: CreateResourceDto): Promise<ResourceDto> {
    return this.resources.create(me, dto);
  }

  @Get()
  list(@CurrentUser() me: Principal, @Query() q: ResourceListQueryDto): Promise<ResourcePageDto> {
    return this.resources.list(me, q);
  }

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceDto> {
    return this.resources.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateResourceDto,
  ): Promise<ResourceDto> {
    return this.resources.update(me, id, dto);
  }

  /** Soft delete (author or the school's administrators). */
  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.resources.remove(me, id);
  }

  /** Publish (private/school at once) or ask for review (district/public). */
  @Post(':id/submit')
  @HttpCode(200)
  submit(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SubmitResourceDto,
  ): Promise<ResourceDto> {
    return this.review.submit(me, id, dto.visibility);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  withdraw(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: WithdrawResourceDto,
  ): Promise<ResourceDto> {
    return this.review.withdraw(me, id, dto.reason);
  }

  @Post(':id/approve')
  @HttpCode(200)
  approve(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceDto> {
    return this.review.approve(me, id);
  }

  @Post(':id/reject')
  @HttpCode(200)
  reject(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RejectResourceDto,
  ): Promise<ResourceDto> {
    return this.review.reject(me, id, dto.reason);
  }

  @Get(':id/reviews')
  history(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ReviewEventDto[]> {
    return this.review.history(me, id);
  }

  @Get(':id/versions')
  versions(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ResourceVersionDto[]> {
    return this.resources.versions(me, id);
  }

  @Post(':id/versions')
  createVersion(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateVersionDto,
  ): Promise<ResourceDto> {
    return this.resources.createVersion(me, id, dto);
  }

  @Post(':id/remix')
  remix(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RemixResourceDto,
  ): Promise<ResourceDto> {
    return this.resources.remix(me, id, dto);
  }

  @Put(':id/rating')
  rate(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RateResourceDto,
  ): Promise<ResourceDto> {
    return this.resources.rate(me, id, dto.stars);
  }

  @Put(':id/favourite')
  favourite(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceDto> {
    return this.resources.favourite(me, id, true);
  }

  @Delete(':id/favourite')
  unfavourite(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ResourceDto> {
    return this.resources.favourite(me, id, false);
  }

  /** A small file as multipart/form-data (part "file"); large files go through the tus endpoint /api/uploads. */
  @Post(':id/files')
  @ApiConsumes('multipart/form-data')
  upload(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: UploadQueryDto,
    @Req() req: HttpRequest,
    @Res({ passthrough: true }) res: HttpReply,
  ): Promise<ResourceFileDto> {
    return this.multipart.upload(me, id, q.versionId, req.raw, res);
  }

  /** The current version's first file. */
  @Get(':id/download')
  async download(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: HttpRequest,
    @Res() res: HttpReply,
  ): Promise<void> {
    await sendObject(res, await this.downloads.resourceDownload(me, id, conditionalHeadersOf(req)));
  }
}
