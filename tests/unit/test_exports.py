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
