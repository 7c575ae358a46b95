"""The example council's fictional directory (services.json) and the catalogue it is built from."""
