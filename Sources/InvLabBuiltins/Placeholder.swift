// Module InvLabBuiltins: under construction in this session.
