"""Blueprints of the ClaimScope API."""
