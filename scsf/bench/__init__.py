"""Benchmarks behind `scsf-appliance bench ...`: each returns a JSON-able dict of measurements."""
