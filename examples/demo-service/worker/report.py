"""Nightly order report for the orders service (secflow demo: deliberately vulnerable)."""
import hashlib
import subprocess

import yaml


def load_settings(path):
    with open(path) as handle:
        return yaml.load(handle)  # unsafe loader: arbitrary Python objects


def archive(name):
    # Command injection: the report name reaches a shell.
    subprocess.call("tar czf /tmp/%s.tgz /var/lib/orders" % name, shell=True)


def checksum(data):
    return hashlib.md5(data).hexdigest()
