"""Statistics for planners: the enquiry records counted by any dimensions and period, published
with small-number suppression, exported as CSV and JSON. Imports only iaa."""
