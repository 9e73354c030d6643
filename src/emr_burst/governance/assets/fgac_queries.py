"""The two teams' verification jobs, as one PySpark script: ``fgac_queries.py <q1,q2,...>``.

Queries (each printed with its row count, or with the error Lake Formation returns):

- ``patients``: every visible patient row (team1 sees no ``ssn`` and only Texas and New York;
  team2 gets an access-denied error);
- ``claims``: every claim;
- ``claims-by-state``: claims joined with patients, by state and claim date (team1).

The job template's ``dev`` catalog is the consumer's Glue Data Catalog; the tables are resource
links in ``consumer_healthcare_db``.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession  # type: ignore[import-not-found]  # runs on EMR only

DATABASE = "dev.consumer_healthcare_db"
QUERIES = {
    "patients": f"SELECT * FROM {DATABASE}.rl_patients",
    "claims": f"SELECT * FROM {DATABASE}.rl_claims",
    "claims-by-state": (
        "SELECT p.state, c.claim_id, c.claim_date, p.patient_name, c.diagnosis_code, "
        "c.procedure_code, c.amount, c.status, c.provider_id "
        f"FROM {DATABASE}.rl_claims c JOIN {DATABASE}.rl_patients p "
        "ON c.patient_id = p.patient_id ORDER BY p.state, c.claim_date"
    ),
}


def main(arguments: list[str]) -> int:
    names = [n for argument in arguments for n in argument.split(",") if n] or ["claims"]
    unknown = sorted(set(names) - set(QUERIES))
    if unknown:
        print(f"unknown queries {unknown}; use {sorted(QUERIES)}")
        return 2
    spark = SparkSession.builder.appName("lake-formation-fgac-check").getOrCreate()
    failed = 0
    for name in names:
        try:
            frame = spark.sql(QUERIES[name])
            frame.show(truncate=False)
            print(f"{name}: {frame.count()} rows, columns {frame.columns}")
        except Exception as err:  # Lake Formation refusals surface as Spark analysis errors
            failed += 1
            print(f"{name}: refused: {err}")
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
