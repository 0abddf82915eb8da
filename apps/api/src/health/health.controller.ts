import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '@tongke/auth';
import { AppConfig } from '@tongke/config';
import type { ClientConfig, HealthResponse } from '@tongke/contracts';
import type { HttpReply } from '../common/http.js';
import { HealthService } from './health.service.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthService,
    private readonly config: AppConfig,
  ) {}

  /** 200 while the API can serve; components say which parts are degraded. */
  @Public()
  @Get('health')
  async check(@Res({ passthrough: true }) reply: HttpReply): Promise<HealthResponse> {
    reply.header('Cache-Control', 'no-store');
    return this.health.check();
  }

  /** What the browser app needs to know about this deployment. */
  @Public()
  @Get('client-config')
  clientConfig(): ClientConfig {
    return { realtimeUrl: this.config.realtimePublicUrl, uploadMaxBytes: this.config.uploadMaxBytes };
  }
}
