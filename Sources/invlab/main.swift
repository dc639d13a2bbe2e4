print("invlab")
