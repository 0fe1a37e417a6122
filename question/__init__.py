"""What a question asks, worked out once before retrieval: the first stage is the place names."""
