// Module InvLabSpec: under construction in this session.
