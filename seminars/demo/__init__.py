"""A realistic demo programme for development and first impressions."""
