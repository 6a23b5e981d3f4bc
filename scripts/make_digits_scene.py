"""Write the "Digits" scene of the example lecture: a 64-32-10 ReLU network trained on the 8×8 digits.

    python scripts/make_digits_scene.py      # replaces the scene in nnviz/resources/lecture-init.json

Same settings as the digits benchmark (softmax + cross-entropy, SGD with momentum 0.9, learning rate 0.1,
batch 32, 20 epochs, 75/25 split, seed 7); the scene's input is a correctly classified test "3".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnviz.core import Network
from nnviz.core.datasets import load_dataset, train_test_split
from nnviz.core.scenes import Scene, example_lecture, save_scenes
from nnviz.core.targets import predict_labels
from nnviz.core.training import Trainer

TITLE = "Digits"
NOTES = ("A real classifier: 64 inputs (an 8×8 image of a handwritten digit), 32 ReLU units, and 10 softmax "
         "outputs that are the probabilities of the digits 0–9, trained with cross-entropy to about 97 % test "
         "accuracy. Draw in the Input image panel (left button inks, right button erases) and watch the "
         "Outputs follow every stroke. In Training choose “Digits (8×8)” to show real samples and the confusion "
         "matrix; Receptive fields shows what each hidden unit looks for.")
SEED = 7
LECTURE = Path(__file__).resolve().parent.parent / "nnviz" / "resources" / "lecture-init.json"


def digits_scene() -> Scene:
    data = load_dataset("digits")
    X_train, y_train, X_test, y_test = train_test_split(data.X, data.y, 0.25, seed=SEED)
    net = Network([64, 32, 10], activation="relu", output_activation="softmax", loss="cross_entropy",
                  init="he_normal", seed=SEED, bias=True, learning_rate=0.1)
    trainer = Trainer(net, X_train, y_train, batch_size=32, momentum=0.9, X_test=X_test, y_test=y_test,
                      classification=True)
    for _ in range(20):
        trainer.step_epoch()
    predicted = predict_labels(net, X_test)
    print(f"test accuracy {np.mean(predicted == y_test):.3f}")
    three = next(i for i in range(len(y_test)) if y_test[i] == 3 and predicted[i] == 3)
    return Scene(TITLE, net, X_test[three].copy(), NOTES)


def main() -> int:
    scenes = [s for s in example_lecture() if s.title != TITLE]
    save_scenes(LECTURE, [*scenes, digits_scene()])
    print(f"wrote {LECTURE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
