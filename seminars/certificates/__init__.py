"""Certificates of attendance (Teilnahmebescheinigungen) and their public verification."""
