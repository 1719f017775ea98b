"""The absah command: wires intake, worker and infra together and starts them."""
