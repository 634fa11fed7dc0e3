"""Quality evaluator (whitepaper 4.3): per-conversation metrics of Table 1 (`evaluator.Evaluator`), the acceptance
verdict (`base.Verdict`) and dataset-level diversity forcing (`dedup`). Import the modules themselves: this package
stays empty so that importing one part does not load the others."""
