#!/usr/bin/env python3
"""Writes the seed corpus of libtandem_response_fuzzer: sessions with an honest RTOS and with
one that restarts, closes, pauses, forges responses or indices, or publishes bad keys, in the
fuzzer's input format (the comment at the top of libtandem_response_fuzzer.cc).
Usage: make_corpus.py OUTPUT_DIR"""
import os
import struct
import sys

# libtandem's rounds. Without a session: an even byte opens one, an odd one runs Transact.
OPEN, TRANSACT = 0, 1
PING, TOGGLE, STATS, BATCH, WAIT_TAKE, TAKE, CLOSE = range(7)
# The RTOS's actions while libtandem waits.
POLL, HEADER_WORD, SLOT, RSP_PROD, EVENT, RUN_STATE, RESTART, SHUTDOWN = 0, 2, 3, 4, 5, 6, 7, 8
# Keys the input may override (index into the fuzzer's kKeys), and "erase it".
VERSION, RING_REF0, RING_REF1, EVENT_CHANNEL, STATE, NAME = range(6)
ERASE = 0xFF
PAUSED, DESTROYED = 1, 4
# ResponsePageHeader word indices (wire.h).
MAGIC, PROTOCOL_VERSION, SIZES, RSP_PROD_WORD = 0, 1, 2, 8


def word(v):
    return struct.pack(">I", v)  # the fuzzer assembles words most significant byte first


def turn(*actions):
    assert 1 <= len(actions) <= 4
    return bytes([len(actions) - 1]) + b"".join(actions)


def keys(*pairs):
    out = bytes([len(pairs)])
    for key, value in pairs:
        out += bytes([key, ERASE]) if value is None else bytes([key, len(value)]) + value
    return out


def slot(index, payload=b"", results=None, payload_len=None, op=None, id_delta=None):
    """A response in slot `index`; unset fields are copied from the request in that slot."""
    how = 0x1F
    out = b""
    if id_delta is not None:
        how &= ~1
    if op is not None:
        how &= ~2
    if results is not None:
        how &= ~8
    if payload_len is not None:
        how &= ~16
    out = bytes([SLOT, index, how])
    if id_delta is not None:
        out += bytes([id_delta & 0xFF])
    if op is not None:
        out += word(op)
    if results is not None:
        out += b"".join(word(r) for r in results)
    if payload_len is not None:
        out += bytes([payload_len])
    return out + bytes([len(payload)]) + payload


poll = bytes([POLL])
event = bytes([EVENT])
publish_one = bytes([RSP_PROD, 1])
open_session = keys() + bytes([OPEN]) + turn(poll)

SEEDS = {
    "ping": open_session + bytes([PING]) + turn(poll),
    "toggle": open_session + bytes([TOGGLE]) + turn(poll),
    "stats": open_session + bytes([STATS]) + turn(poll) + turn(poll),
    "batch_wait_take": open_session + bytes([BATCH, 2, WAIT_TAKE]) + turn(poll) + bytes([CLOSE]),
    "transact": keys() + bytes([TRANSACT]) + turn(poll) + turn(poll),
    "restart_mid_call": open_session + bytes([PING]) + turn(bytes([RESTART])) + turn(poll) +
                        bytes([PING]) + turn(poll),
    "rtos_closes": open_session + bytes([PING]) + turn(bytes([SHUTDOWN]), event) + bytes([PING]),
    "forged_echo": open_session + bytes([PING]) +
                   turn(slot(0, b"tandem ping"), publish_one, event),
    "forged_bad_echo": open_session + bytes([PING]) +
                       turn(slot(0, b"tandem pong"), publish_one, event),
    "forged_other_op": open_session + bytes([TOGGLE]) +
                       turn(slot(0, op=0x0100), publish_one, event),
    "forged_level_2": open_session + bytes([TOGGLE]) +
                      turn(slot(0, results=(2, 0, 0, 0)), publish_one, event),
    "forged_task_count": open_session + bytes([STATS]) +
                         turn(slot(0, b"demo", results=(1, 0, 0, 100000)), publish_one, event),
    "forged_unknown_id": open_session + bytes([PING]) +
                         turn(slot(0, id_delta=5), publish_one, event),
    "rsp_prod_far_ahead": open_session + bytes([PING]) +
                          turn(bytes([RSP_PROD, 0xFF]) + word(0x7F000000), event) +
                          bytes([PING]) + turn(poll),
    "rsp_prod_backwards": open_session + bytes([BATCH, 1]) + bytes([WAIT_TAKE]) +
                          turn(poll, bytes([RSP_PROD, 0xF0]), event),
    "bad_magic": open_session + bytes([PING]) +
                 turn(bytes([HEADER_WORD, MAGIC]) + word(0), event),
    "other_major_version": open_session + bytes([PING]) +
                           turn(bytes([HEADER_WORD, PROTOCOL_VERSION]) + word(0x20000), event),
    "bad_slot_sizes": keys() + bytes([OPEN]) +
                      turn(bytes([HEADER_WORD, SIZES]) + word(0x10002000)),
    "paused_during_call": open_session + bytes([PING]) + turn(bytes([RUN_STATE, PAUSED])),
    "destroyed_during_call": open_session + bytes([PING]) + turn(bytes([RUN_STATE, DESTROYED])),
    "key_version_2": keys((VERSION, b"2.0")) + bytes([OPEN]),
    "key_same_refs": keys((RING_REF0, b"11")) + bytes([OPEN]),
    "key_bad_port": keys((EVENT_CHANNEL, b"007")) + bytes([OPEN]),
    "key_no_state": keys((STATE, None)) + bytes([OPEN]),
    "key_state_closing": keys((STATE, b"5")) + bytes([OPEN]),
    "key_bad_name": keys((NAME, b"\x01bad/name")) + bytes([OPEN]) + turn(poll),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
