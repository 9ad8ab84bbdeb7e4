"""Health check and metrics for the people who run eBakul (issue 16, ADR 0301)."""
