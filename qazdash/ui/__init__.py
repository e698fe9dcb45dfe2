"""The only part of qazdash that imports streamlit: cached loaders, shared widgets, URL state."""
