import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PlanningDomain1795443425519 implements MigrationInterface {
  name = 'PlanningDomain1795443425519';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "research_groups" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "subject" character varying(32) NOT NULL, "stage" character varying(16) NOT NULL, "lead_id" uuid NOT NULL, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_06efebcd69906607bcfac002afd" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_25a6b499dd32b8c7b019b15c39" ON "research_groups"  ("region_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_plans" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "group_id" uuid NOT NULL, "region_id" uuid NOT NULL, "title" character varying(200) NOT NULL, "subject" character varying(32) NOT NULL, "stage" character varying(16) NOT NULL, "grade" character varying(16) NOT NULL, "edition" character varying(32) NOT NULL, "volume" character varying(16) NOT NULL, "unit" character varying(120) NOT NULL, "lesson_period" smallint NOT NULL, "head_seq" bigint NOT NULL DEFAULT \'0\', "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_222a2fa651e69879403cfe6c3c9" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_fd8ffcfd3fc8a74dd92d9abf72" ON "lesson_plans"  ("group_id") ');
    await queryRunner.query(
      'CREATE TABLE "plan_comments" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "plan_id" uuid NOT NULL, "parent_id" uuid, "section" character varying(32), "anchor_start" jsonb, "anchor_end" jsonb, "quote" text, "body" text NOT NULL, "author_id" uuid NOT NULL, "resolved_at" TIMESTAMP WITH TIME ZONE, "resolved_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f65850fbbbae5ecc92d3964e98a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3167eaca6a0d983e840f757ddd" ON "plan_comments"  ("parent_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_dd9bacd7357539c2e8d281e741" ON "plan_comments"  ("plan_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "plan_posts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "plan_id" uuid NOT NULL, "author_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_36ddfe5dd27279ca451ab9fe2bc" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_ff86b0a592976c321f865c7a95" ON "plan_posts"  ("plan_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "plan_snapshots" ("plan_id" uuid NOT NULL, "seq" bigint NOT NULL, "state" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_456669b0d130a825db24b0d5b92" PRIMARY KEY ("plan_id", "seq"))',
    );
    await queryRunner.query(
      'CREATE TABLE "plan_updates" ("plan_id" uuid NOT NULL, "seq" bigint NOT NULL, "update" bytea NOT NULL, "author_id" uuid NOT NULL, "client_id" bigint, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2d6f54d231e76645b608de8000c" PRIMARY KEY ("plan_id", "seq"))',
    );
    await queryRunner.query(
      'CREATE TABLE "plan_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "plan_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "seq" bigint NOT NULL, "snapshot" bytea NOT NULL, "created_by_id" uuid NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE, "published_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_dd2f605d45f2679a86a7c1c5b20" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_0f669c2a511b2ac879877a0b61" ON "plan_versions"  ("plan_id", "seq") ',
    );
    await queryRunner.query(
      'CREATE TABLE "planning_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "group_id" uuid NOT NULL, "plan_id" uuid NOT NULL, "title" character varying(120) NOT NULL, "scheduled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_minutes" integer NOT NULL, "agenda" text NOT NULL, "minutes" text, "joint_lesson_id" uuid, "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3c8ecd10e4d91556f9e76c4bb26" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3cd4971361cc5e5f09ac38b07c" ON "planning_sessions"  ("plan_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_e2affdabda52c23c686584eb69" ON "planning_sessions"  ("group_id", "scheduled_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "planning_session_attendees" ("session_id" uuid NOT NULL, "user_id" uuid NOT NULL, "attended_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_94a53398f577ed9b146a6987555" PRIMARY KEY ("session_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_fce1844e3133bbebc4d77aba5a" ON "planning_session_attendees"  ("user_id") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"research_group_role\" AS ENUM('lead', 'member', 'observer')",
    );
    await queryRunner.query(
      'CREATE TABLE "research_group_members" ("group_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" "public"."research_group_role" NOT NULL, "added_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f7b40729d071030f155b573841b" PRIMARY KEY ("group_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_5b07111373e5ebac996e5dd0ac" ON "research_group_members"  ("user_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "research_groups" ADD CONSTRAINT "FK_25a6b499dd32b8c7b019b15c397" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "research_groups" ADD CONSTRAINT "FK_0f2afd9a22ea1ea23b7053604d7" FOREIGN KEY ("lead_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_plans" ADD CONSTRAINT "FK_fd8ffcfd3fc8a74dd92d9abf728" FOREIGN KEY ("group_id") REFERENCES "research_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_plans" ADD CONSTRAINT "FK_df0d51ab4f8701ff9b9c52931bc" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_comments" ADD CONSTRAINT "FK_b39af7437718c3fb0067fc13b8b" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_comments" ADD CONSTRAINT "FK_3167eaca6a0d983e840f757dddc" FOREIGN KEY ("parent_id") REFERENCES "plan_comments"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_comments" ADD CONSTRAINT "FK_d7d2d7241ea01c604618dcbffca" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_comments" ADD CONSTRAINT "FK_1dbdcccccdaa9d7a3cdc1d4f82b" FOREIGN KEY ("resolved_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_posts" ADD CONSTRAINT "FK_1da2a8c3a970e357f05531f0116" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_posts" ADD CONSTRAINT "FK_205d9afd1325b413e97a7f303b9" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_snapshots" ADD CONSTRAINT "FK_3cfddac7a3cb705c561d184e10c" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_updates" ADD CONSTRAINT "FK_04f1d37152f37d4f5cc91b9e90b" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_versions" ADD CONSTRAINT "FK_b504a5b710ec5832245809b7bce" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "plan_versions" ADD CONSTRAINT "FK_b8887a197c7f18aeacc02fe3b6d" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" ADD CONSTRAINT "FK_dbc78c687a7a4d680c1d1d7e88e" FOREIGN KEY ("group_id") REFERENCES "research_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" ADD CONSTRAINT "FK_3cd4971361cc5e5f09ac38b07cc" FOREIGN KEY ("plan_id") REFERENCES "lesson_plans"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" ADD CONSTRAINT "FK_74f6b02af7d52e53e2c7874ced8" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_session_attendees" ADD CONSTRAINT "FK_1b4901f6cf22223877d01291905" FOREIGN KEY ("session_id") REFERENCES "planning_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_session_attendees" ADD CONSTRAINT "FK_fce1844e3133bbebc4d77aba5a3" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "research_group_members" ADD CONSTRAINT "FK_c7025fafa2684903cfbfabc5e4a" FOREIGN KEY ("group_id") REFERENCES "research_groups"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "research_group_members" ADD CONSTRAINT "FK_5b07111373e5ebac996e5dd0ac3" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "research_group_members" DROP CONSTRAINT "FK_5b07111373e5ebac996e5dd0ac3"',
    );
    await queryRunner.query(
      'ALTER TABLE "research_group_members" DROP CONSTRAINT "FK_c7025fafa2684903cfbfabc5e4a"',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_session_attendees" DROP CONSTRAINT "FK_fce1844e3133bbebc4d77aba5a3"',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_session_attendees" DROP CONSTRAINT "FK_1b4901f6cf22223877d01291905"',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" DROP CONSTRAINT "FK_74f6b02af7d52e53e2c7874ced8"',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" DROP CONSTRAINT "FK_3cd4971361cc5e5f09ac38b07cc"',
    );
    await queryRunner.query(
      'ALTER TABLE "planning_sessions" DROP CONSTRAINT "FK_dbc78c687a7a4d680c1d1d7e88e"',
    );
    await queryRunner.query('ALTER TABLE "plan_versions" DROP CONSTRAINT "FK_b8887a197c7f18aeacc02fe3b6d"');
    await queryRunner.query('ALTER TABLE "plan_versions" DROP CONSTRAINT "FK_b504a5b710ec5832245809b7bce"');
    await queryRunner.query('ALTER TABLE "plan_updates" DROP CONSTRAINT "FK_04f1d37152f37d4f5cc91b9e90b"');
    await queryRunner.query('ALTER TABLE "plan_snapshots" DROP CONSTRAINT "FK_3cfddac7a3cb705c561d184e10c"');
    await queryRunner.query('ALTER TABLE "plan_posts" DROP CONSTRAINT "FK_205d9afd1325b413e97a7f303b9"');
    await queryRunner.query('ALTER TABLE "plan_posts" DROP CONSTRAINT "FK_1da2a8c3a970e357f05531f0116"');
    await queryRunner.query('ALTER TABLE "plan_comments" DROP CONSTRAINT "FK_1dbdcccccdaa9d7a3cdc1d4f82b"');
    await queryRunner.query('ALTER TABLE "plan_comments" DROP CONSTRAINT "FK_d7d2d7241ea01c604618dcbffca"');
    await queryRunner.query('ALTER TABLE "plan_comments" DROP CONSTRAINT "FK_3167eaca6a0d983e840f757dddc"');
    await queryRunner.query('ALTER TABLE "plan_comments" DROP CONSTRAINT "FK_b39af7437718c3fb0067fc13b8b"');
    await queryRunner.query('ALTER TABLE "lesson_plans" DROP CONSTRAINT "FK_df0d51ab4f8701ff9b9c52931bc"');
    await queryRunner.query('ALTER TABLE "lesson_plans" DROP CONSTRAINT "FK_fd8ffcfd3fc8a74dd92d9abf728"');
    await queryRunner.query('ALTER TABLE "research_groups" DROP CONSTRAINT "FK_0f2afd9a22ea1ea23b7053604d7"');
    await queryRunner.query('ALTER TABLE "research_groups" DROP CONSTRAINT "FK_25a6b499dd32b8c7b019b15c397"');
    await queryRunner.query('DROP INDEX "public"."IDX_5b07111373e5ebac996e5dd0ac"');
    await queryRunner.query('DROP TABLE "research_group_members"');
    await queryRunner.query('DROP TYPE "public"."research_group_role"');
    await queryRunner.query('DROP INDEX "public"."IDX_fce1844e3133bbebc4d77aba5a"');
    await queryRunner.query('DROP TABLE "planning_session_attendees"');
    await queryRunner.query('DROP INDEX "public"."IDX_e2affdabda52c23c686584eb69"');
    await queryRunner.query('DROP INDEX "public"."IDX_3cd4971361cc5e5f09ac38b07c"');
    await queryRunner.query('DROP TABLE "planning_sessions"');
    await queryRunner.query('DROP INDEX "public"."IDX_0f669c2a511b2ac879877a0b61"');
    await queryRunner.query('DROP TABLE "plan_versions"');
    await queryRunner.query('DROP TABLE "plan_updates"');
    await queryRunner.query('DROP TABLE "plan_snapshots"');
    await queryRunner.query('DROP INDEX "public"."IDX_ff86b0a592976c321f865c7a95"');
    await queryRunner.query('DROP TABLE "plan_posts"');
    await queryRunner.query('DROP INDEX "public"."IDX_dd9bacd7357539c2e8d281e741"');
    await queryRunner.query('DROP INDEX "public"."IDX_3167eaca6a0d983e840f757ddd"');
    await queryRunner.query('DROP TABLE "plan_comments"');
    await queryRunner.query('DROP INDEX "public"."IDX_fd8ffcfd3fc8a74dd92d9abf72"');
    await queryRunner.query('DROP TABLE "lesson_plans"');
    await queryRunner.query('DROP INDEX "public"."IDX_25a6b499dd32b8c7b019b15c39"');
    await queryRunner.query('DROP TABLE "research_groups"');
  }
}
