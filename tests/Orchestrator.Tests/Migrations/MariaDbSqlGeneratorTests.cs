using Orchestrator.Engines.MariaDb;
using Orchestrator.Migrations.Generation;

namespace Orchestrator.Tests.Migrations;

public sealed class MariaDbSqlGeneratorTests : SqlGeneratorTests
{
    protected override SqlGenerator Generator { get; } = new MariaDbSqlGenerator();

    protected override int LongestIdentifier => 64;

    protected override string? PartialIndex => null;

    protected override IReadOnlyDictionary<string, string> Expected { get; } = new Dictionary<string, string>
    {
        ["create table with every type"] = """
            CREATE TABLE `all_types` (`i16` SMALLINT NULL, `i32` INTEGER NULL, `i64` BIGINT NULL, `s` LONGTEXT NULL, `s50` VARCHAR(50) NULL, `fixed` CHAR(3) NULL, `ansi` VARCHAR(20) CHARACTER SET latin1 NULL, `flag` TINYINT(1) NULL, `dec` DECIMAL(10,2) NULL, `dbl` DOUBLE NULL, `flt` FLOAT NULL, `d` DATE NULL, `t` TIME NULL, `dt` DATETIME NULL, `dt2` DATETIME(6) NULL, `dto` DATETIME(6) NULL, `g` CHAR(36) NULL, `bin` VARBINARY(16) NULL, `money` DECIMAL(19,4) NULL, `x` LONGTEXT NULL, `j` JSON NULL, `jb` JSON NULL, `c` int4range NULL) ENGINE=InnoDB
            """,
        ["create table with key, identity, defaults and nullability"] = """
            CREATE TABLE `users` (`id` INTEGER NOT NULL AUTO_INCREMENT, `name` VARCHAR(100) NOT NULL DEFAULT 'it\'s', `nickname` VARCHAR(100) NULL, `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, `created_utc` DATETIME NULL DEFAULT (UTC_TIMESTAMP()), `uid` CHAR(36) NULL DEFAULT (UUID()), `active` TINYINT(1) NULL DEFAULT 1, PRIMARY KEY (`id`)) ENGINE=InnoDB
            """,
        ["create table with unique, index, foreign key and descriptions"] = """
            CREATE TABLE `orders` (`id` BIGINT NOT NULL, `code` VARCHAR(20) NOT NULL, `placed_on` DATE NULL, `user_id` INTEGER NOT NULL, `note` LONGTEXT NULL COMMENT 'Free text', PRIMARY KEY (`id`)) ENGINE=InnoDB COMMENT 'Customer orders'
            CREATE UNIQUE INDEX `IX_orders_code` ON `orders` (`code`)
            CREATE INDEX `ix_orders_placed` ON `orders` (`placed_on`)
            ALTER TABLE `orders` ADD CONSTRAINT `FK_orders_user_id_users_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE
            """,
        ["create table in a schema"] = """
            CREATE TABLE `shop`.`items` (`id` INTEGER NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB
            """,
        ["create column"] = """
            ALTER TABLE `users` ADD COLUMN `email` VARCHAR(200) NOT NULL DEFAULT ''
            """,
        ["alter table adds and alters columns"] = """
            ALTER TABLE `users` ADD COLUMN `age` SMALLINT NULL
            ALTER TABLE `users` MODIFY COLUMN `name` VARCHAR(200) NOT NULL
            """,
        ["alter column"] = """
            ALTER TABLE `app`.`users` MODIFY COLUMN `nickname` VARCHAR(50) NULL DEFAULT 'none'
            """,
        ["delete table, columns, index, foreign key, unique constraint, schema and sequence"] = """
            DROP TABLE `shop`.`old`
            ALTER TABLE `t` DROP COLUMN `a`
            ALTER TABLE `t` DROP COLUMN `b`
            DROP INDEX `ix_t_a` ON `t`
            ALTER TABLE `t` DROP FOREIGN KEY `fk_t_u`
            ALTER TABLE `t` DROP INDEX `uq_t_code`
            DROP DATABASE `shop`
            DROP SEQUENCE `shop`.`seq`
            """,
        ["create index over several columns"] = """
            CREATE UNIQUE INDEX `ix_orders_user_placed` ON `orders` (`user_id`, `placed_on` DESC)
            """,
        ["create index with include, concurrently and a default name"] = """
            CREATE INDEX `IX_orders_code` ON `orders` (`code`)
            """,
        ["create foreign key"] = """
            ALTER TABLE `app`.`orders` ADD CONSTRAINT `fk_orders_users` FOREIGN KEY (`user_id`) REFERENCES `auth`.`users` (`id`) ON DELETE SET NULL ON UPDATE CASCADE
            """,
        ["create unique constraint"] = """
            ALTER TABLE `users` ADD CONSTRAINT `uq_users_email_tenant` UNIQUE (`email`, `tenant`)
            """,
        ["create schema"] = """
            CREATE DATABASE `reporting`
            """,
        ["create sequence"] = """
            CREATE SEQUENCE `shop`.`order_numbers` START WITH 1000 INCREMENT BY 5 MINVALUE 1 MAXVALUE 999999 CACHE 20 CYCLE
            """,
        ["rename table and column"] = """
            RENAME TABLE `customers` TO `clients`
            ALTER TABLE `clients` RENAME COLUMN `fullname` TO `full_name`
            """,
        ["insert rows with every kind of value"] = """
            INSERT INTO `settings` (`key`, `enabled`, `ratio`, `count`, `missing`, `at`, `id`, `blob`) VALUES ('quote \' and backslash \\', 1, 1.5, 42, NULL, '2024-02-29 13:45:06.789000', '0f8fad5b-d9cb-469f-a165-70867728950e', X'0102FF')
            INSERT INTO `settings` (`key`) VALUES ('second')
            """,
        ["update rows"] = """
            UPDATE `users` SET `active` = 0, `nickname` = 'x' WHERE `id` = 7 AND `deleted_at` IS NULL
            UPDATE `app`.`users` SET `active` = 1
            """,
        ["delete rows"] = """
            DELETE FROM `users` WHERE `id` = 1
            DELETE FROM `users` WHERE `id` = 2 AND `name` = 'b'
            DELETE FROM `sessions`
            """,
        ["execute sql"] = """
            SELECT 1
            """,
        ["if database"] = """
            SELECT 'mariadb only'
            CREATE DATABASE `both`
            """,
    };
}
