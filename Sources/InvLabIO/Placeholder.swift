// Module InvLabIO: under construction in this session.
