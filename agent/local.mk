# agent/: see README.md
