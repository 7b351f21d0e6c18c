# billingd/: see README.md
