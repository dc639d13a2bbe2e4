// Module InvLabCore: under construction in this session.
