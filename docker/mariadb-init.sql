-- Generated from stack/mariadb.ts (tcsInitStatements): the TCS tables and the
-- local accounts docker-compose.kafka.yml's MariaDB creates on its first start. Regenerate
-- with: REVAL_WRITE_COMPOSE_SQL=1 npx jest stack/compose.test.ts

CREATE DATABASE IF NOT EXISTS `tcs` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS `tcs`.`ContactDetails` (
  id BIGINT NOT NULL PRIMARY KEY,
  forenames VARCHAR(255),
  surname VARCHAR(255),
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`GmcDetails` (
  id BIGINT NOT NULL PRIMARY KEY,
  gmcNumber VARCHAR(255),
  gmcStatus VARCHAR(255),
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`Person` (
  id BIGINT NOT NULL PRIMARY KEY,
  role VARCHAR(255),
  addedDate DATETIME,
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`ProgrammeMembership` (
  uuid CHAR(36) NOT NULL PRIMARY KEY,
  personId BIGINT NOT NULL,
  programmeId BIGINT,
  programmeMembershipType VARCHAR(20),
  programmeStartDate DATE,
  programmeEndDate DATE,
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY personId (personId)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`CurriculumMembership` (
  id BIGINT NOT NULL PRIMARY KEY,
  programmeMembershipUuid CHAR(36),
  curriculumId BIGINT,
  curriculumStartDate DATE,
  curriculumEndDate DATE,
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY programmeMembershipUuid (programmeMembershipUuid)
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`Programme` (
  id BIGINT NOT NULL PRIMARY KEY,
  programmeName VARCHAR(255),
  programmeNumber VARCHAR(255),
  owner VARCHAR(255),
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
) ENGINE=InnoDB;

CREATE TABLE IF NOT EXISTS `tcs`.`Placement` (
  id BIGINT NOT NULL PRIMARY KEY,
  traineeId BIGINT,
  gradeId BIGINT,
  dateFrom DATE,
  dateTo DATE,
  amendedDate TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  KEY traineeId (traineeId)
) ENGINE=InnoDB;

CREATE USER IF NOT EXISTS 'debezium'@'%' IDENTIFIED BY 'debezium-local';

GRANT SELECT, RELOAD, SHOW DATABASES, LOCK TABLES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'debezium'@'%';

CREATE USER IF NOT EXISTS 'reval'@'%' IDENTIFIED BY 'reval-local';

GRANT ALL PRIVILEGES ON *.* TO 'reval'@'%';
