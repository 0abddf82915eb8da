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
  Res,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentUser, type Principal } from '@tongke/auth';
import {
  CreateLessonPackDto,
  SetLessonPackItemsDto,
  UpdateLessonPackDto,
  type LessonPackDto,
} from '@tongke/contracts';
import { contentDisposition } from '@tongke/files';
import { rawResponse, type HttpReply } from '../../common/http.js';
import { PacksService } from './packs.service.js';

class PackListQueryDto {
  @IsOptional()
  @IsIn(['mine', 'visible'])
  scope?: 'mine' | 'visible';
}

@ApiTags('library')
@ApiBearerAuth()
@Controller('packs')
export class PacksController {
  constructor(private readonly packs: PacksService) {}

  @Post()
  create(@CurrentUser() me: Principal, @Body() dto: CreateLessonPackDto): Promise<LessonPackDto> {
    return this.packs.create(me, dto);
  }

  @Get()
  list(@CurrentUser() me: Principal, @Query() q: PackListQueryDto): Promise<LessonPackDto[]> {
    return this.packs.list(me, q.scope ?? 'mine');
  }

  @Get(':id')
  get(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<LessonPackDto> {
    return this.packs.get(me, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateLessonPackDto,
  ): Promise<LessonPackDto> {
    return this.packs.update(me, id, dto);
  }

  /** Replaces the ordered list of items. */
  @Put(':id/items')
  setItems(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetLessonPackItemsDto,
  ): Promise<LessonPackDto> {
    return this.packs.setItems(me, id, dto.resourceIds);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentUser() me: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.packs.remove(me, id);
  }

  /** Every file the caller may see, as one zip streamed on the fly (for prefetching a lesson). */
  @Get(':id/download.zip')
  @ApiProduces('application/zip')
  async zip(
    @CurrentUser() me: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Res() reply: HttpReply,
  ): Promise<void> {
    const plan = await this.packs.zipPlan(me, id);
    const res = rawResponse(reply);
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition(plan.fileName, 'attachment'));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    await this.packs.writeZip(me, plan, res);
  }
}
