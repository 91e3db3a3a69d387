"""Public feedback board (phản ánh, kiến nghị): reports, triage, public board and Open311 GeoReport v2."""
