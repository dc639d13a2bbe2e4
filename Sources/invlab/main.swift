import InvLabCLI

InvlabMain.run()
