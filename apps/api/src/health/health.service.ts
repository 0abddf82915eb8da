import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppConfig } from '@tongke/config';
import type { ComponentStatus, HealthResponse } from '@tongke/contracts';
import { DataSource } from 'typeorm';

export type ComponentName = keyof HealthResponse['components'];
export interface ComponentCheck {
  status: ComponentStatus;
  detail?: Record<string, unknown> | string;
}

/**
 * Aggregates component checks. Domains that own a component (storage, search) register their
 * check at start-up; the database and the realtime service are checked here.
 */
@Injectable()
export class HealthService {
  private readonly checks = new Map<ComponentName, () => Promise<ComponentCheck>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.register('database', () => this.checkDatabase());
    this.register('realtime', () => this.checkRealtime());
    // Until the storage and search modules register their adapters' own checks, an embedded
    // deployment is healthy when its data directory is writable.
    this.register('storage', () => this.checkDataDir(config.storage.kind === 'local'));
    this.register('search', () => this.checkDataDir(config.search.kind === 'embedded'));
  }

  private async checkDataDir(embedded: boolean): Promise<ComponentCheck> {
    if (!embedded) return { status: 'down', detail: 'adapter not registered' };
    await mkdir(this.config.dataDir, { recursive: true });
    await access(this.config.dataDir, constants.W_OK);
    return { status: 'embedded' };
  }

  register(name: ComponentName, check: () => Promise<ComponentCheck>): void {
    this.checks.set(name, check);
  }

  async check(): Promise<HealthResponse> {
    const names: ComponentName[] = ['database', 'storage', 'search', 'realtime'];
    const results = await Promise.all(
      names.map(async (name): Promise<[ComponentName, ComponentCheck]> => {
        const check = this.checks.get(name);
        if (!check) return [name, { status: 'down', detail: 'not configured' }];
        try {
          return [name, await withTimeout(check(), 3000)];
        } catch (e) {
          return [name, { status: 'down', detail: (e as Error).message }];
        }
      }),
    );
    const components = Object.fromEntries(
      results.map(([n, r]) => [n, r.status]),
    ) as HealthResponse['components'];
    const details = Object.fromEntries(
      results.filter(([, r]) => r.detail !== undefined).map(([n, r]) => [n, r.detail]),
    );
    const down = results.some(([, r]) => r.status === 'down');
    return { status: down ? 'degraded' : 'ok', components, details };
  }

  private async checkDatabase(): Promise<ComponentCheck> {
    await this.dataSource.query('SELECT 1');
    return { status: this.config.database.kind === 'embedded' ? 'embedded' : 'up' };
  }

  private async checkRealtime(): Promise<ComponentCheck> {
    const res = await fetch(`${this.config.classroomInternalUrl}/health`, {
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) return { status: 'down', detail: `classroom service answered ${res.status}` };
    const body = (await res.json()) as { redis?: boolean };
    return { status: body.redis ? 'up' : 'embedded' };
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
