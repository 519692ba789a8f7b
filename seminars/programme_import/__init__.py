"""Importing the yearly programme from CSV or XLSX files."""
