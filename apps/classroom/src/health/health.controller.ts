import { Controller, Get } from '@nestjs/common';
import { RealtimeState } from '../realtime/realtime-state.js';

@Controller()
export class HealthController {
  constructor(private readonly state: RealtimeState) {}

  @Get('health')
  health(): { status: 'ok'; redis: boolean } {
    return { status: 'ok', redis: this.state.usesRedis };
  }
}
