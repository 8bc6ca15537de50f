"""Developer tools that are not part of the running app: the benchmark (``make bench``) and
the national-scale demo dataset (``flask demo-data``)."""
