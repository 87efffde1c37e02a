"""The writers, one per format; each is the only module that imports its library."""
