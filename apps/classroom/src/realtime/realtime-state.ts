import { Injectable } from '@nestjs/common';

/** What the bootstrap learned about the socket transport (for health). */
@Injectable()
export class RealtimeState {
  usesRedis = false;
}
