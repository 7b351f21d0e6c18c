# lib/db/: every SQL statement of the project, one file an area.  Billing is
# a DAG (db_bill.h shows it): db_bill at the bottom, then db_docnum,
# db_versions, db_periods, db_charges, and the run, late usage, documents,
# payments and policies above them.
lib_libvep_a_SOURCES += \
	lib/db/db.c lib/db/db.h \
	lib/db/dbhost.c lib/db/dbhost.h \
	lib/db/catalog.c lib/db/catalog.h \
	lib/db/db_node.c lib/db/db_node.h \
	lib/db/db_ve.c lib/db/db_ve.h \
	lib/db/db_change.c lib/db/db_change.h \
	lib/db/db_limit.c lib/db/db_limit.h \
	lib/db/db_tax.c lib/db/db_tax.h \
	lib/db/db_usage.c lib/db/db_usage.h \
	lib/db/db_history.c lib/db/db_history.h \
	lib/db/db_auth.c lib/db/db_auth.h \
	lib/db/db_vepage.c lib/db/db_vepage.h \
	lib/db/db_admin.c lib/db/db_admin.h \
	lib/db/db_report.c lib/db/db_report.h \
	lib/db/db_bill.c lib/db/db_bill.h \
	lib/db/db_docnum.c lib/db/db_docnum.h \
	lib/db/db_versions.c lib/db/db_versions.h \
	lib/db/db_periods.c lib/db/db_periods.h \
	lib/db/db_charges.c lib/db/db_charges.h \
	lib/db/db_invoice_run.c lib/db/db_invoice_run.h \
	lib/db/db_invoice_usage.c lib/db/db_invoice_usage.h \
	lib/db/db_invoice_write.c lib/db/db_invoice_write.h \
	lib/db/db_late.c lib/db/db_late.h \
	lib/db/db_docs.c lib/db/db_docs.h \
	lib/db/db_payments.c lib/db/db_payments.h \
	lib/db/db_policy.c lib/db/db_policy.h \
	lib/db/db_sla.c lib/db/db_sla.h \
	lib/db/self_billing.c lib/db/self_billing.h \
	lib/db/db_migrate.c lib/db/db_migrate.h \
	lib/db/db_mail.c lib/db/db_mail.h \
	lib/db/db_backup.c lib/db/db_backup.h \
	lib/db/db_move.c lib/db/db_move.h \
	lib/db/db_account.c lib/db/db_account.h \
	lib/db/db_account_email.c lib/db/db_account_email.h \
	lib/db/db_audit.c lib/db/db_audit.h \
	lib/db/db_addr.c lib/db/db_addr.h
