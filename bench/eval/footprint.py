"""P5 footprint: what each component of a Tandem RT image puts in it, from the GNU ld map that
tandem_rt_image() writes beside the image (arch/arm64/CMakeLists.txt).

The map lists, under each output section of the image, the input sections the linker kept
after --gc-sections, each with its size and the object (or archive member) it came from. An
input section is charged to the component of its file: the library's archive for the kernel, the
port, the Xen layer, the channel and the drivers; the application's own objects (and oilc's
generated configuration) for the application. Template code is charged where it is instantiated
(e.g. the PL061 driver's command handler in the application's object): the report says so.
"""

import dataclasses
import pathlib
import re

# Output sections of linker.ld and the column each one is reported in.
SECTIONS = {".text": "text", ".rodata": "rodata", ".init_array": "data", ".data": "data",
            ".got": "data", ".got.plt": "data", ".bss": "bss"}
COLUMNS = ("text", "rodata", "data", "bss")

# Archive (by file name) -> component. Anything not from an archive is the application's.
COMPONENTS = {
    "libtandem_kernel.a": "kernel",
    # The kernel with its scheduling trace (docs/trace.md), which the demo links.
    "libtandem_kernel_trace.a": "kernel",
    "libtandem_port_arm64.a": "port (arm64)",
    "libtandem_xen.a": "Xen layer",
    "libtandem_channel.a": "channel",
    "libtandem_channel_xen.a": "channel",
    "libtandem_drivers.a": "drivers",
}
ORDER = ("kernel", "port (arm64)", "Xen layer", "channel", "drivers", "application")
FILL = "alignment fill"

_OUTPUT = re.compile(r"^(\.[\w.]+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)")
# An input section on one line, or the address/size/file continuation of a long name's line.
_INPUT = re.compile(r"^ (\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$")
_INPUT_NAME_ONLY = re.compile(r"^ (\.\S+)$")
_CONTINUATION = re.compile(r"^\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S.*)$")
_FILL = re.compile(r"^ \*fill\*\s+0x[0-9a-f]+\s+0x([0-9a-f]+)")


class MapError(Exception):
    pass


@dataclasses.dataclass
class Footprint:
    """Bytes per component and column; `sections` holds the output sections' own sizes."""
    by_component: dict
    sections: dict

    def total(self, column, component=None):
        if component is None:
            return sum(self.sections.get(s, 0) for s, c in SECTIONS.items() if c == column)
        return self.by_component.get(component, {}).get(column, 0)

    def loaded(self):
        """Bytes of the loaded image (everything but .bss): what the flat binary holds."""
        return sum(self.total(c) for c in COLUMNS if c != "bss")


def component_of(path: str) -> str:
    m = re.search(r"([^/\s(]+\.a)\(", path)
    if m:
        return COMPONENTS.get(m.group(1), m.group(1))
    return "application"


def parse_map(text: str) -> Footprint:
    start = text.find("Linker script and memory map")
    if start < 0:
        raise MapError("not a GNU ld map: no 'Linker script and memory map' part")
    by_component = {}
    sections = {}
    column = None
    pending = None  # a long input section name whose size is on the next line
    for line in text[start:].splitlines():
        m = _OUTPUT.match(line)
        if m:
            column = SECTIONS.get(m.group(1))
            if column:
                sections[m.group(1)] = int(m.group(2), 16)
            pending = None
            continue
        if line and not line.startswith(" "):
            column = None  # an output section of no interest (.iplt, /DISCARD/, ...)
            pending = None
            continue
        if column is None:
            continue
        size = path = None
        if pending is not None:
            m = _CONTINUATION.match(line)
            pending = None
            if m:
                size, path = int(m.group(1), 16), m.group(2)
        elif (m := _FILL.match(line)):
            size, path = int(m.group(1), 16), None
        elif (m := _INPUT.match(line)) and not m.group(1).startswith("*"):
            size, path = int(m.group(2), 16), m.group(3)
        elif _INPUT_NAME_ONLY.match(line):
            pending = line.strip()
        if size:
            who = FILL if path is None else component_of(path)
            row = by_component.setdefault(who, dict.fromkeys(COLUMNS, 0))
            row[column] += size
    if ".text" not in sections:
        raise MapError("the map has no .text output section")
    return Footprint(by_component, sections)


def load(map_path) -> Footprint:
    path = pathlib.Path(map_path)
    try:
        return parse_map(path.read_text())
    except OSError as e:
        raise MapError(f"cannot read the linker map {path}: {e.strerror}") from e
    except MapError as e:
        raise MapError(f"{path}: {e}") from e
