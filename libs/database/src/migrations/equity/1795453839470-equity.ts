import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Equity1795453839470 implements MigrationInterface {
  name = 'Equity1795453839470';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "equity_classroom_months" ("classroom_id" uuid NOT NULL, "pairing_id" uuid NOT NULL, "month" date NOT NULL, "school_id" uuid NOT NULL, "lessons" integer NOT NULL DEFAULT \'0\', "attended_minutes" numeric NOT NULL DEFAULT \'0\', "lesson_minutes" numeric NOT NULL DEFAULT \'0\', CONSTRAINT "PK_08eb345c018df7750f52ca6206e" PRIMARY KEY ("classroom_id", "pairing_id", "month"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_04013db1e9c96460aad38c149a" ON "equity_classroom_months"  ("school_id", "month") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_51ca9d269ad654ca6d8349b50d" ON "equity_classroom_months"  ("pairing_id", "month") ',
    );
    await queryRunner.query(
      'CREATE TABLE "equity_pairing_months" ("pairing_id" uuid NOT NULL, "month" date NOT NULL, "region_id" uuid NOT NULL, "lessons_held" integer NOT NULL DEFAULT \'0\', "minutes_held" numeric NOT NULL DEFAULT \'0\', "classroom_lessons" integer NOT NULL DEFAULT \'0\', "attended_minutes" numeric NOT NULL DEFAULT \'0\', "lesson_minutes" numeric NOT NULL DEFAULT \'0\', CONSTRAINT "PK_656c4e54c4cecf10be0ec28cf0e" PRIMARY KEY ("pairing_id", "month"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_d6bc314f7fb652c8ac655bbe3a" ON "equity_pairing_months"  ("region_id", "month") ',
    );
    await queryRunner.query(
      'CREATE TABLE "equity_resource_quality" ("resource_id" uuid NOT NULL, "is_quality" boolean NOT NULL, CONSTRAINT "PK_73c75e12b1dd0f95ab88a211c66" PRIMARY KEY ("resource_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "equity_school_months" ("school_id" uuid NOT NULL, "month" date NOT NULL, "region_id" uuid NOT NULL, "views" integer NOT NULL DEFAULT \'0\', "previews" integer NOT NULL DEFAULT \'0\', "downloads" integer NOT NULL DEFAULT \'0\', "uploads" integer NOT NULL DEFAULT \'0\', "approvals" integer NOT NULL DEFAULT \'0\', "plan_edits" integer NOT NULL DEFAULT \'0\', "sessions_attended" integer NOT NULL DEFAULT \'0\', "lessons_hosted" integer NOT NULL DEFAULT \'0\', "minutes_hosted" numeric NOT NULL DEFAULT \'0\', "classroom_lessons" integer NOT NULL DEFAULT \'0\', "attended_minutes" numeric NOT NULL DEFAULT \'0\', "lesson_minutes" numeric NOT NULL DEFAULT \'0\', "quality_resources" integer NOT NULL DEFAULT \'0\', CONSTRAINT "PK_78948c1c1eb111001b00eef7ad7" PRIMARY KEY ("school_id", "month"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_a8fd4eb2fb891d76df5601c0c1" ON "equity_school_months"  ("region_id", "month") ',
    );
    await queryRunner.query(
      'CREATE TABLE "equity_school_resource_months" ("school_id" uuid NOT NULL, "month" date NOT NULL, "resource_id" uuid NOT NULL, "region_id" uuid NOT NULL, "views" integer NOT NULL DEFAULT \'0\', "previews" integer NOT NULL DEFAULT \'0\', "downloads" integer NOT NULL DEFAULT \'0\', CONSTRAINT "PK_2309c2c1e733b6bff783ec586bc" PRIMARY KEY ("school_id", "month", "resource_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_0451955057950f24513063b6b2" ON "equity_school_resource_months"  ("resource_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "usage_events" ("id" BIGSERIAL NOT NULL, "kind" character varying(32) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "user_id" uuid, "school_id" uuid, "region_id" uuid, "resource_id" uuid, "lesson_id" uuid, "classroom_id" uuid, "plan_id" uuid, "pairing_id" uuid, "minutes" numeric(12,2), "quantity" numeric(14,2), CONSTRAINT "PK_c9f17d50873fab2c46615f542bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_5fb75e937ca96eda66aaac361e" ON "usage_events"  ("user_id", "occurred_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_8669dad52b57323968b99373ad" ON "usage_events"  ("region_id", "occurred_at") ',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "public"."IDX_8669dad52b57323968b99373ad"');
    await queryRunner.query('DROP INDEX "public"."IDX_5fb75e937ca96eda66aaac361e"');
    await queryRunner.query('DROP TABLE "usage_events"');
    await queryRunner.query('DROP INDEX "public"."IDX_0451955057950f24513063b6b2"');
    await queryRunner.query('DROP TABLE "equity_school_resource_months"');
    await queryRunner.query('DROP INDEX "public"."IDX_a8fd4eb2fb891d76df5601c0c1"');
    await queryRunner.query('DROP TABLE "equity_school_months"');
    await queryRunner.query('DROP TABLE "equity_resource_quality"');
    await queryRunner.query('DROP INDEX "public"."IDX_d6bc314f7fb652c8ac655bbe3a"');
    await queryRunner.query('DROP TABLE "equity_pairing_months"');
    await queryRunner.query('DROP INDEX "public"."IDX_51ca9d269ad654ca6d8349b50d"');
    await queryRunner.query('DROP INDEX "public"."IDX_04013db1e9c96460aad38c149a"');
    await queryRunner.query('DROP TABLE "equity_classroom_months"');
  }
}
