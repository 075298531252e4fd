import models
import schemas
import service


def test_public_api_is_exported():
    assert sorted(models.__all__) == sorted(n for n in models.__all__ if hasattr(models, n))
    assert {"ClaimPipeline", "DocumentInput", "load_predictor", "FakePredictor"} <= set(models.__all__)
    assert {"ExtractIn", "ExtractOut", "BatchIn"} <= set(schemas.__all__)
    assert service.__all__ == ["create_app"]


def test_models_do_not_import_the_web_layer():
    import sys

    assert "models" in sys.modules
    for name in ("models.pipeline", "models.speakers", "models.spacy_extractor"):
        source = open(sys.modules["models"].__path__[0] + "/" + name.split(".")[1] + ".py").read()
        assert "import flask" not in source and "from flask" not in source and "from service" not in source


def test_schemas_and_models_agree_where_each_keeps_its_own_list():
    """schemas/ may not import models/ (nor models/ schemas/), so the API contract and the models
    each keep these values; they must not drift apart."""
    from models.base import STANCE_SCOPES
    from models.stance import LABELS
    from models.steps.claims import claim_type
    from models.steps.targets import MAX_TARGETS
    from schemas.extract import CLAIM_TYPES, STANCE_LABELS, OptionsIn
    from schemas.extract import MAX_TARGETS as API_MAX_TARGETS

    assert STANCE_LABELS == LABELS
    assert API_MAX_TARGETS == MAX_TARGETS
    assert {claim_type(f) for f in (0.0, 0.5, 1.0)} | {"unattributed"} == set(CLAIM_TYPES)
    assert tuple(OptionsIn().fields["stance_scope"].validate.choices) == STANCE_SCOPES
