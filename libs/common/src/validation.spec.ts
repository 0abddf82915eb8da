import { BadRequestException } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { createValidationPipe } from './validation.js';

class PageQuery {
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => Number(value))
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;

  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.split(',') : value))
  @IsIn(['math', 'chinese'], { each: true })
  subject?: string[];
}

const asQuery = { type: 'query' as const, metatype: PageQuery, data: undefined };

describe('the global validation pipe', () => {
  it('answers a repeated query string with its own equal DTO, which no other request can change', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ pageSize: '20', subject: 'math,chinese' }, asQuery)) as PageQuery;
    expect(first).toBeInstanceOf(PageQuery);
    expect(first).toEqual({ pageSize: 20, subject: ['math', 'chinese'] });
    first.subject?.push('tampered');
    first.pageSize = 99;
    const again = (await pipe.transform({ pageSize: '20', subject: 'math,chinese' }, asQuery)) as PageQuery;
    expect(again).toBeInstanceOf(PageQuery);
    expect(again).toEqual({ pageSize: 20, subject: ['math', 'chinese'] });
    expect(again).not.toBe(first);
  });

  it('refuses a bad query string every time it is asked, naming the field', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      const refused = pipe.transform({ pageSize: '999' }, asQuery);
      await expect(refused).rejects.toBeInstanceOf(BadRequestException);
      await expect(refused).rejects.toMatchObject({
        response: {
          code: 'VALIDATION_FAILED',
          fields: { pageSize: ['pageSize must not be greater than 100'] },
        },
      });
    }
    await expect(pipe.transform({ pageSize: '5', extra: 'x' }, asQuery)).rejects.toMatchObject({
      response: { code: 'VALIDATION_FAILED' },
    });
  });
});
