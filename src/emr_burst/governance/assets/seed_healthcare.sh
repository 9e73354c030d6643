#!/usr/bin/env bash
# Seed the producer's Iceberg tables (healthcare_db.patients and .claims) with the post's rows.
#
# CloudFormation creates the tables but cannot insert rows; Athena can. Run this once in the
# producer account after EmrBurstLakeFormationProducer is deployed:
#
#   ./seed_healthcare.sh <data bucket name> <region>
#
# The data bucket name is the stack output DataBucketName. Query results go to
# s3://<bucket>/athena-results/, outside the registered warehouse/ prefix.
#
# Lake Formation permissions first. The tables are created by the stack's CloudFormation execution
# role; a data lake administrator has no implicit data access to them, so the principal running
# this script (an administrator or not) needs SELECT, INSERT and ALTER (and DESCRIBE, to read the
# table definition) on both tables, granted once by a data lake administrator:
#
#   for table in patients claims; do
#     aws lakeformation grant-permissions --region <region> \
#       --principal DataLakePrincipalIdentifier=arn:aws:iam::<producer account>:role/<seeding role> \
#       --permissions SELECT INSERT ALTER DESCRIBE \
#       --resource "{\"Table\": {\"CatalogId\": \"<producer account>\", \"DatabaseName\": \"healthcare_db\", \"Name\": \"${table}\"}}"
#   done
#
# Rows: the post's ids are exact: patients 1001-1012 (1001-1004 California, 1005-1008 Texas,
# 1009-1012 New York) and claims CLM001-CLM010 (CLM00n for patient 100n, CLM010 for 1010). Every
# other value (names, birth dates, genders, cities, SSNs, codes, amounts, statuses, providers,
# timestamps) is illustrative: the post gives only the ids and the mix of states.
set -euo pipefail

bucket="${1:?usage: seed_healthcare.sh <data bucket> <region>}"
region="${2:?usage: seed_healthcare.sh <data bucket> <region>}"
output="s3://${bucket}/athena-results/"

run() {
  local id state
  id=$(aws athena start-query-execution --region "$region" \
    --query-execution-context Database=healthcare_db \
    --result-configuration "OutputLocation=${output}" \
    --query-string "$1" --query 'QueryExecutionId' --output text)
  while true; do
    state=$(aws athena get-query-execution --region "$region" --query-execution-id "$id" \
      --query 'QueryExecution.Status.State' --output text)
    case "$state" in
      SUCCEEDED) echo "ok: ${1:0:60}..."; return 0 ;;
      FAILED|CANCELLED)
        aws athena get-query-execution --region "$region" --query-execution-id "$id" \
          --query 'QueryExecution.Status.StateChangeReason' --output text >&2
        return 1 ;;
    esac
    sleep 2
  done
}

# Twelve patients, 1001-1012: four each in California, Texas and New York (the filter keeps eight).
run "INSERT INTO patients VALUES
 (1001, 'Avery Stone',   DATE '1980-02-11', 'F', 'San Diego',   'California', '900-11-0001', TIMESTAMP '2025-03-01 09:00:00', TIMESTAMP '2025-03-01 09:00:00'),
 (1002, 'Blake Rivers',  DATE '1975-07-23', 'M', 'Fresno',      'California', '900-11-0002', TIMESTAMP '2025-03-01 09:01:00', TIMESTAMP '2025-03-01 09:01:00'),
 (1003, 'Casey Moreno',  DATE '1991-12-02', 'F', 'Oakland',     'California', '900-11-0003', TIMESTAMP '2025-03-01 09:02:00', TIMESTAMP '2025-03-01 09:02:00'),
 (1004, 'Drew Patel',    DATE '1968-04-30', 'M', 'Sacramento',  'California', '900-11-0004', TIMESTAMP '2025-03-01 09:03:00', TIMESTAMP '2025-03-01 09:03:00'),
 (1005, 'Emery Walsh',   DATE '1983-09-14', 'F', 'El Paso',     'Texas',      '900-11-0005', TIMESTAMP '2025-03-01 09:04:00', TIMESTAMP '2025-03-01 09:04:00'),
 (1006, 'Finley Grant',  DATE '1959-01-05', 'M', 'Lubbock',     'Texas',      '900-11-0006', TIMESTAMP '2025-03-01 09:05:00', TIMESTAMP '2025-03-01 09:05:00'),
 (1007, 'Gray Nakamura', DATE '1999-06-19', 'F', 'Fort Worth',  'Texas',      '900-11-0007', TIMESTAMP '2025-03-01 09:06:00', TIMESTAMP '2025-03-01 09:06:00'),
 (1008, 'Harper Quinn',  DATE '1972-10-08', 'M', 'Waco',        'Texas',      '900-11-0008', TIMESTAMP '2025-03-01 09:07:00', TIMESTAMP '2025-03-01 09:07:00'),
 (1009, 'Indy Laurent',  DATE '1987-03-27', 'F', 'Ithaca',      'New York',   '900-11-0009', TIMESTAMP '2025-03-01 09:08:00', TIMESTAMP '2025-03-01 09:08:00'),
 (1010, 'Jules Okafor',  DATE '1964-08-16', 'M', 'Utica',       'New York',   '900-11-0010', TIMESTAMP '2025-03-01 09:09:00', TIMESTAMP '2025-03-01 09:09:00'),
 (1011, 'Kai Lindqvist', DATE '1995-05-03', 'F', 'Yonkers',     'New York',   '900-11-0011', TIMESTAMP '2025-03-01 09:10:00', TIMESTAMP '2025-03-01 09:10:00'),
 (1012, 'Logan Mercer',  DATE '1978-11-29', 'M', 'Syracuse',    'New York',   '900-11-0012', TIMESTAMP '2025-03-01 09:11:00', TIMESTAMP '2025-03-01 09:11:00')"

# Ten claims, CLM001-CLM010, one for each of patients 1001-1010.
run "INSERT INTO claims VALUES
 ('CLM001', 1001, DATE '2025-01-06', 'J20.9', '99213', 180.00,  'APPROVED', 'PRV-10', TIMESTAMP '2025-03-02 09:00:00', TIMESTAMP '2025-03-02 09:00:00'),
 ('CLM002', 1002, DATE '2025-01-19', 'E11.9', '83036', 95.50,   'PENDING',  'PRV-11', TIMESTAMP '2025-03-02 09:01:00', TIMESTAMP '2025-03-02 09:01:00'),
 ('CLM003', 1003, DATE '2025-02-02', 'I10',   '99214', 240.00,  'APPROVED', 'PRV-12', TIMESTAMP '2025-03-02 09:02:00', TIMESTAMP '2025-03-02 09:02:00'),
 ('CLM004', 1004, DATE '2025-02-17', 'M54.5', '97110', 130.25,  'DENIED',   'PRV-12', TIMESTAMP '2025-03-02 09:03:00', TIMESTAMP '2025-03-02 09:03:00'),
 ('CLM005', 1005, DATE '2025-03-03', 'K21.9', '43239', 1250.00, 'APPROVED', 'PRV-13', TIMESTAMP '2025-03-02 09:04:00', TIMESTAMP '2025-03-02 09:04:00'),
 ('CLM006', 1006, DATE '2025-03-21', 'R51',   '70450', 610.75,  'PENDING',  'PRV-14', TIMESTAMP '2025-03-02 09:05:00', TIMESTAMP '2025-03-02 09:05:00'),
 ('CLM007', 1007, DATE '2025-04-04', 'J45.909', '94010', 210.00, 'APPROVED', 'PRV-15', TIMESTAMP '2025-03-02 09:06:00', TIMESTAMP '2025-03-02 09:06:00'),
 ('CLM008', 1008, DATE '2025-04-22', 'E78.5', '80061', 75.00,   'APPROVED', 'PRV-15', TIMESTAMP '2025-03-02 09:07:00', TIMESTAMP '2025-03-02 09:07:00'),
 ('CLM009', 1009, DATE '2025-05-09', 'N39.0', '81001', 42.00,   'DENIED',   'PRV-16', TIMESTAMP '2025-03-02 09:08:00', TIMESTAMP '2025-03-02 09:08:00'),
 ('CLM010', 1010, DATE '2025-05-30', 'S93.401A', '73610', 330.40, 'PENDING', 'PRV-17', TIMESTAMP '2025-03-02 09:09:00', TIMESTAMP '2025-03-02 09:09:00')"
