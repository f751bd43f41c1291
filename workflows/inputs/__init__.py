"""What the outside may send: strict JSON rules, refused characters, excerpts of input."""
