"""emotext: Shaw's customer emotions, clusters and NEV from customer feedback."""

__version__ = "0.1.0.dev0"
