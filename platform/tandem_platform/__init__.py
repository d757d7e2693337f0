"""Tandem platform tooling: fetch Debian's arm64 Xen/Linux, generate configs, boot QEMU.

Pure Python 3 standard library (no pip packages) so that a fresh Debian 12 needs nothing beyond
the apt packages listed in docs/platform.md.
"""
