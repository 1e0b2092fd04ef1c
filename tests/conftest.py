import sys
from pathlib import Path

# Tests import their small shared helpers module by name.
sys.path.insert(0, str(Path(__file__).parent))
