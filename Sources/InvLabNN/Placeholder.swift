// Module InvLabNN: under construction in this session.
