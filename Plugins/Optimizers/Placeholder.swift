// Plugin module: under construction in this session.
