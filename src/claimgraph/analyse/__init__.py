"""Cross-source analysis: copies and stories, link assessment, profiles and briefings."""
