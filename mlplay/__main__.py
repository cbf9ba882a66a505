from mlplay.cli import main

main()
