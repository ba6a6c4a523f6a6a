"""Everything that is not UI. Nothing below this folder imports streamlit."""
