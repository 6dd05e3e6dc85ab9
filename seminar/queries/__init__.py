"""Reads, per feature: what pages, downloads and services need to know, in a fixed number of
queries whatever the size of a cohort. Nothing here writes."""
