/* vepctl backup ...: the operator's side of VE backups (SPEC section 11). */
#ifndef VEPCTL_BACKUP_H
#define VEPCTL_BACKUP_H

struct db;

/*
 * argv[0] "backup", argv[1] the verb:
 *	list VEID		the VE's backups and its last result, as its node reported them
 *	now VEID		a backup at the node's next sync (audited, actor "vepctl")
 *	restore VEID ID		stop, restore, start (audited, the owner mailed)
 *	totals			every node's repository bytes, VEs whose last backup failed
 * Returns the exit status (0, 1 refused or failed, 2 usage).
 */
int	vepctl_backup(struct db *, int argc, char **argv);

#endif
