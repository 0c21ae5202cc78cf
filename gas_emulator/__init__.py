"""gas_emulator: a faithful local Google Apps Script runtime with a deterministic simulator.

    from gas_emulator import Emulator
    emu = Emulator()
    with emu.execution(user="a@example.com") as ex:
        ex.PropertiesService.getScriptProperties().setProperty("n", 1)
"""

from .clock import RealClock, VirtualClock
from .emulator import DEFAULT_USER, Emulator
from .errors import GasError
from .execution import Execution, LogRecord
from .settings import Settings

__all__ = ["DEFAULT_USER", "Emulator", "Execution", "GasError", "LogRecord", "RealClock", "Settings",
           "VirtualClock"]
