"""python -m recruitwatch"""

from .cli import main

main()
