"""Queries on a store: similarity, nearest neighbours, analogies, odd-one-out."""


class QueryMixin:
    """Query methods of `Vectors` (kept here so that store.py stays about storage)."""
