"""The plans' indicators as typed records: extracted at ingest, stored beside the index, answered exactly."""
