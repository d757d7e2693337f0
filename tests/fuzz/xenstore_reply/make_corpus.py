#!/usr/bin/env python3
"""Writes the seed corpus of xenstore_reply_fuzzer: one file per conversation a real xenstored
has with the RTOS (plus a few hostile ones), in the fuzzer's input format (see the comment at the
top of xenstore_reply_fuzzer.cc). Usage: make_corpus.py OUTPUT_DIR"""
import os
import sys

# Client calls (first byte of a round).
(READ, DIRECTORY, TX_START, WRITE, WATCH, TX_END, PV_CHECK, POLL, SET_PERMS, REATTACH, MKDIR, RM,
 UNWATCH, PV_START) = range(14)
# xenstored actions.
ANSWER, WATCH_EVENT, RAW, LIE_RSP_PROD, LIE_REQ_CONS, CONNECTION, TIMEOUT = 0, 2, 3, 4, 5, 6, 7
SAME_TYPE = 0x80  # answer with the request's own type
XS_READ, XS_WRITE, XS_WATCH_EVENT, XS_ERROR = 2, 11, 15, 16


def turn(*actions):
    """One xenstored turn: a count byte, then the actions' bytes."""
    assert 1 <= len(actions) <= 4
    return bytes([len(actions) - 1]) + b"".join(actions)


def answer(payload, type_=SAME_TYPE):
    return bytes([ANSWER, type_, len(payload)]) + payload


def watch_event(path, token):
    payload = path + b"\0" + token + b"\0"
    return bytes([WATCH_EVENT, len(payload)]) + payload


def raw_message(type_, req_id, payload):
    header = (type_.to_bytes(4, "little") + req_id.to_bytes(4, "little") + bytes(4) +
              len(payload).to_bytes(4, "little"))
    data = header + payload
    return bytes([RAW, len(data)]) + data


OK = b"OK\0"
SEEDS = {
    "read_value": bytes([READ, 32]) + turn(answer(b"4")),
    "read_enoent": bytes([READ, 32]) + turn(answer(b"ENOENT\0", XS_ERROR)),
    "read_unknown_error": bytes([READ, 32]) + turn(answer(b"EWHATEVER", XS_ERROR)),
    "read_too_long_for_buffer": bytes([READ, 4]) + turn(answer(b"0123456789")),
    "read_wrong_type": bytes([READ, 32]) + turn(answer(b"4", XS_WRITE)),
    "read_raw_reply": bytes([READ, 32]) + turn(raw_message(XS_READ, 1, b"5")),
    "read_split_over_turns": bytes([READ, 32]) + turn(raw_message(XS_READ, 1, b"")[:10]) +
                             turn(bytes([RAW, 6]) + bytes(6)),
    "directory": bytes([DIRECTORY, 32]) + turn(answer(b"version\0state\0ring-ref0\0")),
    "directory_unterminated": bytes([DIRECTORY, 32]) + turn(answer(b"version")),
    "transaction": bytes([TX_START]) + turn(answer(b"12\0")) + bytes([WRITE]) + turn(answer(OK)) +
                   bytes([TX_END, 0, 0]) + turn(answer(OK)),
    "transaction_eagain": bytes([TX_START]) + turn(answer(b"4294967295\0")) +
                          bytes([TX_END, 0, 0]) + turn(answer(b"EAGAIN\0", XS_ERROR)),
    "transaction_bad_id": bytes([TX_START]) + turn(answer(b"1x\0")),
    "watch_then_event": bytes([WATCH]) +
                        turn(answer(OK), watch_event(b"data/tandem", b"tandem/keys")) +
                        bytes([POLL]),
    "watch_event_unterminated": bytes([WATCH]) +
                                turn(answer(OK), bytes([WATCH_EVENT, 5]) + b"data/"),
    "pv_control_poweroff": bytes([PV_CHECK]) + turn(answer(b"poweroff")) + turn(answer(OK)),
    "pv_control_refused": bytes([PV_CHECK]) + turn(answer(b"suspend")) +
                          bytes([PV_CHECK]) + turn(answer(b"suspend")),
    "set_permissions": bytes([SET_PERMS, 1]) + turn(answer(OK)),
    "mkdir_rm_unwatch": bytes([MKDIR]) + turn(answer(OK)) + bytes([RM]) + turn(answer(OK)) +
                        bytes([UNWATCH]) + turn(answer(b"ENOENT\0", XS_ERROR)),
    "pv_control_start": bytes([PV_START]) + turn(answer(OK), watch_event(b"control/shutdown",
                                                                       b"tandem/control")) +
                        turn(answer(OK)) + turn(answer(b"EACCES\0", XS_ERROR)),
    "timeout_then_late_reply": bytes([READ, 32]) + turn(answer(b"4"), bytes([TIMEOUT])) +
                               bytes([READ, 32, POLL, READ, 32]) + turn(answer(b"5")),
    "lie_rsp_prod_far": bytes([READ, 32]) + turn(bytes([LIE_RSP_PROD, 0xFF, 0x7F, 0, 0, 0])) +
                        bytes([READ, 32, REATTACH, READ, 32]) + turn(answer(b"4")),
    "lie_req_cons": bytes([WRITE]) + turn(bytes([LIE_REQ_CONS, 0x10])) + turn(answer(OK)),
    "reconnecting": bytes([READ, 32]) + turn(bytes([CONNECTION, 1, 1])) +
                    turn(bytes([CONNECTION, 1, 0]), answer(b"4")),
    "oversized_header": bytes([READ, 32]) +
                        turn(bytes([RAW, 16]) + bytes([2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
                                                       0x01, 0x10, 0, 0])),
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
