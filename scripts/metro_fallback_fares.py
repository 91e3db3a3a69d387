"""Regenerate the single-journey ESTIMATE rows of the Line 1 GTFS-Fares v2 files from the fallback rule.

Usage: .venv/bin/python scripts/metro_fallback_fares.py
The rule and its parameters live in data/metro/metro.json ("fare_table.fallback_rule"). When HURC1 publishes
the official per-pair table, replace data/metro/gtfs/fare_leg_rules.txt (and the single_* rows of
fare_products.txt) with it, use another leg_group_id, and set "fare_table.status" to "official".
"""

from citizen_app.metro.catalog import write_fallback_fares

if __name__ == "__main__":
    write_fallback_fares()
