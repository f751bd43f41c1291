"""Random draws (随机抽取): the seeded algorithms, who may be drawn, draw records and replay,
the seats handed out, and the service operations diagrams call."""
