// Module InvLabCLI: under construction in this session.
