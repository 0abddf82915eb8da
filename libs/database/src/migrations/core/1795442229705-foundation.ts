import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795442229705 implements MigrationInterface {
  name = 'Foundation1795442229705';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE TABLE "regions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(120) NOT NULL, "code" character varying(32) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_4f6dc5a464961e7c65a395ea4c6" UNIQUE ("code"), CONSTRAINT "PK_4fcd12ed6a046276e2deb08801c" PRIMARY KEY ("id"))',
    );
    await queryRunner.query("CREATE TYPE \"public\".\"school_locale\" AS ENUM('urban', 'town', 'rural')");
    await queryRunner.query(
      'CREATE TABLE "schools" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "locale" "public"."school_locale" NOT NULL, "stages" text array NOT NULL DEFAULT \'{}\', "enrolment" integer NOT NULL DEFAULT \'0\', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_95b932e47ac129dd8e23a0db548" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_f39b580ca1785aa54c569b3d33" ON "schools"  ("region_id", "name") ',
    );
    await queryRunner.query('CREATE TYPE "public"."classroom_kind" AS ENUM(\'room\', \'class\')');
    await queryRunner.query(
      'CREATE TABLE "classrooms" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "school_id" uuid NOT NULL, "name" character varying(120) NOT NULL, "kind" "public"."classroom_kind" NOT NULL DEFAULT \'class\', "grade" character varying(16), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_20b7b82896c06eda27548bd0c24" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_5e83b0c2a3ca907a7e23d3bb23" ON "classrooms"  ("school_id", "name") ',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"user_role\" AS ENUM('platform_admin', 'district_admin', 'school_admin', 'teacher')",
    );
    await queryRunner.query(
      'CREATE TABLE "users" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254), "phone" character varying(20), "display_name" character varying(80) NOT NULL, "password_hash" character varying(255) NOT NULL, "role" "public"."user_role" NOT NULL, "region_id" uuid, "school_id" uuid, "is_master_teacher" boolean NOT NULL DEFAULT false, "subjects" text array NOT NULL DEFAULT \'{}\', "disabled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_users_phone" ON "users"  ("phone") WHERE phone IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") WHERE email IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE TABLE "refresh_tokens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rotated_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a7838d2ba25be1342091b6695f1" UNIQUE ("token_hash"), CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3ddc983c5f7bcf132fd8732c3f" ON "refresh_tokens"  ("user_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_d5e27da0cd39bc3bb2811fc8ba" ON "refresh_tokens"  ("family_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "invites" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "role" "public"."user_role" NOT NULL DEFAULT \'teacher\', "region_id" uuid NOT NULL, "school_id" uuid, "code_hash" character(64) NOT NULL, "is_master_teacher" boolean NOT NULL DEFAULT false, "note" character varying(80), "created_by_id" uuid NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "used_by_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_b2d755b74c2711d049158dbd81d" UNIQUE ("code_hash"), CONSTRAINT "PK_aa52e96b44a714372f4dd31a0af" PRIMARY KEY ("id"))',
    );
    await queryRunner.query(
      "CREATE TYPE \"public\".\"pairing_status\" AS ENUM('proposed', 'active', 'ended')",
    );
    await queryRunner.query(
      'CREATE TABLE "pairings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "region_id" uuid NOT NULL, "urban_school_id" uuid NOT NULL, "master_teacher_id" uuid NOT NULL, "term" character varying(11) NOT NULL, "subjects" text array NOT NULL, "status" "public"."pairing_status" NOT NULL DEFAULT \'proposed\', "created_by_id" uuid NOT NULL, "activated_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "end_reason" character varying(200), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_db617dbea5aade9510d4a31c4f7" PRIMARY KEY ("id"))',
    );
    await queryRunner.query('CREATE INDEX "IDX_c9a4093a0d2677b0ee4cc55f7f" ON "pairings"  ("region_id") ');
    await queryRunner.query(
      'CREATE INDEX "IDX_0ae490458c85df62dba11a50dd" ON "pairings"  ("urban_school_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "pairing_partner_schools" ("pairing_id" uuid NOT NULL, "school_id" uuid NOT NULL, CONSTRAINT "PK_f4ce2d18ba4731395891af4cd8e" PRIMARY KEY ("pairing_id", "school_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_6307fc7e36a04c2888a37fb2e2" ON "pairing_partner_schools"  ("pairing_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_d24141183e3fbd2a75fdcafab0" ON "pairing_partner_schools"  ("school_id") ',
    );
    await queryRunner.query(
      'CREATE TABLE "pairing_classrooms" ("pairing_id" uuid NOT NULL, "classroom_id" uuid NOT NULL, CONSTRAINT "PK_b89871e45a7db75ccc2d89e98f8" PRIMARY KEY ("pairing_id", "classroom_id"))',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_3459b459636006ea7d5d05289b" ON "pairing_classrooms"  ("pairing_id") ',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_975cb24808ea364470d3837d0e" ON "pairing_classrooms"  ("classroom_id") ',
    );
    await queryRunner.query(
      'ALTER TABLE "schools" ADD CONSTRAINT "FK_34c5b9042783fd87b444bd4b4ab" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "classrooms" ADD CONSTRAINT "FK_e646169186c787163efbef45f99" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_1901e9aae03c8897b7dd460c27f" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "users" ADD CONSTRAINT "FK_25e1cf8f41bae2f3d11f3c2a028" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "refresh_tokens" ADD CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_7f272b614964ed5c2fb53463081" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_7f2f179b9f5940e0f8f41847cfa" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "invites" ADD CONSTRAINT "FK_5e2a07492128e96a16b3fdcf9a0" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "pairings" ADD CONSTRAINT "FK_c9a4093a0d2677b0ee4cc55f7f3" FOREIGN KEY ("region_id") REFERENCES "regions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "pairings" ADD CONSTRAINT "FK_0ae490458c85df62dba11a50dd1" FOREIGN KEY ("urban_school_id") REFERENCES "schools"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "pairings" ADD CONSTRAINT "FK_075a8778435e260e98be59908b9" FOREIGN KEY ("master_teacher_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_partner_schools" ADD CONSTRAINT "FK_6307fc7e36a04c2888a37fb2e29" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_partner_schools" ADD CONSTRAINT "FK_d24141183e3fbd2a75fdcafab02" FOREIGN KEY ("school_id") REFERENCES "schools"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_classrooms" ADD CONSTRAINT "FK_3459b459636006ea7d5d05289bf" FOREIGN KEY ("pairing_id") REFERENCES "pairings"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_classrooms" ADD CONSTRAINT "FK_975cb24808ea364470d3837d0e0" FOREIGN KEY ("classroom_id") REFERENCES "classrooms"("id") ON DELETE CASCADE ON UPDATE CASCADE',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "pairing_classrooms" DROP CONSTRAINT "FK_975cb24808ea364470d3837d0e0"',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_classrooms" DROP CONSTRAINT "FK_3459b459636006ea7d5d05289bf"',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_partner_schools" DROP CONSTRAINT "FK_d24141183e3fbd2a75fdcafab02"',
    );
    await queryRunner.query(
      'ALTER TABLE "pairing_partner_schools" DROP CONSTRAINT "FK_6307fc7e36a04c2888a37fb2e29"',
    );
    await queryRunner.query('ALTER TABLE "pairings" DROP CONSTRAINT "FK_075a8778435e260e98be59908b9"');
    await queryRunner.query('ALTER TABLE "pairings" DROP CONSTRAINT "FK_0ae490458c85df62dba11a50dd1"');
    await queryRunner.query('ALTER TABLE "pairings" DROP CONSTRAINT "FK_c9a4093a0d2677b0ee4cc55f7f3"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_5e2a07492128e96a16b3fdcf9a0"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_7f2f179b9f5940e0f8f41847cfa"');
    await queryRunner.query('ALTER TABLE "invites" DROP CONSTRAINT "FK_7f272b614964ed5c2fb53463081"');
    await queryRunner.query('ALTER TABLE "refresh_tokens" DROP CONSTRAINT "FK_3ddc983c5f7bcf132fd8732c3f4"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_25e1cf8f41bae2f3d11f3c2a028"');
    await queryRunner.query('ALTER TABLE "users" DROP CONSTRAINT "FK_1901e9aae03c8897b7dd460c27f"');
    await queryRunner.query('ALTER TABLE "classrooms" DROP CONSTRAINT "FK_e646169186c787163efbef45f99"');
    await queryRunner.query('ALTER TABLE "schools" DROP CONSTRAINT "FK_34c5b9042783fd87b444bd4b4ab"');
    await queryRunner.query('DROP INDEX "public"."IDX_975cb24808ea364470d3837d0e"');
    await queryRunner.query('DROP INDEX "public"."IDX_3459b459636006ea7d5d05289b"');
    await queryRunner.query('DROP TABLE "pairing_classrooms"');
    await queryRunner.query('DROP INDEX "public"."IDX_d24141183e3fbd2a75fdcafab0"');
    await queryRunner.query('DROP INDEX "public"."IDX_6307fc7e36a04c2888a37fb2e2"');
    await queryRunner.query('DROP TABLE "pairing_partner_schools"');
    await queryRunner.query('DROP INDEX "public"."IDX_0ae490458c85df62dba11a50dd"');
    await queryRunner.query('DROP INDEX "public"."IDX_c9a4093a0d2677b0ee4cc55f7f"');
    await queryRunner.query('DROP TABLE "pairings"');
    await queryRunner.query('DROP TYPE "public"."pairing_status"');
    await queryRunner.query('DROP TABLE "invites"');
    await queryRunner.query('DROP INDEX "public"."IDX_d5e27da0cd39bc3bb2811fc8ba"');
    await queryRunner.query('DROP INDEX "public"."IDX_3ddc983c5f7bcf132fd8732c3f"');
    await queryRunner.query('DROP TABLE "refresh_tokens"');
    await queryRunner.query('DROP INDEX "public"."uq_users_email"');
    await queryRunner.query('DROP INDEX "public"."uq_users_phone"');
    await queryRunner.query('DROP TABLE "users"');
    await queryRunner.query('DROP TYPE "public"."user_role"');
    await queryRunner.query('DROP INDEX "public"."IDX_5e83b0c2a3ca907a7e23d3bb23"');
    await queryRunner.query('DROP TABLE "classrooms"');
    await queryRunner.query('DROP TYPE "public"."classroom_kind"');
    await queryRunner.query('DROP INDEX "public"."IDX_f39b580ca1785aa54c569b3d33"');
    await queryRunner.query('DROP TABLE "schools"');
    await queryRunner.query('DROP TYPE "public"."school_locale"');
    await queryRunner.query('DROP TABLE "regions"');
  }
}
