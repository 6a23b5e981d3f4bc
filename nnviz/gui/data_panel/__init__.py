"""Panels for data sets beyond the plane: the input as an image, output probabilities, receptive fields,
the confusion matrix; and the model of which data set sample is on the inputs."""
