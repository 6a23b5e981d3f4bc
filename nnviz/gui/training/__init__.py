"""The training dock: data, the time-sliced runner, the loss plot and the decision boundary."""
