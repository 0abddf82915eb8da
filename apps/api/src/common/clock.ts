import { Injectable } from '@nestjs/common';

/** Time behind a port so expiry rules can be tested without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
