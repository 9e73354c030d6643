#!/usr/bin/env bash
# Seed the producer's Iceberg tables (healthcare_db.patients and .claims) with sample rows.
#
# CloudFormation creates the tables but cannot insert rows; Athena can. Run this once in the
# producer account, as a Lake Formation data lake administrator, after EmrBurstLakeFormationProducer
# is deployed:
#
#   ./seed_healthcare.sh <data bucket name> <region>
#
# The data bucket name is the stack output DataBucketName. Query results go to
# s3://<bucket>/athena-results/, outside the registered warehouse/ prefix.
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

# Twelve patients: four each in California, Texas and New York (the filter keeps eight).
run "INSERT INTO patients VALUES
 (2001, 'Avery Stone',   DATE '1980-02-11', 'F', 'San Diego',   'California', '900-11-0001', current_timestamp, current_timestamp),
 (2002, 'Blake Rivers',  DATE '1975-07-23', 'M', 'Fresno',      'California', '900-11-0002', current_timestamp, current_timestamp),
 (2003, 'Casey Moreno',  DATE '1991-12-02', 'F', 'Oakland',     'California', '900-11-0003', current_timestamp, current_timestamp),
 (2004, 'Drew Patel',    DATE '1968-04-30', 'M', 'Sacramento',  'California', '900-11-0004', current_timestamp, current_timestamp),
 (2005, 'Emery Walsh',   DATE '1983-09-14', 'F', 'Austin',      'Texas',      '900-11-0005', current_timestamp, current_timestamp),
 (2006, 'Finley Grant',  DATE '1959-01-05', 'M', 'El Paso',     'Texas',      '900-11-0006', current_timestamp, current_timestamp),
 (2007, 'Gray Nakamura', DATE '1999-06-19', 'F', 'Dallas',      'Texas',      '900-11-0007', current_timestamp, current_timestamp),
 (2008, 'Harper Quinn',  DATE '1972-10-08', 'M', 'Houston',     'Texas',      '900-11-0008', current_timestamp, current_timestamp),
 (2009, 'Indy Laurent',  DATE '1987-03-27', 'F', 'Buffalo',     'New York',   '900-11-0009', current_timestamp, current_timestamp),
 (2010, 'Jules Okafor',  DATE '1964-08-16', 'M', 'Albany',      'New York',   '900-11-0010', current_timestamp, current_timestamp),
 (2011, 'Kai Lindqvist', DATE '1995-05-03', 'F', 'Rochester',   'New York',   '900-11-0011', current_timestamp, current_timestamp),
 (2012, 'Logan Mercer',  DATE '1978-11-29', 'M', 'Syracuse',    'New York',   '900-11-0012', current_timestamp, current_timestamp)"

# Ten claims, across the three states' patients.
run "INSERT INTO claims VALUES
 ('C-0001', 2001, DATE '2025-01-06', 'J20.9', '99213', 180.00,  'APPROVED', 'PRV-10', current_timestamp, current_timestamp),
 ('C-0002', 2003, DATE '2025-01-19', 'E11.9', '83036', 95.50,   'PENDING',  'PRV-11', current_timestamp, current_timestamp),
 ('C-0003', 2005, DATE '2025-02-02', 'I10',   '99214', 240.00,  'APPROVED', 'PRV-12', current_timestamp, current_timestamp),
 ('C-0004', 2006, DATE '2025-02-17', 'M54.5', '97110', 130.25,  'DENIED',   'PRV-12', current_timestamp, current_timestamp),
 ('C-0005', 2007, DATE '2025-03-03', 'K21.9', '43239', 1250.00, 'APPROVED', 'PRV-13', current_timestamp, current_timestamp),
 ('C-0006', 2008, DATE '2025-03-21', 'R51',   '70450', 610.75,  'PENDING',  'PRV-14', current_timestamp, current_timestamp),
 ('C-0007', 2009, DATE '2025-04-04', 'J45.909','94010', 210.00, 'APPROVED', 'PRV-15', current_timestamp, current_timestamp),
 ('C-0008', 2010, DATE '2025-04-22', 'E78.5', '80061', 75.00,   'APPROVED', 'PRV-15', current_timestamp, current_timestamp),
 ('C-0009', 2011, DATE '2025-05-09', 'N39.0', '81001', 42.00,   'DENIED',   'PRV-16', current_timestamp, current_timestamp),
 ('C-0010', 2012, DATE '2025-05-30', 'S93.401A','73610', 330.40,'PENDING',  'PRV-17', current_timestamp, current_timestamp)"
