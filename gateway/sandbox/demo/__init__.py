"""The generated demo data set and its users."""
