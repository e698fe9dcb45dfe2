"""qazdash: Kazakhstan's trade corridors — data, validation, store and builders (no streamlit here)."""

__version__ = "0.1.0"
