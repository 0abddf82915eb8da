import {
  BadRequestException,
  ValidationPipe,
  type ArgumentMetadata,
  type ValidationError,
  type ValidationPipeOptions,
} from '@nestjs/common';
import { LRUCache } from 'lru-cache';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/**
 * The validation pipe, remembering the query strings it has validated: a query DTO is a pure
 * function of its query string, and the same searches and pages are asked for again and again,
 * so a repeated one skips class-transformer and class-validator (a tenth of a search request's
 * CPU otherwise). Each request gets its own copy of the DTO; refused queries are not remembered.
 */
class QueryMemoValidationPipe extends ValidationPipe {
  private readonly memo = new WeakMap<object, LRUCache<string, object>>();

  constructor(options: ValidationPipeOptions) {
    super(options);
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype } = metadata;
    if (metadata.type !== 'query' || !metatype || typeof value !== 'object' || value === null)
      return super.transform(value, metadata);
    let known = this.memo.get(metatype);
    if (!known) {
      known = new LRUCache<string, object>({ max: 2_000 });
      this.memo.set(metatype, known);
    }
    const key = JSON.stringify(value);
    const hit = known.get(key);
    if (hit !== undefined) return copyOf(hit);
    const dto: unknown = await super.transform(value, metadata);
    if (typeof dto === 'object' && dto !== null) known.set(key, copyOf(dto));
    return dto;
  }
}

/** A copy of a flat DTO (same class; arrays copied, so no request can change another's). */
function copyOf<T extends object>(dto: T): T {
  const copy = Object.create(Object.getPrototypeOf(dto) as object | null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(dto)) copy[k] = Array.isArray(v) ? [...(v as unknown[])] : v;
  return copy as T;
}

/** Global pipe: whitelist, forbid unknown fields, transform; the 400 names every bad field. */
export function createValidationPipe(): ValidationPipe {
  return new QueryMemoValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: fields.map((f) => f.problems.join(', ')).join('; '),
        fields: Object.fromEntries(fields.map((f) => [f.field, f.problems])),
      });
    },
  });
}
