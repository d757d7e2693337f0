#!/usr/bin/env python3
"""Writes the seed corpus of channel_request_fuzzer: rounds of what Linux writes into the request
page after a proper handshake, in the fuzzer's input format (the comment above its round loop):
[kind][bytes] with kind % 4: 0 = a slot published at req_prod, 1 = a header word, 2 = req_prod
moved by a step, 3 = raw bytes into any slot; kind >> 2, if not 0, is the budget of the Poll
that follows. Usage: make_corpus.py OUTPUT_DIR"""
import os
import struct
import sys

SLOT, HEADER_WORD, STEP, RAW_SLOT = range(4)
PING, GPIO_SET, GPIO_GET, GPIO_TOGGLE, GPIO_CONFIGURE, TASK_STATS, APP = (
    0x0001, 0x0100, 0x0101, 0x0102, 0x0103, 0x0200, 0x8001)
# RequestPageHeader word indices (wire.h).
STATE, SESSION, REQ_PROD = 2, 3, 5


def request(id_, op, args=(0, 0, 0, 0), payload=b"", flags=0, payload_len=None):
    n = len(payload) if payload_len is None else payload_len
    return struct.pack("<QHHI4I", id_, op, n, flags, *args) + payload.ljust(32, b"\0")


def slot(req):
    return bytes([SLOT]) + req


def header_word(index, value):
    return bytes([HEADER_WORD, index]) + struct.pack("<I", value)


SEEDS = {
    "gpio_set": slot(request(1, GPIO_SET, (1, 1, 0, 0))),
    "gpio_get_toggle": slot(request(1, GPIO_GET, (2, 0, 0, 0))) +
                       slot(request(2, GPIO_TOGGLE, (2, 0, 0, 0))),
    "gpio_configure": slot(request(7, GPIO_CONFIGURE, (3, 1, 1, 0))),
    "ping_payload": slot(request(9, PING, (1, 2, 3, 4), b"tandem ping")),
    "task_stats_reset": slot(request(3, TASK_STATS, (0, 1, 0, 0))),
    "app_command": slot(request(4, APP, (0, 0, 0, 0), b"abc")),
    "bad_payload_len": slot(request(5, GPIO_SET, (1, 1, 0, 0), payload_len=0xFFFF)),
    "bad_flags": slot(request(6, GPIO_GET, (1, 0, 0, 0), flags=1)),
    "req_prod_far_ahead": bytes([STEP, 200]),
    "req_prod_backwards": slot(request(1, GPIO_GET)) + header_word(REQ_PROD, 0),
    "new_session": slot(request(1, GPIO_GET)) + header_word(SESSION, 2) +
                   slot(request(2, GPIO_GET)),
    "linux_closing": header_word(STATE, 5) + header_word(STATE, 6) + header_word(STATE, 4),
    "raw_slot_then_publish": bytes([RAW_SLOT, 0]) + request(8, GPIO_SET, (4, 1, 0, 0)) +
                             bytes([STEP, 1]),
    "handler_overlong_payload": slot(request(10, APP, payload=bytes(31) + b"\xa5")),
    # The kind byte's upper bits set Poll's budget: 1 here, with two requests waiting.
    "budget_of_one": bytes([RAW_SLOT, 0]) + request(11, GPIO_GET) + bytes([RAW_SLOT, 1]) +
                     request(12, GPIO_GET) + bytes([STEP | 1 << 2, 2]) + bytes([STEP, 0]),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
