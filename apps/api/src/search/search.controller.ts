import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles, type Principal } from '@tongke/auth';
import {
  SearchQueryDto,
  SearchSuggestQueryDto,
  type SearchReindexResponse,
  type SearchSuggestResponse,
} from '@tongke/contracts';
import type { HttpReply, HttpRequest } from '../common/http.js';
import { sendAnswer } from './search-answer.js';
import { SearchService } from './search.service.js';

@ApiTags('search')
@ApiBearerAuth()
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  /** Full-text search with facets, over what the caller may open (ETag / If-None-Match: 304). */
  @Get()
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'SearchResponseDto' })
  async query(
    @CurrentUser() me: Principal,
    @Query() q: SearchQueryDto,
    @Req() req: HttpRequest,
    @Res() reply: HttpReply,
  ): Promise<void> {
    sendAnswer(req, reply, await this.search.search(me, q));
  }

  /** Titles for as-you-type suggestions (characters or pinyin prefixes). */
  @Get('suggest')
  suggest(@CurrentUser() me: Principal, @Query() q: SearchSuggestQueryDto): Promise<SearchSuggestResponse> {
    return this.search.suggest(me, q);
  }

  /** Rebuilds the index from the database (what `npm run reindex` does, inside the running API). */
  @Post('reindex')
  @Roles('platform_admin')
  @HttpCode(200)
  reindex(): Promise<SearchReindexResponse> {
    return this.search.reindex();
  }
}
