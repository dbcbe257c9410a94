"""gunicorn's settings for Haven, the same for production and `make serve`:

    gunicorn config.wsgi --config config/gunicorn.py --bind ADDRESS:PORT

Options on the command line (or in GUNICORN_CMD_ARGS) win over these. docs/deployment.md,
"Scaling out", says how many app processes to run and what they share.
"""

import os


def _cores() -> int:
    """The cores this process may run on (a container's share, not the host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Loopback unless told otherwise: the TLS proxy in front of Haven says where to listen
# (--bind). gunicorn would otherwise listen on every interface when PORT is set.
bind = ["127.0.0.1:8000"]

# One request at a time per process (sync workers), two per core and one more, the usual measure
# for a server whose requests wait on their database: WEB_CONCURRENCY, or --workers, sets
# another. Threads would serve more requests per process, but a request stuck in a thread is
# never stopped by `timeout`; in a process of its own it is.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * _cores() + 1))
worker_class = "sync"
threads = 1
# The longest a request may take before its process is ended and replaced: a write on SQLite may
# wait 30 s for its turn (config/settings.py), and a child's printed sheet takes a few seconds.
timeout = 60
graceful_timeout = 30
# A process is replaced after about a thousand requests, so memory that PDF drawing or a large
# page holds on to is given back; the jitter keeps the processes from restarting all at once.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file of each process, in memory rather than on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "haven"

# Whether a request came over HTTPS is Django's to decide, from X-Forwarded-Proto and only
# behind a proxy that sets it (HAVEN_BEHIND_PROXY, SECURE_PROXY_SSL_HEADER in config/settings.py):
# gunicorn must not trust the header on its own from any local address.
secure_scheme_headers: dict[str, str] = {}
# No runtime control socket (gunicorn ≥ 25 opens one in the home directory by default): Haven's
# processes are managed by signals, and two servers on one machine would share its path.
control_socket_disable = True

# Logs on standard output and error. The access log has the method, the path, the status, the
# size and the time: never the query string, the referrer (another page's address with its
# query) or any part of a request's body, where a person's search or a case's content could be.
# Haven's paths carry only opaque IDs (DP-15).
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms'
