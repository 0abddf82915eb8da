import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The library domain: resources, versions, files, ratings, favourites, lesson packs, reviews, notifications, tus upload sessions and the search outbox. */
export class Library1795444074870 implements MigrationInterface {
  name = 'Library1795444074870';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "resource_versions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "resource_id" uuid NOT NULL, "number" integer NOT NULL, "note" character varying(500) NOT NULL DEFAULT \'\', "created_by_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0fdf88be192638792c201ab55d1" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_599e76d5695450227d57295be5" ON "resource_versions"  ("resource_id", "number") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"resource_visibility\" AS ENUM('private', 'school', 'district', 'public')",
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"resource_status\" AS ENUM('draft', 'pending_review', 'published', 'withdrawn')",
    );
    await queryRunner.query('CREATE TYPE "public"."resource_review_stage" AS ENUM(\'school\', \'district\')');
    await queryRunner.query(
      'CREATE TABLE "resources" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(200) NOT NULL, "description" text NOT NULL DEFAULT \'\', "subject" character varying(32) NOT NULL, "stage" character varying(16) NOT NULL, "grade" character varying(16) NOT NULL, "edition" character varying(32) NOT NULL, "volume" character varying(16) NOT NULL, "unit" character varying(120) NOT NULL DEFAULT \'\', "lesson_period" smallint, "resource_type" character varying(32) NOT NULL, "tags" text array NOT NULL DEFAULT \'{}\', "license" character varying(32) NOT NULL, "author_id" uuid NOT NULL, "school_id" uuid NOT NULL, "region_id" uuid NOT NULL, "visibility" "public"."resource_visibility" NOT NULL DEFAULT \'school\', "status" "public"."resource_status" NOT NULL DEFAULT \'draft\', "requested_visibility" "public"."resource_visibility", "review_stage" "public"."resource_review_stage", "last_rejection" character varying(500), "source_resource_id" uuid, "current_version_id" uuid, "views" integer NOT NULL DEFAULT \'0\', "downloads" integer NOT NULL DEFAULT \'0\', "rating_sum" integer NOT NULL DEFAULT \'0\', "rating_count" integer NOT NULL DEFAULT \'0\', "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_632484ab9dff41bba94f9b7c85e" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_0c377dfca334dda346c507527a" ON "resources"  ("source_resource_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_6ea36fcb16ff29575160c6df0e" ON "resources"  ("review_stage", "school_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_73e6fddd323c41575a28da0fdf" ON "resources"  ("author_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_8f6ec5da8bdb5b3b6a417a577d" ON "resources"  ("school_id", "status") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_7f1ba564c9f772374ee4311c17" ON "resources"  ("region_id", "status", "visibility") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_packs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "title" character varying(120) NOT NULL, "description" text NOT NULL DEFAULT \'\', "owner_id" uuid NOT NULL, "school_id" uuid, "region_id" uuid NOT NULL, "visibility" "public"."resource_visibility" NOT NULL DEFAULT \'private\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2f2c08a56ac90e8e731b4e72f28" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_b0b2d20a476964d8bf251311ee" ON "lesson_packs"  ("region_id", "visibility") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3661ab30e79da9f2d141519193" ON "lesson_packs"  ("owner_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "lesson_pack_items" ("pack_id" uuid NOT NULL, "resource_id" uuid NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_94106f785add381c2e5f82ac3c2" PRIMARY KEY ("pack_id", "resource_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_59b00bcd035df2a36fe0f4f8cd" ON "lesson_pack_items"  ("resource_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_cb803408da225874905298b570" ON "lesson_pack_items"  ("pack_id", "position") ',
    );
    await queryRunner.query(
      'CREATE TABLE "notifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "kind" character varying(32) NOT NULL, "resource_id" uuid, "message" character varying(500) NOT NULL, "read_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6a72c3c0f683f6462415e653c3a" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_310667f935698fcd8cb319113a" ON "notifications"  ("user_id", "created_at") ',
    );
    await queryRunner.query(
      'CREATE TABLE "resource_favourites" ("resource_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8cc9c769c1c35af2ab1df38889a" PRIMARY KEY ("resource_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3fe9ac70b6da608b828ccf166d" ON "resource_favourites"  ("user_id", "created_at") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"resource_extraction_status\" AS ENUM('pending', 'running', 'done', 'failed', 'skipped')",
    );
    await queryRunner.query(
      'CREATE TABLE "resource_files" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "version_id" uuid NOT NULL, "resource_id" uuid NOT NULL, "position" smallint NOT NULL DEFAULT \'0\', "object_key" character varying(200) NOT NULL, "sha256" character(64) NOT NULL, "size" bigint NOT NULL, "kind" character varying(8) NOT NULL, "mime" character varying(128) NOT NULL, "original_name" character varying(255) NOT NULL, "created_by_id" uuid NOT NULL, "extraction_status" "public"."resource_extraction_status" NOT NULL DEFAULT \'pending\', "extraction_attempts" smallint NOT NULL DEFAULT \'0\', "extraction_error" character varying(500), "extracted_text" text, "outline" jsonb, "text_truncated" boolean NOT NULL DEFAULT false, "extracted_at" TIMESTAMP WITH TIME ZONE, "rendition_key" character varying(200), "purged_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_267c2a1b7d951ddbeddb6468ab2" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_01eb43a1de8ef102fc09902a46" ON "resource_files"  ("resource_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_0bb7e091798b7ae69f20dd3e01" ON "resource_files"  ("object_key") ',
    );
    await queryRunner.query('CREATE INDEX "IDX_88ef5435364594f279268933ce" ON "resource_files"  ("sha256") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_51e52e74fe05695006fe8e2316" ON "resource_files"  ("extraction_status", "created_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_c76b18ee7cff8ce4b829f262ee" ON "resource_files"  ("version_id", "position") ',
    );
    await queryRunner.query(
      'CREATE TABLE "resource_outbox" ("id" BIGSERIAL NOT NULL, "resource_id" uuid NOT NULL, "op" character varying(8) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "processed_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT \'0\', "last_error" text, CONSTRAINT "PK_e01be2f49237268b60797ac7f34" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_628ee0735fc559f2285577c7fa" ON "resource_outbox"  ("resource_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "idx_resource_outbox_pending" ON "resource_outbox"  ("id") WHERE processed_at IS NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "resource_ratings" ("resource_id" uuid NOT NULL, "user_id" uuid NOT NULL, "stars" smallint NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_23422b6f38773adaee47b024d7f" PRIMARY KEY ("resource_id", "user_id"))',
    );
    await queryRunner.query(
      'CREATE TABLE "review_events" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "resource_id" uuid NOT NULL, "actor_id" uuid NOT NULL, "action" character varying(16) NOT NULL, "visibility" character varying(16), "stage" character varying(16), "reason" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_56256411bd89756b5d504504f59" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_6f83753cd7009bde3ba6ad6868" ON "review_events"  ("resource_id", "created_at") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"upload_session_status\" AS ENUM('receiving', 'processing', 'completed', 'failed', 'aborted')",
    );
    await queryRunner.query(
      'CREATE TABLE "upload_sessions" ("id" character varying(64) NOT NULL, "user_id" uuid NOT NULL, "resource_id" uuid NOT NULL, "version_id" uuid NOT NULL, "file_name" character varying(255) NOT NULL, "declared_size" bigint, "status" "public"."upload_session_status" NOT NULL DEFAULT \'receiving\', "file_id" uuid, "error_code" character varying(64), "error_message" character varying(500), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4b6ca30b8bb2baa0de9c6bf8fea" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_49732c3b126082cbc977c8ad2f" ON "upload_sessions"  ("status", "updated_at") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3f9cd36f46a3b1174eb35a8a78" ON "upload_sessions"  ("user_id", "created_at") ',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_versions" ADD CONSTRAINT "FK_f74d7700c1c114308647b166458" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_versions" ADD CONSTRAINT "FK_62434be3c04ff5063fc690910ff" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "FK_85c20d7fca0e6d6f99cfe596ca6" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "FK_a2deeae711d5de6baa23f080cda" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "FK_2d50d73adc77a6ff5245996435c" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "FK_0c377dfca334dda346c507527a9" FOREIGN KEY ("source_resource_id") REFERENCES "resources"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resources" ADD CONSTRAINT "FK_33d6a910e089b1d28c488c1ac0d" FOREIGN KEY ("current_version_id") REFERENCES "resource_versions"("id") ON DELETE SET NULL ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_packs" ADD CONSTRAINT "FK_6646b1ef8989599ba6a9d442a44" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_pack_items" ADD CONSTRAINT "FK_e43674107fb49e863e160d889ba" FOREIGN KEY ("pack_id") REFERENCES "lesson_packs"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_pack_items" ADD CONSTRAINT "FK_59b00bcd035df2a36fe0f4f8cd6" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "notifications" ADD CONSTRAINT "FK_9a8a82462cab47c73d25f49261f" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_favourites" ADD CONSTRAINT "FK_874b4f98c098f5e0a1b6082fae2" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_favourites" ADD CONSTRAINT "FK_82b40ac395feb3a313db9695595" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_files" ADD CONSTRAINT "FK_9389cc64fc1d4195fb8c78e710e" FOREIGN KEY ("version_id") REFERENCES "resource_versions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_files" ADD CONSTRAINT "FK_01eb43a1de8ef102fc09902a460" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_ratings" ADD CONSTRAINT "FK_0cbc1944d4508bfec0828738fe6" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_ratings" ADD CONSTRAINT "FK_11ff5f70d5cbdb83f9e6b91ad52" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "review_events" ADD CONSTRAINT "FK_962ac9f73d8e9f4f984f6e42cf2" FOREIGN KEY ("resource_id") REFERENCES "resources"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "review_events" ADD CONSTRAINT "FK_3e58f100fdc9226145d7dd49800" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "review_events" DROP CONSTRAINT "FK_3e58f100fdc9226145d7dd49800"');
    await queryRunner.query('ALTER TABLE "review_events" DROP CONSTRAINT "FK_962ac9f73d8e9f4f984f6e42cf2"');
    await queryRunner.query(
      'ALTER TABLE "resource_ratings" DROP CONSTRAINT "FK_11ff5f70d5cbdb83f9e6b91ad52"',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_ratings" DROP CONSTRAINT "FK_0cbc1944d4508bfec0828738fe6"',
    );
    await queryRunner.query('ALTER TABLE "resource_files" DROP CONSTRAINT "FK_01eb43a1de8ef102fc09902a460"');
    await queryRunner.query('ALTER TABLE "resource_files" DROP CONSTRAINT "FK_9389cc64fc1d4195fb8c78e710e"');
    await queryRunner.query(
      'ALTER TABLE "resource_favourites" DROP CONSTRAINT "FK_82b40ac395feb3a313db9695595"',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_favourites" DROP CONSTRAINT "FK_874b4f98c098f5e0a1b6082fae2"',
    );
    await queryRunner.query('ALTER TABLE "notifications" DROP CONSTRAINT "FK_9a8a82462cab47c73d25f49261f"');
    await queryRunner.query(
      'ALTER TABLE "lesson_pack_items" DROP CONSTRAINT "FK_59b00bcd035df2a36fe0f4f8cd6"',
    );
    await queryRunner.query(
      'ALTER TABLE "lesson_pack_items" DROP CONSTRAINT "FK_e43674107fb49e863e160d889ba"',
    );
    await queryRunner.query('ALTER TABLE "lesson_packs" DROP CONSTRAINT "FK_6646b1ef8989599ba6a9d442a44"');
    await queryRunner.query('ALTER TABLE "resources" DROP CONSTRAINT "FK_33d6a910e089b1d28c488c1ac0d"');
    await queryRunner.query('ALTER TABLE "resources" DROP CONSTRAINT "FK_0c377dfca334dda346c507527a9"');
    await queryRunner.query('ALTER TABLE "resources" DROP CONSTRAINT "FK_2d50d73adc77a6ff5245996435c"');
    await queryRunner.query('ALTER TABLE "resources" DROP CONSTRAINT "FK_a2deeae711d5de6baa23f080cda"');
    await queryRunner.query('ALTER TABLE "resources" DROP CONSTRAINT "FK_85c20d7fca0e6d6f99cfe596ca6"');
    await queryRunner.query(
      'ALTER TABLE "resource_versions" DROP CONSTRAINT "FK_62434be3c04ff5063fc690910ff"',
    );
    await queryRunner.query(
      'ALTER TABLE "resource_versions" DROP CONSTRAINT "FK_f74d7700c1c114308647b166458"',
    );
    await queryRunner.query('DROP INDEX "public"."IDX_3f9cd36f46a3b1174eb35a8a78"');
    await queryRunner.query('DROP INDEX "public"."IDX_49732c3b126082cbc977c8ad2f"');
    await queryRunner.query('DROP TABLE "upload_sessions"');
    await queryRunner.query('DROP TYPE "public"."upload_session_status"');
    await queryRunner.query('DROP INDEX "public"."IDX_6f83753cd7009bde3ba6ad6868"');
    await queryRunner.query('DROP TABLE "review_events"');
    await queryRunner.query('DROP TABLE "resource_ratings"');
    await queryRunner.query('DROP INDEX "public"."idx_resource_outbox_pending"');
    await queryRunner.query('DROP INDEX "public"."IDX_628ee0735fc559f2285577c7fa"');
    await queryRunner.query('DROP TABLE "resource_outbox"');
    await queryRunner.query('DROP INDEX "public"."IDX_c76b18ee7cff8ce4b829f262ee"');
    await queryRunner.query('DROP INDEX "public"."IDX_51e52e74fe05695006fe8e2316"');
    await queryRunner.query('DROP INDEX "public"."IDX_88ef5435364594f279268933ce"');
    await queryRunner.query('DROP INDEX "public"."IDX_0bb7e091798b7ae69f20dd3e01"');
    await queryRunner.query('DROP INDEX "public"."IDX_01eb43a1de8ef102fc09902a46"');
    await queryRunner.query('DROP TABLE "resource_files"');
    await queryRunner.query('DROP TYPE "public"."resource_extraction_status"');
    await queryRunner.query('DROP INDEX "public"."IDX_3fe9ac70b6da608b828ccf166d"');
    await queryRunner.query('DROP TABLE "resource_favourites"');
    await queryRunner.query('DROP INDEX "public"."IDX_310667f935698fcd8cb319113a"');
    await queryRunner.query('DROP TABLE "notifications"');
    await queryRunner.query('DROP INDEX "public"."IDX_cb803408da225874905298b570"');
    await queryRunner.query('DROP INDEX "public"."IDX_59b00bcd035df2a36fe0f4f8cd"');
    await queryRunner.query('DROP TABLE "lesson_pack_items"');
    await queryRunner.query('DROP INDEX "public"."IDX_3661ab30e79da9f2d141519193"');
    await queryRunner.query('DROP INDEX "public"."IDX_b0b2d20a476964d8bf251311ee"');
    await queryRunner.query('DROP TABLE "lesson_packs"');
    await queryRunner.query('DROP INDEX "public"."IDX_7f1ba564c9f772374ee4311c17"');
    await queryRunner.query('DROP INDEX "public"."IDX_8f6ec5da8bdb5b3b6a417a577d"');
    await queryRunner.query('DROP INDEX "public"."IDX_73e6fddd323c41575a28da0fdf"');
    await queryRunner.query('DROP INDEX "public"."IDX_6ea36fcb16ff29575160c6df0e"');
    await queryRunner.query('DROP INDEX "public"."IDX_0c377dfca334dda346c507527a"');
    await queryRunner.query('DROP TABLE "resources"');
    await queryRunner.query('DROP TYPE "public"."resource_review_stage"');
    await queryRunner.query('DROP TYPE "public"."resource_status"');
    await queryRunner.query('DROP TYPE "public"."resource_visibility"');
    await queryRunner.query('DROP INDEX "public"."IDX_599e76d5695450227d57295be5"');
    await queryRunner.query('DROP TABLE "resource_versions"');
  }
}
