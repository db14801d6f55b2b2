"""The Streamlit app's logic, kept in plain functions so it can be tested without a browser.

Nothing here imports mediapipe when the module is imported: the model code loads only when a video is analysed.
The Streamlit page modules in :mod:`formcheck.app.pages` stay thin and call into these modules.
"""
