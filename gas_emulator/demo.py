"""``make demo``: the project's main job on its embedded defaults (replaced as features land)."""

from __future__ import annotations

from . import Emulator


def main() -> int:
    emu = Emulator()
    with emu.execution(user="alice@example.com") as ex:
        lock = ex.LockService.getScriptLock()
        lock.waitLock(30_000)
        print("script lock held:", lock.hasLock())
        lock.releaseLock()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
