"""HTTP beside Streamlit: the sign-in, sign-out and health routes, and several servers behind nginx.

Imports auth, record and core; `ui` imports the route paths from here.
"""
