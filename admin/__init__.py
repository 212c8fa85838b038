"""The admin command: officials enter progress, inspections, design changes, photos, payment
claims and payments into a local SQLite database; a second official approves; the build reads
the approved entries through ``admin.export``. Run it as ``python -m admin``; docs/admin.md.
"""
