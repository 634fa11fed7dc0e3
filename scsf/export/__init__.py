"""Dataset exports for fine-tuning (ShareGPT now; Alpaca and ChatML with the LoRA pipeline)."""
