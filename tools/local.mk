# tools/: see README.md
