"""Which x86 instruction sets this machine lets a process execute, proven by running each one
(vectorstore/cpu.py), and the llama.cpp build flags that follow from them.

    python scripts/cpu_features.py               # the proven sets, one per line
    python scripts/cpu_features.py --cmake-args  # llama.cpp build flags: no -march=native, AMX off

The build made from ``--cmake-args`` is still proven once more at run time by a short generation
(``assistant.modelsupervisor``) before it serves an answer.
"""

from __future__ import annotations

import argparse
import sys

from vectorstore.cpu import _PROBES, cmake_args, proven

__all__ = ["_PROBES", "cmake_args", "proven"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cmake-args", action="store_true", help="print llama.cpp CMake flags instead")
    args = parser.parse_args(argv)
    sets = proven()
    print(cmake_args(sets) if args.cmake_args else "\n".join(sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
