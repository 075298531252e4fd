"""gunicorn settings for ClaimScope; every value can be overridden from the environment."""

import os

bind = os.environ.get("CLAIMSCOPE_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("CLAIMSCOPE_WORKERS", "1"))
# one request at a time per worker keeps torch on its own threads; the pipeline also locks
threads = int(os.environ.get("CLAIMSCOPE_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("CLAIMSCOPE_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("CLAIMSCOPE_LOG_LEVEL", "info")
# no preload_app: torch must be imported after the fork (gunicorn#2478, pytorch#49555)
preload_app = False
# workers x torch threads <= cores; forked workers inherit this environment
os.environ.setdefault("CLAIMSCOPE_TORCH_THREADS", str(max(1, (os.cpu_count() or 1) // workers)))
# spaCy's matrix products run on numpy's OpenBLAS (models/nlp.py): one thread, beside torch's
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# /metrics adds up every worker through prometheus_client's multiprocess mode
if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    import tempfile

    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="claimscope-metrics-")


def child_exit(server, worker):  # noqa: ARG001 - gunicorn hook signature
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
