"""Small Streamlit helpers shared by app.py and the pages (the only Streamlit code outside app_pages/)."""
