import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { User } from '@tongke/database';
import { In, Repository } from 'typeorm';
import type { UserIndex } from './planning.mappers.js';

/** Looks up the people named in planning responses, in one query. */
@Injectable()
export class PlanningUsers {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  async index(ids: Iterable<string | null | undefined>): Promise<UserIndex> {
    const unique = [...new Set([...ids].filter((x): x is string => typeof x === 'string'))];
    if (unique.length === 0) return new Map();
    const rows = await this.users.find({ where: { id: In(unique) } });
    return new Map(rows.map((u) => [u.id, u]));
  }

  find(id: string): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }
}
