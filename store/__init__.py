"""The store: schema, connection, demo data and the command line. Never imports streamlit."""
