# gunicorn loads this file from its working directory when no -c is given.
import multiprocessing

bind = "0.0.0.0:8000"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "gevent"

# Above the ALB's 60 s idle timeout, so the ALB closes idle connections first.
keepalive = 75
graceful_timeout = 25

accesslog = "-"
