import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Lessons1795443043919 implements MigrationInterface {
  name = 'Lessons1795443043919';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "lesson_classrooms" ("lesson_id" uuid NOT NULL, "classroom_id" uuid NOT NULL, "school_id" uuid NOT NULL, CONSTRAINT "PK_5bc90b0257c1607116a4cb38a7c" PRIMARY KEY ("lesson_id", "classroom_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_13f0475f7c5608d176825c6ccc" ON "lesson_classrooms"  ("classroom_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_2d12f9a2421cf262398f1262ba" ON "lesson_classrooms"  ("school_id") ',
    );
    await queryRunner.query(
      'CREATE TYPE "public"."lesson_participant_role" AS ENUM(\'co_teacher\', \'observer\')',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_participants" ("lesson_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" "public"."lesson_participant_role" NOT NULL, "classroom_id" uuid, CONSTRAINT "PK_38e6b009d9fea4d5dcdd7b5eaf1" PRIMARY KEY ("lesson_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3e733a7a438e54824486b38da4" ON "lesson_participants"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_series" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "pairing_id" uuid NOT NULL, "region_id" uuid NOT NULL, "host_id" uuid NOT NULL, "title" character varying(120) NOT NULL, "subject" character varying(32) NOT NULL, "weekday" smallint NOT NULL, "start_time" character varying(5) NOT NULL, "duration_minutes" integer NOT NULL, "from_date" date NOT NULL, "until_date" date NOT NULL, "timezone" character varying(64) NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3e3009049d5a156082f71299812" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_f49178e7439f22814bb31a42ff" ON "lesson_series"  ("pairing_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"lesson_status\" AS ENUM('scheduled', 'live', 'ended', 'cancelled')",
    );
    await queryRunner.query(
      'CREATE TABLE "joint_lessons" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "pairing_id" uuid NOT NULL, "series_id" uuid, "region_id" uuid NOT NULL, "urban_school_id" uuid NOT NULL, "host_id" uuid NOT NULL, "title" character varying(120) NOT NULL, "subject" character varying(32) NOT NULL, "status" "public"."lesson_status" NOT NULL DEFAULT \'scheduled\', "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ends_at" TIMESTAMP WITH TIME ZONE NOT NULL, "original_starts_at" TIMESTAMP WITH TIME ZONE, "is_exception" boolean NOT NULL DEFAULT false, "attachments" jsonb NOT NULL DEFAULT \'[]\', "last_seq" bigint NOT NULL DEFAULT \'0\', "started_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "cancelled_at" TIMESTAMP WITH TIME ZONE, "cancel_reason" character varying(200), "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_37cc89dfe271d75100a22d71fe1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_44c0ed9e364da28ce709a0ee73" ON "joint_lessons"  ("pairing_id") ',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_3508683d7bee208c34712989c3" ON "joint_lessons"  ("series_id", "original_starts_at") WHERE series_id IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_353bdb4119f0b0857e28b5ac4d" ON "joint_lessons"  ("host_id", "starts_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_a09f1e98c43801f513baeda870" ON "joint_lessons"  ("region_id", "starts_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_attendance" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "lesson_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" character varying(16) NOT NULL, "classroom_id" uuid, "joined_at" TIMESTAMP WITH TIME ZONE NOT NULL, "left_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_35161e24fb5c32eb023455a0461" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_604174a330eaea865b0c9e0a1f" ON "lesson_attendance"  ("lesson_id", "classroom_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_events" ("lesson_id" uuid NOT NULL, "seq" bigint NOT NULL, "type" character varying(32) NOT NULL, "actor_id" uuid NOT NULL, "actor_role" character varying(16) NOT NULL, "classroom_id" uuid, "client_msg_id" character varying(120), "payload" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_51244a36085d7a017cc00e2a35c" PRIMARY KEY ("lesson_id", "seq"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_lesson_events_client_msg" ON "lesson_events"  ("lesson_id", "client_msg_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_snapshots" ("lesson_id" uuid NOT NULL, "seq" bigint NOT NULL, "state" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4405d119147a81baad5127fb710" PRIMARY KEY ("lesson_id", "seq"))',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" ADD CONSTRAINT "FK_18ad8af63bdddbcb743c5337a73" FOREIGN KEY ("lesson_id") REFERENCES "joint_lessons"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" ADD CONSTRAINT "FK_13f0475f7c5608d176825c6ccc9" FOREIGN KEY ("classroom_id") REFERENCES "classrooms"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" ADD CONSTRAINT "FK_2d12f9a2421cf262398f1262ba2" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_participants" ADD CONSTRAINT "FK_cac8fbaeaf3b343547c5ffaa868" FOREIGN KEY ("lesson_id") REFERENCES "joint_lessons"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_participants" ADD CONSTRAINT "FK_3e733a7a438e54824486b38da45" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_series" ADD CONSTRAINT "FK_f49178e7439f22814bb31a42ffd" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_series" ADD CONSTRAINT "FK_54acf208acc7c9caf52ffe7ea49" FOREIGN KEY ("host_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "joint_lessons" ADD CONSTRAINT "FK_44c0ed9e364da28ce709a0ee736" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "joint_lessons" ADD CONSTRAINT "FK_7d1a5967cdf79fb77c419d20172" FOREIGN KEY ("series_id") REFERENCES "lesson_series"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "joint_lessons" ADD CONSTRAINT "FK_925c0faa24ff1c2d00bcb4b5373" FOREIGN KEY ("host_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_attendance" ADD CONSTRAINT "FK_3143460097cf595127a18317788" FOREIGN KEY ("lesson_id") REFERENCES "joint_lessons"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_events" ADD CONSTRAINT "FK_74eb67f004b1235b25fa384c53b" FOREIGN KEY ("lesson_id") REFERENCES "joint_lessons"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_snapshots" ADD CONSTRAINT "FK_7fb87b125feddafd2a2c5298da1" FOREIGN KEY ("lesson_id") REFERENCES "joint_lessons"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "lesson_snapshots" DROP CONSTRAINT "FK_7fb87b125feddafd2a2c5298da1"',
    );
    await queryRunner.query('ALTER TABLE "lesson_events" DROP CONSTRAINT "FK_74eb67f004b1235b25fa384c53b"');
    await queryRunner.query(
      'ALTER TABLE "lesson_attendance" DROP CONSTRAINT "FK_3143460097cf595127a18317788"',
    );
    await queryRunner.query('ALTER TABLE "joint_lessons" DROP CONSTRAINT "FK_925c0faa24ff1c2d00bcb4b5373"');
    await queryRunner.query('ALTER TABLE "joint_lessons" DROP CONSTRAINT "FK_7d1a5967cdf79fb77c419d20172"');
    await queryRunner.query('ALTER TABLE "joint_lessons" DROP CONSTRAINT "FK_44c0ed9e364da28ce709a0ee736"');
    await queryRunner.query('ALTER TABLE "lesson_series" DROP CONSTRAINT "FK_54acf208acc7c9caf52ffe7ea49"');
    await queryRunner.query('ALTER TABLE "lesson_series" DROP CONSTRAINT "FK_f49178e7439f22814bb31a42ffd"');
    await queryRunner.query(
      'ALTER TABLE "lesson_participants" DROP CONSTRAINT "FK_3e733a7a438e54824486b38da45"',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_participants" DROP CONSTRAINT "FK_cac8fbaeaf3b343547c5ffaa868"',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" DROP CONSTRAINT "FK_2d12f9a2421cf262398f1262ba2"',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" DROP CONSTRAINT "FK_13f0475f7c5608d176825c6ccc9"',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_classrooms" DROP CONSTRAINT "FK_18ad8af63bdddbcb743c5337a73"',
    );
    await queryRunner.query('DROP TABLE "lesson_snapshots"');
    await queryRunner.query('DROP INDEX "public"."uq_lesson_events_client_msg"');
    await queryRunner.query('DROP TABLE "lesson_events"');
    await queryRunner.query('DROP INDEX "public"."IDX_604174a330eaea865b0c9e0a1f"');
    await queryRunner.query('DROP TABLE "lesson_attendance"');
    await queryRunner.query('DROP INDEX "public"."IDX_a09f1e98c43801f513baeda870"');
    await queryRunner.query('DROP INDEX "public"."IDX_353bdb4119f0b0857e28b5ac4d"');
    await queryRunner.query('DROP INDEX "public"."IDX_3508683d7bee208c34712989c3"');
    await queryRunner.query('DROP INDEX "public"."IDX_44c0ed9e364da28ce709a0ee73"');
    await queryRunner.query('DROP TABLE "joint_lessons"');
    await queryRunner.query('DROP TYPE "public"."lesson_status"');
    await queryRunner.query('DROP INDEX "public"."IDX_f49178e7439f22814bb31a42ff"');
    await queryRunner.query('DROP TABLE "lesson_series"');
    await queryRunner.query('DROP INDEX "public"."IDX_3e733a7a438e54824486b38da4"');
    await queryRunner.query('DROP TABLE "lesson_participants"');
    await queryRunner.query('DROP TYPE "public"."lesson_participant_role"');
    await queryRunner.query('DROP INDEX "public"."IDX_2d12f9a2421cf262398f1262ba"');
    await queryRunner.query('DROP INDEX "public"."IDX_13f0475f7c5608d176825c6ccc"');
    await queryRunner.query('DROP TABLE "lesson_classrooms"');
  }
}
