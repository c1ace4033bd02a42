"""Product code behind `rostra train` and `rostra eval`: dataset loaders, training, evaluation."""
