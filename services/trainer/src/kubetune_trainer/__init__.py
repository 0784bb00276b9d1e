"""kubetune's reference trainer: the program that runs inside a FineTuneJob's pod."""
