print("aggsim")
