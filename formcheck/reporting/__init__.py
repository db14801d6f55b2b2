"""Everything that turns a :class:`~formcheck.report.Report` into words, pictures and files.

``summary`` (the headline, the main fault, the tables), ``explain`` (the evidence behind each cue), ``plot_data`` and
``figures`` (matplotlib charts), ``pdf`` (the review and progress PDFs) and ``overlay`` (the video overlay, drawn with
OpenCV). The app, the CLI and the live coach import from here; this package imports the core and never a UI
(Streamlit) module, which ``tests/test_layers.py`` checks.
"""
