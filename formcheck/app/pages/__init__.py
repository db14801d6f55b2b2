"""Thin Streamlit pages; the logic they call lives in :mod:`formcheck.app`."""
