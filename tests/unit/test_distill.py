"""Distillation helpers (layer keeping, soft-target loss) and the fast / full model-set choice."""

from __future__ import annotations

import pytest


def _tiny_tagger(layers: int = 4):
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=50,
        hidden_size=16,
        num_hidden_layers=layers,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=3,
    )
    return BertForTokenClassification(config).eval()


def test_keep_layers_keeps_the_chosen_layers_in_order():
    import torch

    from models.training.distill import keep_layers

    model = _tiny_tagger(4)
    originals = list(model.bert.encoder.layer)
    keep_layers(model, ["0", "2"])
    assert model.config.num_hidden_layers == 2
    assert list(model.bert.encoder.layer) == [originals[0], originals[2]]
    ids = torch.tensor([[1, 5, 7, 2]])
    with torch.inference_mode():
        logits = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    assert logits.shape == (1, 4, 3)


@pytest.mark.parametrize("bad", [[], [4], [-1]])
def test_keep_layers_rejects_bad_indices(bad):
    from models.training.distill import keep_layers

    model = _tiny_tagger(4)
    with pytest.raises(ValueError):
        keep_layers(model, bad)
    assert model.config.num_hidden_layers == 4


def test_distill_loss_is_zero_for_the_teacher_itself_and_positive_otherwise():
    import torch

    from models.training.distill import distill_loss

    torch.manual_seed(0)
    teacher = torch.randn(2, 5, 3)
    assert distill_loss(teacher, teacher, 2.0).item() == pytest.approx(0.0, abs=1e-6)
    student = torch.randn(2, 5, 3, requires_grad=True)
    loss = distill_loss(student, teacher, 2.0)
    assert loss.item() > 0
    loss.backward()
    assert student.grad is not None and student.grad.abs().sum() > 0


def test_distill_loss_counts_only_masked_positions():
    import torch

    from models.training.distill import distill_loss

    torch.manual_seed(1)
    teacher = torch.randn(1, 4, 3)
    student = teacher.clone()
    student[0, 3] = torch.tensor([9.0, -9.0, 0.0])  # differs only at a padding position
    mask = torch.tensor([[True, True, True, False]])
    assert distill_loss(student, teacher, 1.0, mask=mask).item() == pytest.approx(0.0, abs=1e-6)
    assert distill_loss(student, teacher, 1.0).item() > 0.1


@pytest.fixture
def weights_dir(tmp_path, monkeypatch):
    import models.encoder

    for name in ("attribution", "attribution-fast", "checkworthiness"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.safetensors").write_bytes(b"")
    monkeypatch.setattr(models.encoder, "WEIGHTS_DIR", tmp_path)
    return tmp_path


def test_fast_set_serves_a_student_where_one_exists(weights_dir, monkeypatch):
    from models.components import DEFAULT_MODEL_SET, weights_for

    assert DEFAULT_MODEL_SET == "full"
    assert weights_for("attribution") == weights_dir / "attribution"
    assert weights_for("attribution", "fast") == weights_dir / "attribution-fast"
    assert weights_for("checkworthiness", "fast") == weights_dir / "checkworthiness"  # no student: full model
    assert weights_for("attribution", "full") == weights_dir / "attribution"


def test_unknown_model_set_is_refused(weights_dir):
    from models import Settings
    from models.components import weights_for

    with pytest.raises(ValueError, match="unknown model set"):
        weights_for("attribution", "tiny")
    with pytest.raises(ValueError, match="unknown models 'medium'"):
        Settings(models="medium")


def test_build_student_from_a_trained_model_with_its_teacher(tmp_path):
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from models.training.loop import build_student

    config = BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=4, num_attention_heads=2,
                        intermediate_size=32, num_labels=3)
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(str(tmp_path))
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "ceasefire", "holds"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(str(tmp_path / "vocab.txt")).save_pretrained(str(tmp_path))

    _, student, teacher = build_student(3, {0: "a", 1: "b", 2: "c"}, init=tmp_path, keep="0,3", teacher_path=tmp_path)
    assert student.config.num_hidden_layers == 2 and teacher.config.num_hidden_layers == 4
    assert not teacher.training
    kept = student.bert.encoder.layer[1].attention.self.query.weight
    assert torch.equal(kept, teacher.bert.encoder.layer[3].attention.self.query.weight)
    with pytest.raises(ValueError, match="labels"):
        build_student(2, {0: "a", 1: "b"}, init=tmp_path)


def test_length_batches_group_similar_lengths_within_budget() -> None:
    from models.classifier import length_batches

    lengths = [80, 10, 12, 11, 79, 9, 40]
    batches = length_batches(lengths, max_batch=3, token_budget=100)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 3 and len(batch) * max(lengths[i] for i in batch) <= 100 or len(batch) == 1
    assert batches[0] == [5, 1, 3]  # the three shortest, in length order
    assert [4] in batches and [0] in batches  # each long one alone: two of them would pass the budget
    assert length_batches([], 8, 512) == []
    assert length_batches([600], 8, 512) == [[0]]  # one row longer than the budget still runs
