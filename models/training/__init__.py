"""Training and evaluation, kept out of the runtime modules (nothing in ``models/`` imports it).

Data (read from ``--data-root``, by default ``shared/data`` beside the repository): ``data``
(the root), ``polnear``, ``stance_data``, ``checkworthiness_data``, ``news_data`` (the project's
news labels through the pipeline). Training: ``loop`` (the optimisation loop, ``fine_tune`` for the
classifiers, ``fine_tune_tagger`` for the attribution tagger), ``distill`` (students and the
soft-target loss). Scripts: ``train_*``, ``eval_*``, ``news_stance``, ``news_items``.
"""
